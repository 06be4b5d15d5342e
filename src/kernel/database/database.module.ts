import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { APP_CONFIG } from '#src/config/config.module';
import type { AppConfig } from '#src/config/app-config';

// Fail fast when the database is away: no command buffering and short selection timeouts, so a
// request answers 503 within seconds instead of hanging.
export const SERVER_SELECTION_TIMEOUT_MS = 2_000;

@Module({
  imports: [
    MongooseModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
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
      }),
    }),
  ],
})
export class DatabaseModule {}
