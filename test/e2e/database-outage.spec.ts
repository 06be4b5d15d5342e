import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FerretDbHandle, startFerretDb, withDatabase } from '../../tools/db/ferretdb.ts';
import { startTestApp, TestApp } from '../utils/test-app';
import { ProbeModule } from '../support/probe.module';

/** Polls until `check` passes or the deadline ends; returns the last value seen. */
async function eventually<T>(read: () => Promise<T>, check: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!check(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    value = await read();
  }
  return value;
}

describe('when the database goes away and comes back', () => {
  let dataDir: string;
  let db: FerretDbHandle;
  let listenAddr: string;
  let t: TestApp;

  beforeAll(async () => {
    // A database of this test's own, so stopping it disturbs no other test file.
    dataDir = await mkdtemp(join(tmpdir(), 'pp-outage-'));
    db = await startFerretDb({ dataDir, listenAddr: '127.0.0.1:0', logLevel: 'error' });
    listenAddr = new URL(db.uri).host;
    t = await startTestApp({ label: 'outage', env: { MONGODB_URI: withDatabase(db.uri, 'outage') }, extraImports: [ProbeModule] });
  });

  afterAll(async () => {
    await t?.close();
    await db?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const ready = async () => {
    const res = await fetch(`${t.baseUrl}/health/ready`);
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
  };

  it('answers ready 503 while it is down, fails fast with 503 on reads, and recovers without a restart', async () => {
    expect((await ready()).status).toBe(200);

    await db.stop();
    const down = await eventually(ready, (r) => r.status === 503);
    expect(down).toMatchObject({ status: 503, retryAfter: '5', body: { code: 'service_unavailable', status: 503 } });

    const started = Date.now();
    const read = await fetch(`${t.baseUrl}/v1/probe/db`);
    const elapsed = Date.now() - started;
    expect(read.status).toBe(503);
    expect(read.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(read.headers.get('retry-after')).toBe('5');
    expect(await read.json()).toMatchObject({ code: 'database_unavailable' });
    expect(elapsed).toBeLessThan(10_000); // fail fast: never the driver's 30 s default

    db = await startFerretDb({ dataDir, listenAddr, logLevel: 'error' });
    const back = await eventually(ready, (r) => r.status === 200);
    expect(back.status).toBe(200);
    const again = await fetch(`${t.baseUrl}/v1/probe/db`);
    expect(again.status).toBe(200);
  }, 60_000);
});
