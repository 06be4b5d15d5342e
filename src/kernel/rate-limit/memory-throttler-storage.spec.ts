import { AsyncLocalStorage } from 'node:async_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { BoundedMemoryThrottlerStorage } from './memory-throttler-storage';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Full collections until nothing more is freed: WeakRefs are only cleared between jobs. */
async function collect(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  return process.memoryUsage().heapUsed;
}

const WINDOW = 60_000;

describe('BoundedMemoryThrottlerStorage', () => {
  it('counts hits in a fixed window, blocks past the limit for the block duration, then starts over', async () => {
    let now = 1_000_000;
    const storage = new BoundedMemoryThrottlerStorage(1000, () => now);
    const hits = [];
    for (let i = 0; i < 4; i++) hits.push(await storage.increment('1.2.3.4', WINDOW, 3, WINDOW, 'ip'));
    expect(hits.map((h) => [h.totalHits, h.isBlocked])).toEqual([[1, false], [2, false], [3, false], [4, true]]);
    expect(hits[0].timeToExpire).toBe(60);
    expect(hits[3].timeToBlockExpire).toBe(60);

    now += 30_000;
    expect(await storage.increment('1.2.3.4', WINDOW, 3, WINDOW, 'ip')).toMatchObject({ totalHits: 5, isBlocked: true, timeToBlockExpire: 30 });
    // Names and keys are separate counters.
    expect(await storage.increment('1.2.3.4', WINDOW, 3, WINDOW, 'user')).toMatchObject({ totalHits: 1, isBlocked: false });

    now += 30_000;
    expect(await storage.increment('1.2.3.4', WINDOW, 3, WINDOW, 'ip')).toMatchObject({ totalHits: 1, isBlocked: false, timeToExpire: 60 });
  });

  it('peeks without counting: the next hit would be refused at the limit, not only once blocked', async () => {
    let now = 5_000_000;
    const storage = new BoundedMemoryThrottlerStorage(1000, () => now);
    expect(await storage.peek('k', 2, 'ip')).toEqual({ totalHits: 0, wouldBlock: false, secondsToReset: 0 });
    await storage.increment('k', WINDOW, 2, WINDOW, 'ip');
    expect(await storage.peek('k', 2, 'ip')).toEqual({ totalHits: 1, wouldBlock: false, secondsToReset: 60 });
    expect(await storage.peek('k', 2, 'ip')).toEqual({ totalHits: 1, wouldBlock: false, secondsToReset: 60 });
    await storage.increment('k', WINDOW, 2, WINDOW, 'ip');
    now += 10_000;
    expect(await storage.peek('k', 2, 'ip')).toEqual({ totalHits: 2, wouldBlock: true, secondsToReset: 50 });
    now += 50_000;
    expect(await storage.peek('k', 2, 'ip')).toEqual({ totalHits: 0, wouldBlock: false, secondsToReset: 0 });
  });

  it('holds at most maxKeys keys, dropping the least recently used', async () => {
    const storage = new BoundedMemoryThrottlerStorage(1000);
    await storage.increment('busy', WINDOW, 10, WINDOW, 'ip');
    for (let i = 0; i < 5000; i++) {
      await storage.increment(`10.0.${i >> 8}.${i & 255}`, WINDOW, 10, WINDOW, 'ip');
      if (i % 100 === 0) await storage.increment('busy', WINDOW, 1_000_000, WINDOW, 'ip');
    }
    expect(storage.size).toBe(1000);
    expect((await storage.peek('busy', 1_000_000, 'ip')).totalHits).toBe(51);
    expect((await storage.peek('10.0.0.0', 10, 'ip')).totalHits).toBe(0);
    // For contrast: @nestjs/throttler's own in-memory storage keeps every key of the window.
    const unbounded = new ThrottlerStorageService();
    for (let i = 0; i < 5000; i++) await unbounded.increment(`10.0.${i >> 8}.${i & 255}`, WINDOW, 10, WINDOW, 'ip');
    expect(unbounded.storage.size).toBe(5000);
    unbounded.onApplicationShutdown();
  });

  it('starts no timer and keeps no request context alive', async () => {
    const storage = new BoundedMemoryThrottlerStorage(1000);
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const requestContext = new AsyncLocalStorage<{ payload: number[] }>();
    let alive: WeakRef<object> | undefined;
    await (async () => {
      const context = { payload: new Array<number>(100_000).fill(7) };
      alive = new WeakRef(context);
      await requestContext.run(context, async () => {
        for (let i = 0; i < 100; i++) await storage.increment(`user-${i}`, WINDOW, 10, WINDOW, 'user');
      });
    })();
    expect(timers()).toBe(before);
    await collect();
    expect(alive?.deref()).toBeUndefined();
  });

  it('soak: 200,000 distinct keys (addresses and users) leave the size at its bound and the heap flat', async () => {
    const bound = 50_000;
    const storage = new BoundedMemoryThrottlerStorage(bound);
    const hit = (i: number): Promise<unknown> =>
      i % 2 === 0
        ? storage.increment(`2001:db8:${(i >> 16).toString(16)}:${(i & 0xffff).toString(16)}::/64`, WINDOW, 600, WINDOW, 'ip')
        : storage.increment(`auth0|soak-user-${i}`, WINDOW, 600, WINDOW, 'user');
    // Fill to the bound and churn once through it (V8 settles its caches and optimised code), then
    // measure: from here on every new key replaces an old one.
    let next = 0;
    while (next < 2 * bound) await hit(next++);
    const settled = await collect();
    let peakSize = storage.size;
    for (const end = next + 200_000; next < end; next++) {
      await hit(next);
      if (storage.size > peakSize) peakSize = storage.size;
    }
    const after = await collect();
    const growth = after - settled;
    process.stderr.write(
      `rate-limit soak: 200000 distinct keys through a full ${bound}-key store: peak size ${peakSize}, heap after GC ${(settled / 2 ** 20).toFixed(2)} MB -> ${(after / 2 ** 20).toFixed(2)} MB (${(growth / 2 ** 20).toFixed(2)} MB)\n`,
    );
    expect(peakSize).toBe(bound);
    expect(storage.size).toBe(bound);
    // A leak of even 8 bytes per key would show as 1.6 MB.
    expect(growth).toBeLessThan(2 ** 20);
  });
});
