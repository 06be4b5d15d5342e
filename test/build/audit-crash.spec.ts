// The audit trail across process deaths and several processes: the built API is killed at each
// named step of an audited change (AUDIT_FAULT_POINT), another process takes over, and the change
// appears in the chain exactly once, honestly; two processes writing at once never fork a chain.
import { MongoClient } from 'mongodb';
import type { Db } from 'mongodb';
import { DevIssuer } from '../../tools/dev-issuer/dev-issuer.ts';
import type { AuditEvent } from '#src/kernel/audit/audit-event';
import { GENESIS_HASH, hashAuditEvent } from '#src/kernel/audit/audit-event';
import { testDatabaseUri } from '../utils/database';
import { BuiltApi, runBuiltCli, startBuiltApi } from '../utils/built-api';

const ORG = 'org_audit_crash';
const ADMIN = 'auth0|crash-admin';

describe('audit trail across crashes and processes (built app)', () => {
  const uri = testDatabaseUri('audit_crash');
  let issuer: DevIssuer;
  let issuerServer: Awaited<ReturnType<DevIssuer['serve']>>;
  let client: MongoClient;
  let db: Db;
  let tenantId: string;
  let token: string;
  let env: Record<string, string>;
  const running: BuiltApi[] = [];

  const start = async (extra: Record<string, string> = {}): Promise<BuiltApi> => {
    const api = await startBuiltApi({ ...env, ...extra });
    running.push(api);
    return api;
  };

  beforeAll(async () => {
    issuer = await DevIssuer.ephemeral();
    issuerServer = await issuer.serve(0);
    env = { NODE_ENV: 'test', MONGODB_URI: uri, AUTH_ISSUER_URL: issuerServer.url, AUDIT_INTERRUPTED_AFTER_SECONDS: '1' };
    const created = (await runBuiltCli(['tenants:create', '--name', 'Crash Co', '--org-id', ORG, '--admin-sub', ADMIN], { ...env, OPERATOR_NAME: 'crash-test' })) as {
      tenant: { id: string };
    };
    tenantId = created.tenant.id;
    token = await issuer.mint({ sub: ADMIN, orgId: ORG, amr: ['mfa'] });
    client = await new MongoClient(uri, { directConnection: true }).connect();
    db = client.db();
  });

  afterAll(async () => {
    await Promise.all(running.map((api) => api.stop()));
    await client?.db().dropDatabase().catch(() => undefined);
    await client?.close();
    await issuerServer?.close();
  });

  const createPartner = (api: BuiltApi, name: string, requestId: string): Promise<Response> =>
    fetch(`${api.baseUrl}/v1/partners`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-request-id': requestId },
      body: JSON.stringify({ name }),
    });

  const stream = async (): Promise<AuditEvent[]> => {
    const docs = await db.collection('audit_events').find({ tenantId }).toArray();
    return docs.map(({ _id, ...event }) => event as unknown as AuditEvent).sort((a, b) => a.seq - b.seq);
  };

  /** Polls until the tenant's outbox is empty (everything chained) or the deadline passes. */
  const drained = async (): Promise<void> => {
    const deadline = Date.now() + 30_000;
    while ((await db.collection('audit_outbox').countDocuments({ tenantId })) > 0) {
      if (Date.now() > deadline) throw new Error('the audit outbox was not drained within 30 s');
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  const expectIntact = (events: readonly AuditEvent[]): void => {
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    events.forEach((event, i) => {
      expect(hashAuditEvent(event)).toBe(event.hash);
      expect(event.prevHash).toBe(i === 0 ? GENESIS_HASH : events[i - 1].hash);
    });
    expect(new Set(events.map((e) => e.source)).size).toBe(events.length);
  };

  const changesFor = async (requestId: string): Promise<AuditEvent[]> =>
    (await stream()).filter((e) => e.type === 'change' && e.context.requestId === requestId);

  it('records the operator command that created the tenant as the first event of its stream', async () => {
    const [first] = await stream();
    expect(first).toMatchObject({ seq: 1, type: 'system', action: 'tenant.create', actor: { type: 'operator', id: 'operator:crash-test' }, target: { type: 'tenant', id: tenantId } });
  });

  it.each([
    ['after-intent', false, 'unknown'],
    ['after-handler', true, 'unknown'],
    ['after-outcome', true, 'success'],
  ] as const)('killed %s, the change is chained exactly once by the next process (applied: %s, result: %s)', async (point, applied, result) => {
    const doomed = await start({ AUDIT_FAULT_POINT: point });
    const requestId = `crash-${point}`;
    await expect(createPartner(doomed, `Crash ${point}`, requestId)).rejects.toThrow();
    expect(await doomed.exited).toEqual({ code: null, signal: 'SIGKILL' });

    const survivor = await start();
    await drained();
    const events = await changesFor(requestId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'partner.create', outcome: { result } });
    if (result === 'unknown') expect(events[0].outcome.reason).toContain('interrupted');
    else expect(events[0].changes).toEqual(expect.arrayContaining([{ field: 'name', after: `Crash ${point}` }]));
    expect(await db.collection('partners').countDocuments({ tenantId, name: `Crash ${point}` })).toBe(applied ? 1 : 0);
    expectIntact(await stream());
    await survivor.stop();
  });

  it('flushes buffered access events on SIGTERM: reads made just before a graceful stop are in the chain', async () => {
    const api = await start();
    const reads = await Promise.all(
      Array.from({ length: 5 }, (_, i) => fetch(`${api.baseUrl}/v1/me`, { headers: { authorization: `Bearer ${token}`, 'x-request-id': `sigterm-read-${i}` } })),
    );
    expect(reads.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    await api.stop(); // SIGTERM, at once: the 0.5 s flush timer has not necessarily fired
    const recorded = (await stream()).filter((e) => e.context.requestId?.startsWith('sigterm-read-'));
    expect(recorded.map((e) => e.context.requestId).sort()).toEqual(['sigterm-read-0', 'sigterm-read-1', 'sigterm-read-2', 'sigterm-read-3', 'sigterm-read-4']);
    expect(recorded.every((e) => e.type === 'access' && e.action === 'session.read')).toBe(true);
  });

  it('keeps one unforked chain when two processes record 20 concurrent changes', async () => {
    const [a, b] = await Promise.all([start(), start()]);
    let release!: () => void;
    const barrier = new Promise<void>((r) => (release = r));
    const replies = Array.from({ length: 20 }, async (_, i) => {
      await barrier;
      return createPartner(i % 2 === 0 ? a : b, `Twin ${i}`, `twin-${i}`);
    });
    release();
    expect((await Promise.all(replies)).map((r) => r.status)).toEqual(Array<number>(20).fill(201));
    await drained();
    const events = await stream();
    expectIntact(events);
    const twins = events.filter((e) => e.type === 'change' && e.context.requestId?.startsWith('twin-'));
    expect(twins.map((e) => e.context.requestId).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `twin-${i}`).sort());
    await Promise.all([a.stop(), b.stop()]);
  });
});
