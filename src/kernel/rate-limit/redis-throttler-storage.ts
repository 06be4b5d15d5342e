import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import Redis from 'ioredis';
import type { Logger } from 'pino';
import type { RateLimitPeek, RateLimitStorage } from './memory-throttler-storage';

// Reads the two keys ThrottlerStorageRedisService writes (`{key:name}:hits`, `{key:name}:blocked`)
// without counting a hit; redis-throttler-storage.spec.ts pins that layout against a real Redis.
const PEEK_SCRIPT = `
local hits = tonumber(redis.call('GET', KEYS[1]) or '0')
return { hits, redis.call('PTTL', KEYS[1]), redis.call('PTTL', KEYS[2]) }`;

/** Every key this API writes starts with this, so a Redis shared with other software stays tidy. */
export const REDIS_KEY_PREFIX = 'partnerportal:ratelimit:';

/** After a failed command, Redis is left alone this long before it is tried again. */
const RETRY_AFTER_FAILURE_MS = 2000;
const COMMAND_TIMEOUT_MS = 500;
const CONNECT_WAIT_MS = 2000;

const seconds = (ms: number): number => Math.max(0, Math.ceil(ms / 1000));

export function createRedisClient(url: string): Redis {
  return new Redis(url, {
    // Fail fast instead of queueing: a request never waits for Redis to come back.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: CONNECT_WAIT_MS,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
    lazyConnect: true,
  });
}

/**
 * Limits shared by every instance through Redis (REDIS_URL), with @nest-lab/throttler-storage-redis
 * doing the counting (one Lua script per hit). When Redis is unreachable, the API keeps serving:
 * each process counts in its own bounded memory until Redis answers again. The outage is logged
 * once as an error when it starts and once when it ends, never per request.
 */
export class ResilientRedisThrottlerStorage implements RateLimitStorage {
  private readonly shared: ThrottlerStorageRedisService;
  private outage = false;
  private closing = false;
  private retryAt = 0;

  constructor(
    readonly redis: Redis,
    private readonly fallback: RateLimitStorage,
    private readonly logger: Logger,
  ) {
    this.shared = new ThrottlerStorageRedisService(redis);
    // Connection errors repeat on every reconnect attempt; the outage is reported by noteFailure.
    redis.on('error', (err: Error) => this.noteFailure(err));
    redis.on('close', () => this.noteFailure(new Error('connection closed')));
  }

  /** Connects (waiting at most a moment); an unreachable Redis at start-up is an outage, not a failure to start. */
  async connect(): Promise<void> {
    try {
      await this.redis.connect();
    } catch (err) {
      this.noteFailure(err);
    }
  }

  close(): void {
    this.closing = true;
    this.redis.disconnect(false);
  }

  /** Whether hits currently go to Redis (false during an outage). */
  get isShared(): boolean {
    return this.usable();
  }

  increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    return this.either(
      () => this.shared.increment(`${REDIS_KEY_PREFIX}${key}`, ttl, limit, blockDuration, throttlerName),
      () => this.fallback.increment(key, ttl, limit, blockDuration, throttlerName),
    );
  }

  peek(key: string, limit: number, throttlerName: string): Promise<RateLimitPeek> {
    return this.either(
      async () => {
        const slot = `{${REDIS_KEY_PREFIX}${key}:${throttlerName}}`;
        const [hits, hitsTtl, blockTtl] = (await this.redis.eval(PEEK_SCRIPT, 2, `${slot}:hits`, `${slot}:blocked`)) as [number, number, number];
        if (blockTtl > 0) return { totalHits: hits, wouldBlock: true, secondsToReset: seconds(blockTtl) };
        if (hitsTtl <= 0) return { totalHits: 0, wouldBlock: false, secondsToReset: 0 };
        return { totalHits: hits, wouldBlock: hits >= limit, secondsToReset: seconds(hitsTtl) };
      },
      () => this.fallback.peek(key, limit, throttlerName),
    );
  }

  private usable(): boolean {
    return this.redis.status === 'ready' && Date.now() >= this.retryAt;
  }

  private async either<T>(shared: () => Promise<T>, local: () => Promise<T>): Promise<T> {
    if (!this.usable()) {
      if (this.redis.status !== 'ready') this.noteFailure(new Error(`redis connection ${this.redis.status}`));
      return local();
    }
    try {
      const result = await shared();
      if (this.outage) {
        this.outage = false;
        this.logger.warn('rate limits: Redis answers again; limits are shared by every instance again');
      }
      return result;
    } catch (err) {
      this.retryAt = Date.now() + RETRY_AFTER_FAILURE_MS;
      this.noteFailure(err);
      return local();
    }
  }

  private noteFailure(err: unknown): void {
    if (this.outage || this.closing) return;
    this.outage = true;
    this.logger.error(
      { err: err instanceof Error ? { message: err.message } : { message: String(err) } },
      'rate limits: Redis (REDIS_URL) is unreachable; each instance now enforces its own per-process limits until it returns',
    );
  }
}
