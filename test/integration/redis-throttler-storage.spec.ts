// The shared rate-limit storage against a real redis-server: the same counting as the in-process
// storage, a peek that reads the keys @nest-lab/throttler-storage-redis writes, and an outage that
// falls back to per-process counting with one error log (and one when Redis is back).
import { Writable } from 'node:stream';
import pino from 'pino';
import { BoundedMemoryThrottlerStorage } from '#src/kernel/rate-limit/memory-throttler-storage';
import { createRedisClient, ResilientRedisThrottlerStorage } from '#src/kernel/rate-limit/redis-throttler-storage';
import { RedisServer, startRedisServer } from '../utils/redis-server';

const WINDOW = 60_000;

describe('ResilientRedisThrottlerStorage (real redis-server)', () => {
  let redis: RedisServer;
  let storage: ResilientRedisThrottlerStorage;
  let fallback: BoundedMemoryThrottlerStorage;
  const logs: { level: number; msg: string }[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logs.push(JSON.parse(line) as { level: number; msg: string });
        done();
      },
    });
    fallback = new BoundedMemoryThrottlerStorage(1000);
    storage = new ResilientRedisThrottlerStorage(createRedisClient(redis.url), fallback, pino({ level: 'info' }, sink));
    await storage.connect();
  });
  afterAll(async () => {
    storage?.close();
    await redis?.stop();
  });

  it('counts, blocks and peeks in Redis like the in-process storage does', async () => {
    expect(storage.isShared).toBe(true);
    const hits = [];
    for (let i = 0; i < 4; i++) hits.push(await storage.increment('10.1.1.1', WINDOW, 3, WINDOW, 'ip'));
    expect(hits.map((h) => [h.totalHits, h.isBlocked])).toEqual([[1, false], [2, false], [3, false], [4, true]]);
    expect(hits[0].timeToExpire).toBe(60);
    expect(hits[3].timeToBlockExpire).toBe(60);
    // The peek reads the storage's own keys: a key layout change upstream fails here.
    expect(await storage.peek('10.1.1.1', 3, 'ip')).toMatchObject({ totalHits: 4, wouldBlock: true });
    await storage.increment('10.2.2.2', WINDOW, 3, WINDOW, 'ip');
    await storage.increment('10.2.2.2', WINDOW, 3, WINDOW, 'ip');
    expect(await storage.peek('10.2.2.2', 3, 'ip')).toEqual({ totalHits: 2, wouldBlock: false, secondsToReset: 60 });
    await storage.increment('10.2.2.2', WINDOW, 3, WINDOW, 'ip');
    expect(await storage.peek('10.2.2.2', 3, 'ip')).toMatchObject({ totalHits: 3, wouldBlock: true });
    expect(await storage.peek('10.9.9.9', 3, 'ip')).toEqual({ totalHits: 0, wouldBlock: false, secondsToReset: 0 });
    // Under the API's own prefix, expiring with the window.
    expect((await storage.redis.keys('*')).sort()).toEqual([
      '{partnerportal:ratelimit:10.1.1.1:ip}:blocked',
      '{partnerportal:ratelimit:10.1.1.1:ip}:hits',
      '{partnerportal:ratelimit:10.2.2.2:ip}:hits',
    ]);
    expect(await storage.redis.pttl('{partnerportal:ratelimit:10.2.2.2:ip}:hits')).toBeGreaterThan(55_000);
    // Nothing was counted in memory while Redis answered.
    expect(fallback.size).toBe(0);
  });

  it('keeps answering from process memory while Redis is down, logs the outage once, and shares again once it is back', async () => {
    await redis.kill();
    const during = [];
    for (let i = 0; i < 50; i++) during.push(await storage.increment('outage-user', WINDOW, 40, WINDOW, 'user'));
    expect(during.map((r) => r.totalHits)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(during[45].isBlocked).toBe(true);
    expect(storage.isShared).toBe(false);
    expect(fallback.size).toBeGreaterThan(0);
    const errors = logs.filter((l) => l.level === 50);
    expect(errors).toHaveLength(1);
    expect(errors[0].msg).toContain('per-process limits');

    await redis.restart();
    for (let i = 0; i < 100 && !storage.isShared; i++) await new Promise((r) => setTimeout(r, 50));
    expect(storage.isShared).toBe(true);
    // Back in Redis (which came back empty): the count starts over there.
    expect(await storage.increment('outage-user', WINDOW, 40, WINDOW, 'user')).toMatchObject({ totalHits: 1 });
    expect(logs.filter((l) => l.level === 40 && l.msg.includes('Redis answers again'))).toHaveLength(1);
    expect(logs.filter((l) => l.level === 50)).toHaveLength(1);
  });
  it('starts without Redis (logging it once) and begins sharing when Redis appears', async () => {
    await redis.kill();
    const lines: { level: number; msg: string }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString('utf8')) as { level: number; msg: string });
        done();
      },
    });
    const late = new ResilientRedisThrottlerStorage(createRedisClient(redis.url), new BoundedMemoryThrottlerStorage(1000), pino({ level: 'info' }, sink));
    try {
      await late.connect();
      expect(late.isShared).toBe(false);
      expect(await late.increment('early', WINDOW, 5, WINDOW, 'ip')).toMatchObject({ totalHits: 1 });
      await redis.restart();
      for (let i = 0; i < 100 && !late.isShared; i++) await new Promise((r) => setTimeout(r, 50));
      expect(late.isShared).toBe(true);
      await late.increment('early', WINDOW, 5, WINDOW, 'ip');
      expect(lines.map((l) => l.level)).toEqual([50, 40]);
    } finally {
      late.close();
    }
  });
});
