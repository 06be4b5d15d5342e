import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import { LRUCache } from 'lru-cache';

/** What a key's next hit would meet, without counting it (see RateLimitStorage.peek). */
export interface RateLimitPeek {
  readonly totalHits: number;
  /** The next hit would be refused: the key is blocked, or at its limit already. */
  readonly wouldBlock: boolean;
  /** Seconds until the key's window (or block) ends; 0 when it has none. */
  readonly secondsToReset: number;
}

/** @nestjs/throttler's storage contract, plus a look at a key that does not count as a hit. */
export interface RateLimitStorage extends ThrottlerStorage {
  peek(key: string, limit: number, throttlerName: string): Promise<RateLimitPeek>;
}

interface Entry {
  hits: number;
  /** Epoch ms at which the fixed window ends. */
  windowEnds: number;
  /** Epoch ms at which the block ends; 0 while not blocked. */
  blockedUntil: number;
}

const seconds = (ms: number): number => Math.max(0, Math.ceil(ms / 1000));

/**
 * In-process storage for the rate limiter, bounded and timer-free. @nestjs/throttler's own
 * ThrottlerStorageService starts a setTimeout per hit, which keeps that request's async context
 * (and everything it references) alive for the whole window (nestjs/throttler#2629), and never
 * forgets a key (#2665). Here expiry is a timestamp compared on access, and at most `maxKeys`
 * keys are held: when full, the least recently used key is dropped (its counter starts over,
 * which errs on the side of serving). Same semantics as the Redis storage
 * (@nest-lab/throttler-storage-redis): fixed window; over the limit, the key is blocked for
 * blockDuration, and the first hit after the block starts a new window.
 */
export class BoundedMemoryThrottlerStorage implements RateLimitStorage {
  private readonly entries: LRUCache<string, Entry>;

  constructor(
    readonly maxKeys: number,
    private readonly now: () => number = Date.now,
  ) {
    // No ttl option on purpose: lru-cache's TTL support keeps a timer of its own.
    this.entries = new LRUCache<string, Entry>({ max: maxKeys });
  }

  /** Keys currently held (never more than maxKeys). */
  get size(): number {
    return this.entries.size;
  }

  increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const now = this.now();
    const id = `${throttlerName}:${key}`;
    let entry = this.entries.get(id);
    const blockOver = entry !== undefined && entry.blockedUntil !== 0 && entry.blockedUntil <= now;
    if (entry === undefined || blockOver || (entry.blockedUntil === 0 && entry.windowEnds <= now)) {
      entry = { hits: 0, windowEnds: now + ttl, blockedUntil: 0 };
      this.entries.set(id, entry);
    }
    entry.hits += 1;
    if (entry.blockedUntil === 0 && entry.hits > limit) entry.blockedUntil = now + blockDuration;
    const isBlocked = entry.blockedUntil > now;
    return Promise.resolve({
      totalHits: entry.hits,
      timeToExpire: seconds(entry.windowEnds - now),
      isBlocked,
      timeToBlockExpire: isBlocked ? seconds(entry.blockedUntil - now) : 0,
    });
  }

  peek(key: string, limit: number, throttlerName: string): Promise<RateLimitPeek> {
    const now = this.now();
    // peek, not get: a look does not make a key recently used.
    const entry = this.entries.peek(`${throttlerName}:${key}`);
    if (entry === undefined) return Promise.resolve({ totalHits: 0, wouldBlock: false, secondsToReset: 0 });
    if (entry.blockedUntil > now) return Promise.resolve({ totalHits: entry.hits, wouldBlock: true, secondsToReset: seconds(entry.blockedUntil - now) });
    if (entry.blockedUntil !== 0 || entry.windowEnds <= now) return Promise.resolve({ totalHits: 0, wouldBlock: false, secondsToReset: 0 });
    return Promise.resolve({ totalHits: entry.hits, wouldBlock: entry.hits >= limit, secondsToReset: seconds(entry.windowEnds - now) });
  }
}
