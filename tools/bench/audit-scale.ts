// Appending to a long audit stream (npm run bench, BENCH_AUDIT_EVENTS): does a change or a read cost
// more when the tenant's stream already holds N events? Measured twice on a freshly started API:
// before seeding and after N events were inserted straight into the stream, continuing its real
// hash chain (so the API appends after them as it would after N requests). Reported: the first
// change after start-up (the process must find the stream's head: `_id` probes from the head
// hint), then steady-state POST latency and GET throughput.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import type { ApiProcess } from './harness.ts';
import { log } from './harness.ts';
import { measure } from './load.ts';
import type { LoadResult, LoadSettings } from './load.ts';

interface Head {
  readonly seq: number;
  readonly hash: string;
}

interface ChainModule {
  chainEvent(stream: string, draft: Record<string, unknown>, previous: Head | undefined): { id: string; seq: number; hash: string };
}

export interface AuditScaleRun {
  readonly events: number;
  /** Latency of the first POST after start-up: it finds the stream's head. */
  readonly firstChangeMs: number;
  readonly post: LoadResult;
  readonly read: LoadResult;
}

export interface AuditScaleOutcome {
  readonly before: AuditScaleRun;
  readonly after: AuditScaleRun;
  readonly seeded: number;
  readonly seedSeconds: number;
}

interface Options {
  readonly root: string;
  readonly mongodbUri: string;
  readonly tenantId: string;
  readonly events: number;
  readonly auth: Record<string, string>;
  readonly load: LoadSettings;
  /** Stops the current API and starts a fresh one (same configuration). */
  readonly freshApi: () => Promise<ApiProcess>;
  readonly stopApi: () => Promise<void>;
}

const SEED_BATCH = 5_000;

async function withDatabase<T>(options: Options, use: (db: ReturnType<MongoClient['db']>) => Promise<T>): Promise<T> {
  const client = new MongoClient(options.mongodbUri, { directConnection: true, serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  try {
    return await use(client.db());
  } finally {
    await client.close();
  }
}

async function run(options: Options): Promise<AuditScaleRun> {
  const events = await withDatabase(options, (db) => db.collection('audit_events').countDocuments({ tenantId: options.tenantId }));
  const api = await options.freshApi();
  const post = { label: `POST /v1/partners (1 connection, ${events.toLocaleString('en')} events)`, url: `${api.baseUrl}/v1/partners`, headers: options.auth, method: 'POST' as const };
  const started = process.hrtime.bigint();
  const first = await fetch(post.url, { method: 'POST', headers: { ...options.auth, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Bench Scale First' }) });
  const firstChangeMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (first.status !== 201) throw new Error(`first POST answered ${first.status}: ${await first.text()}`);
  return {
    events,
    firstChangeMs,
    post: await measure({ ...post, body: { name: 'Bench Scale Partner' } }, { ...options.load, connections: 1 }),
    read: await measure({ label: `GET /v1/me (${events.toLocaleString('en')} events)`, url: `${api.baseUrl}/v1/me`, headers: options.auth }, options.load),
  };
}

/** Inserts `count` access events after the stream's head, chained as the API would chain them. */
async function seed(options: Options, count: number): Promise<number> {
  // The API's own chaining code (built), so the seeded events are exactly what it would write.
  const require = createRequire(import.meta.url);
  const { chainEvent } = require(join(options.root, 'dist', 'kernel', 'audit', 'audit-event.js')) as ChainModule;
  return withDatabase(options, async (db) => {
    const stream = options.tenantId;
    // The API is stopped: the head cannot move.
    const [newest] = await db.collection('audit_events').find({ tenantId: stream }).sort({ seq: -1 }).limit(1).toArray();
    let head: Head | undefined = newest ? { seq: newest.seq as number, hash: newest.hash as string } : undefined;
    const started = Date.now();
    for (let done = 0; done < count; ) {
      const batch = [];
      for (let i = 0; i < SEED_BATCH && done < count; i++, done++) {
        const event = chainEvent(
          stream,
          {
            time: new Date().toISOString(),
            type: 'access',
            action: 'me.read',
            actor: { type: 'user', id: 'auth0|bench-seed', role: 'Admin' },
            target: { type: 'me', id: null },
            context: { requestId: `seed-${done}`, ip: '127.0.0.1', userAgent: 'bench-seed', method: 'GET', route: '/v1/me' },
            outcome: { result: 'success', status: 200, latencyMs: 1 },
            source: `access:seed-${done}`,
          },
          head,
        );
        batch.push({ _id: event.id, ...event });
        head = { seq: event.seq, hash: event.hash };
      }
      await db.collection<{ _id: string }>('audit_events').insertMany(batch, { ordered: true });
      if (done % 50_000 < SEED_BATCH) log(`audit scale: ${done.toLocaleString('en')} of ${count.toLocaleString('en')} events seeded (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }
    // The hint a running API would have left (it writes one every 50 appends and on shutdown).
    if (head) await db.collection<{ _id: string }>('audit_heads').updateOne({ _id: `${stream}:head` }, { $set: { tenantId: stream, seq: head.seq } }, { upsert: true });
    return (Date.now() - started) / 1000;
  });
}

export async function benchmarkAuditScale(options: Options): Promise<AuditScaleOutcome> {
  const before = await run(options);
  log(`audit scale: seeding ${options.events.toLocaleString('en')} events into the stream`);
  await options.stopApi();
  const seedSeconds = await seed(options, options.events);
  const after = await run(options);
  return { before, after, seeded: options.events, seedSeconds };
}
