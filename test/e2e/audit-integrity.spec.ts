// Tamper evidence and retention against the real database: digests sealed by the app, events
// edited, recomputed, deleted and truncated directly in the database (as an attacker with database
// access would), each caught by verification; retention removes only old events and the rest still verifies.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { AuditChain } from '#src/kernel/audit/audit-chain';
import { AuditEvent, AuditEventDraft, hashAuditEvent } from '#src/kernel/audit/audit-event';
import { AuditKeys } from '#src/kernel/audit/audit-keys';
import { AuditRelay } from '#src/kernel/audit/audit-relay';
import { AuditRetention } from '#src/kernel/audit/audit-retention';
import { AuditSealer } from '#src/kernel/audit/audit-sealer';
import { AuditDigest } from '#src/kernel/audit/audit-signing';
import { verifyAuditChain } from '#src/kernel/audit/audit-verification';
import { AuditWriter } from '#src/kernel/audit/audit-writer';
import { aTenant, TenantFixture } from '../factories/tenants';
import { startTestApp, TestApp } from '../utils/test-app';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('audit integrity: digests, tampering and retention', () => {
  let t: TestApp;
  let acme: TenantFixture;
  let admin: string;
  const digestFile = join(mkdtempSync(join(tmpdir(), 'pp-digests-')), 'digests.ndjson');

  beforeAll(async () => {
    t = await startTestApp({ label: 'audit_integrity', env: { AUDIT_DIGEST_FILE: digestFile } });
    acme = await aTenant(t, { name: 'Acme' });
    admin = await acme.adminToken();
  });
  afterAll(() => t.close());

  const raw = () => t.app.get<Connection>(getConnectionToken()).db!;

  async function changeSomething(n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      const res = await fetch(`${t.baseUrl}/v1/partners`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `Sealed ${Date.now()} ${i}` }),
      });
      expect(res.status).toBe(201);
    }
    await t.app.get(AuditWriter).flush();
    await t.app.get(AuditRelay).settled();
  }

  /** The stream as an attacker or an auditor reads it: straight from the collections. */
  async function read(stream: string): Promise<{ events: AuditEvent[]; digests: AuditDigest[] }> {
    const events = (await raw().collection('audit_events').find({ tenantId: stream }).toArray()).map(({ _id, ...e }) => e as unknown as AuditEvent);
    const digests = (await raw().collection('audit_digests').find({ tenantId: stream }).toArray()).map(({ _id, ...d }) => d as unknown as AuditDigest);
    return { events: events.sort((a, b) => a.seq - b.seq), digests: digests.sort((a, b) => a.digestSeq - b.digestSeq) };
  }

  const verify = async (stream: string, expectDigest?: AuditDigest) =>
    verifyAuditChain({ ...(await read(stream)), keys: t.app.get(AuditKeys).published, ...(expectDigest ? { expectDigest } : {}) });

  it('seals each touched stream with a signed digest, stored, logged and appended to the digest file', async () => {
    await changeSomething(2);
    const sealed = await t.app.get(AuditSealer).sealTouched();
    const mine = sealed.find((d) => d.tenantId === acme.tenant.id);
    expect(mine).toMatchObject({ digestSeq: 1, prevSignature: null, keyId: t.app.get(AuditKeys).signing.keyId });
    const fileLines = readFileSync(digestFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditDigest);
    expect(fileLines).toContainEqual(mine);
    expect(t.logs.some((l) => l.msg === 'audit digest' && (l.auditDigest as AuditDigest | undefined)?.id === mine?.id)).toBe(true);
    // Nothing new: no second digest.
    expect((await t.app.get(AuditSealer).sealTouched()).find((d) => d.tenantId === acme.tenant.id)).toBeUndefined();
    await changeSomething(1);
    const second = (await t.app.get(AuditSealer).sealTouched()).find((d) => d.tenantId === acme.tenant.id);
    expect(second).toMatchObject({ digestSeq: 2, prevSignature: mine?.signature });
    expect(await verify(acme.tenant.id)).toMatchObject({ intact: true, checkedDigests: 2 });
  });

  it('detects an edited event, and a whole chain recomputed after the edit', async () => {
    const tenant = await aTenant(t, { name: 'Edited' });
    const token = await tenant.adminToken();
    for (let i = 0; i < 3; i++) {
      await fetch(`${t.baseUrl}/v1/partners`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: `E${i}` }) });
    }
    await t.app.get(AuditWriter).flush();
    await t.app.get(AuditRelay).settled();
    await t.app.get(AuditSealer).sealTouched();
    const stream = tenant.tenant.id;
    const events = raw().collection('audit_events');
    const victim = (await read(stream)).events[1];

    await events.updateOne({ _id: victim.id as never }, { $set: { 'actor.id': 'auth0|someone-else' } });
    expect((await verify(stream)).brokenAt).toMatchObject({ seq: victim.seq, reason: 'hash_mismatch' });

    // Recompute every hash from the edited event on, as someone with only database access can.
    const all = (await read(stream)).events;
    let prev = all[victim.seq - 2]?.hash;
    for (const event of all.slice(victim.seq - 1)) {
      const fixed = { ...event, prevHash: prev ?? event.prevHash };
      const hash = hashAuditEvent(fixed);
      await events.updateOne({ _id: event.id as never }, { $set: { prevHash: fixed.prevHash, hash } });
      prev = hash;
    }
    const report = await verify(stream);
    expect(report.intact).toBe(false);
    expect(report.brokenAt?.reason).toBe('digest_mismatch');
  });

  it('detects a deleted event, and cut-off newest events with their digests once given a digest the auditor kept', async () => {
    const tenant = await aTenant(t, { name: 'Truncated' });
    const token = await tenant.adminToken();
    const post = (name: string) =>
      fetch(`${t.baseUrl}/v1/partners`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
    for (const name of ['T1', 'T2', 'T3', 'T4', 'T5', 'T6']) await post(name);
    await t.app.get(AuditWriter).flush();
    await t.app.get(AuditRelay).settled();
    const kept = (await t.app.get(AuditSealer).sealTouched()).find((d) => d.tenantId === tenant.tenant.id)!;
    const stream = tenant.tenant.id;
    expect((await verify(stream, kept)).intact).toBe(true);

    // Cut the newest two events and every digest: the database alone looks intact...
    const { events } = await read(stream);
    const cut = events.slice(-2).map((e) => e.id);
    await raw().collection('audit_events').deleteMany({ _id: { $in: cut as never[] } });
    await raw().collection('audit_digests').deleteMany({ tenantId: stream });
    expect((await verify(stream)).intact).toBe(true);
    // ...but not to an auditor holding a digest.
    expect((await verify(stream, kept)).brokenAt?.reason).toBe('truncated');

    // A hole in the middle is a gap, digest or not.
    await raw().collection('audit_events').deleteOne({ _id: events[1].id as never });
    expect((await verify(stream)).brokenAt).toMatchObject({ seq: 2, reason: 'gap' });
  });

  it('retention removes only events older than the retention period, anchors the rest with a signed checkpoint, and can run again', async () => {
    const stream = 'tn_retention_spec';
    const chain = t.app.get(AuditChain);
    const now = Date.now();
    const draft = (i: number, daysAgo: number): AuditEventDraft => ({
      time: new Date(now - daysAgo * DAY_MS).toISOString(),
      type: 'access',
      action: 'lead.list',
      actor: { type: 'user', id: 'auth0|old' },
      target: { type: 'lead', id: null },
      context: {},
      outcome: { result: 'success', status: 200 },
      source: `retention-spec-${i}`,
    });
    await chain.append(stream, [draft(1, 500), draft(2, 450), draft(3, 401), draft(4, 399), draft(5, 10)]);
    await t.app.get(AuditSealer).seal(stream);

    const reports = await t.app.get(AuditRetention).run(new Date(now));
    expect(reports).toContainEqual({ stream, removedThroughSeq: 3 });
    const { events } = await read(stream);
    expect(events.map((e) => e.seq)).toEqual([4, 5, 6]);
    expect(events[2]).toMatchObject({ type: 'checkpoint', action: 'audit.retention', data: { removedThroughSeq: 3 } });
    expect(await verify(stream)).toMatchObject({ intact: true });
    // The run is an event of its own, in the platform stream.
    const runs = (await read('platform')).events.filter((e) => e.action === 'audit.retention.run');
    expect(runs.at(-1)).toMatchObject({ type: 'system', actor: { id: 'job:audit-retention' }, data: { retentionDays: 400, trimmed: 1 } });

    // The chain goes on above the checkpoint, and a second run removes nothing more.
    await chain.append(stream, [draft(7, 0)]);
    expect(await t.app.get(AuditRetention).run(new Date(now))).toContainEqual({ stream, removedThroughSeq: 0 });
    const after = await read(stream);
    expect(after.events.map((e) => e.seq)).toEqual([4, 5, 6, 7]);
    expect(await verify(stream)).toMatchObject({ intact: true });
  });
});
