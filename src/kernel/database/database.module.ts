import { Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import { getConnectionToken, MongooseModule } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { APP_CONFIG } from '#src/config/config.module';
import type { AppConfig } from '#src/config/app-config';
import { RequestContext } from '../context/request-context';
import { ROOT_LOGGER } from '../logging/logging.module';
import { assertEveryModelIsScoped, createTenantPlugin } from '../tenancy';

// Fail fast when the database is away: no command buffering and short selection timeouts, so a
// request answers 503 within seconds instead of hanging.
export const SERVER_SELECTION_TIMEOUT_MS = 2_000;

@Module({
  imports: [
    MongooseModule.forRootAsync({
      inject: [APP_CONFIG, RequestContext, ROOT_LOGGER],
      useFactory: (config: AppConfig, context: RequestContext, logger: Logger) => ({
        uri: config.mongodbUri,
        bufferCommands: false,
        autoIndex: true,
        autoCreate: true,
        serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS,
        connectTimeoutMS: SERVER_SELECTION_TIMEOUT_MS,
        heartbeatFrequencyMS: 2_000,
        maxPoolSize: 50,
        retryAttempts: config.nodeEnv === 'test' ? 0 : 5,
        retryDelay: 2_000,
        // Defence in depth against operator injection: any filter value that is an object with a
        // $-key is wrapped in $eq (and $where/$expr are refused), so a value that slipped past
        // validation can only ever be compared, never run. Code-built operator conditions say so
        // with mongoose's trusted() (filter-conditions.ts, keyset-query.ts, a few repositories).
        sanitizeFilter: true,
        // The tenant plugin goes on the connection before any model compiles, so every
        // tenant-owned schema is scoped; there is no model it could miss.
        connectionFactory: (connection: Connection) => {
          connection.plugin(createTenantPlugin(context, logger.child({ component: 'tenancy' })));
          return connection;
        },
      }),
    }),
  ],
})
export class DatabaseModule implements OnApplicationBootstrap {
  constructor(@Inject(getConnectionToken()) private readonly connection: Connection) {}

  /**
   * Invariants rest on unique indexes, so they must exist before the first request: wait for
   * every model's index build, and refuse to start if a model is neither tenant-scoped nor a
   * listed platform collection.
   */
  async onApplicationBootstrap(): Promise<void> {
    assertEveryModelIsScoped(this.connection);
    await Promise.all(Object.values(this.connection.models).map((model) => model.init()));
  }
}
