// The audit hash chain against the real database: several appenders that share nothing but the
// database (as separate API processes do) never fork a stream or reuse a sequence number, a source
// is appended once, the stored events recompute to their hashes, and events cannot be changed.
import { AsyncLocalStorage } from 'node:async_hooks';
import mongoose from 'mongoose';
import type { Connection, Model } from 'mongoose';
import { ClsService } from 'nestjs-cls';
import { AuditChain } from '#src/kernel/audit/audit-chain';
import { AuditEvent, AuditEventDraft, GENESIS_HASH, hashAuditEvent } from '#src/kernel/audit/audit-event';
import { RETENTION_DELETE_OPTION } from '#src/kernel/audit/append-only';
import { AuditEventRecord, AuditEventSchema } from '#src/kernel/audit/audit-event.schema';
import { AuditHeadRecord, AuditHeadSchema } from '#src/kernel/audit/audit-head.schema';
import { RequestContext } from '#src/kernel/context/request-context';
import { createTenantPlugin } from '#src/kernel/tenancy';
import { testDatabaseUri } from '../utils/database';

const ctx = new RequestContext(new ClsService(new AsyncLocalStorage()));

function draft(source: string, i = 0): AuditEventDraft {
  return {
    time: new Date(Date.UTC(2026, 10, 29, 8, 0, i)).toISOString(),
    type: 'change',
    action: 'lead.update',
    actor: { type: 'user', id: 'auth0|alice', role: 'Staff' },
    target: { type: 'lead', id: `L${i}` },
    context: { requestId: `req-${i}`, ip: '127.0.0.1', method: 'PATCH', route: '/v1/leads/:id' },
    outcome: { result: 'success', status: 200, latencyMs: 3 },
    changes: [{ field: 'status', before: 'submitted', after: 'under_review' }, { field: 'contact.email', before: '[masked]', after: '[masked]' }],
    data: {},
    source,
  };
}

describe('audit chain (real database)', () => {
  let connection: Connection;
  let events: Model<AuditEventRecord>;
  let hints: Model<AuditHeadRecord>;
  /** A fresh appender with its own caches: another process, as far as the chain can tell. */
  const appender = () => new AuditChain(events, hints, ctx);

  const storedStream = (stream: string): Promise<AuditEvent[]> =>
    ctx.runInTenant(stream, 'test:audit-chain', async () => {
      const docs = await events.find({}).lean();
      return docs.map(({ _id, ...event }) => event as unknown as AuditEvent).sort((a, b) => a.seq - b.seq);
    });

  const expectIntact = (stream: string, chain: readonly AuditEvent[], count: number): void => {
    expect(chain.map((e) => e.seq)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    chain.forEach((event, i) => {
      expect(event.id).toBe(`${stream}:${event.seq}`);
      expect(hashAuditEvent(event)).toBe(event.hash);
      expect(event.prevHash).toBe(i === 0 ? GENESIS_HASH : chain[i - 1].hash);
    });
  };

  beforeAll(async () => {
    connection = await mongoose.createConnection(testDatabaseUri('audit_chain'), { bufferCommands: false, serverSelectionTimeoutMS: 5_000 }).asPromise();
    connection.plugin(createTenantPlugin(ctx, { warn: () => undefined }));
    events = connection.model<AuditEventRecord>('AuditEventSpec', AuditEventSchema.clone());
    hints = connection.model<AuditHeadRecord>('AuditHeadSpec', AuditHeadSchema.clone());
    await events.syncIndexes();
  });

  afterAll(async () => {
    await connection?.dropDatabase().catch(() => undefined);
    await connection?.close();
  });

  it('stores events that recompute to their hashes and link from the genesis hash', async () => {
    const chain = appender();
    await chain.append('tn_linear', [draft('a', 1), draft('b', 2)]);
    await chain.append('tn_linear', [draft('c', 3)]);
    const stored = await storedStream('tn_linear');
    expectIntact('tn_linear', stored, 3);
    expect(stored.map((e) => e.source)).toEqual(['a', 'b', 'c']);
    // Empty objects survive the round trip (the hash covers them).
    expect(stored[0].data).toEqual({});
  });

  it('gives four appenders racing on one stream one unforked chain without gaps, 5 rounds', async () => {
    for (let round = 0; round < 5; round++) {
      const stream = `tn_race_${round}`;
      const appenders = Array.from({ length: 4 }, appender);
      let release!: () => void;
      const barrier = new Promise<void>((resolve) => (release = resolve));
      const runs = appenders.map(async (chain, a) => {
        await barrier;
        for (let i = 0; i < 10; i++) await chain.append(stream, [draft(`${a}-${i}`, i)]);
      });
      release();
      await Promise.all(runs);
      const stored = await storedStream(stream);
      expect({ round, count: stored.length }).toEqual({ round, count: 40 });
      expectIntact(stream, stored, 40);
      expect(new Set(stored.map((e) => e.source)).size).toBe(40);
    }
  });

  it('appends a source once, even when two appenders relay it at the same time', async () => {
    const [one, two] = [appender(), appender()];
    await one.append('tn_once', [draft('first')]);
    const results = await Promise.all([one.append('tn_once', [draft('dup', 1)]), two.append('tn_once', [draft('dup', 1)])]);
    expect(results.map((r) => r.length).sort()).toEqual([0, 1]);
    await two.append('tn_once', [draft('first')]);
    const stored = await storedStream('tn_once');
    expectIntact('tn_once', stored, 2);
  });

  it('finds the head of a long stream again from a stale hint, by id lookups', async () => {
    await appender().append('tn_long', Array.from({ length: 120 }, (_, i) => draft(`s${i}`, i)));
    const late = appender();
    expect(await late.head('tn_long')).toMatchObject({ seq: 120 });
    await late.append('tn_long', [draft('after')]);
    expectIntact('tn_long', await storedStream('tn_long'), 121);
  });

  it('refuses every update and delete of a stored event, except a retention delete', async () => {
    await appender().append('tn_frozen', [draft('x')]);
    await ctx.runInTenant('tn_frozen', 'test:audit-chain', async () => {
      await expect(events.updateOne({ _id: 'tn_frozen:1' }, { $set: { action: 'lead.read' } })).rejects.toThrow('append-only');
      await expect(events.findOneAndUpdate({ _id: 'tn_frozen:1' }, { $set: { action: 'x' } })).rejects.toThrow('append-only');
      await expect(events.replaceOne({ _id: 'tn_frozen:1' }, { action: 'x' })).rejects.toThrow('append-only');
      await expect(events.deleteOne({ _id: 'tn_frozen:1' })).rejects.toThrow('append-only');
      await expect(events.deleteMany({})).rejects.toThrow('append-only');
      const doc = await events.findById('tn_frozen:1');
      doc!.action = 'x';
      await expect(doc!.save()).rejects.toThrow('append-only');
      expect(await events.countDocuments({})).toBe(1);
      await events.deleteMany({ seq: { $lte: 1 } }).setOptions({ [RETENTION_DELETE_OPTION]: true });
      expect(await events.countDocuments({})).toBe(0);
    });
  });
});
