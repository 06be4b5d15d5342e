import { Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from '#src/config/app-config';
import { APP_CONFIG } from '#src/config/config.module';
import { ROOT_LOGGER } from '../logging/logging.module';
import { BoundedMemoryThrottlerStorage, RateLimitStorage } from './memory-throttler-storage';
import { RATE_LIMIT_STORAGE, RateLimiter } from './rate-limiter';
import { createRedisClient, ResilientRedisThrottlerStorage } from './redis-throttler-storage';

function createStorage(config: AppConfig, logger: Logger): RateLimitStorage {
  const local = new BoundedMemoryThrottlerStorage(config.rateLimit.memoryMaxKeys);
  if (config.rateLimit.redisUrl === undefined) return local;
  return new ResilientRedisThrottlerStorage(createRedisClient(config.rateLimit.redisUrl), local, logger.child({ component: 'rate-limit' }));
}

/** Request rate limits: the storage (Redis when REDIS_URL is set, else bounded memory) and the limiter. */
@Global()
@Module({
  providers: [
    { provide: RATE_LIMIT_STORAGE, useFactory: createStorage, inject: [APP_CONFIG, ROOT_LOGGER] },
    RateLimiter,
  ],
  exports: [RateLimiter],
})
export class RateLimitModule {}
