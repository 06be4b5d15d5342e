import { Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';

export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/**
 * nestjs-pino over the one root pino logger. `useExisting` because configureApp mounts the
 * pino-http middleware itself (first in line); this module only binds req.log to Nest's Logger.
 */
@Global()
@Module({})
export class LoggingModule {
  static register(logger: Logger) {
    return {
      module: LoggingModule,
      imports: [LoggerModule.forRoot({ pinoHttp: { logger }, useExisting: true })],
      providers: [{ provide: ROOT_LOGGER, useValue: logger }],
      exports: [ROOT_LOGGER, LoggerModule],
    };
  }
}
