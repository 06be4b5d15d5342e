// The auditor's integrity endpoints: GET /v1/audit-events/verify, /digests and /keys, and the
// offline flow they enable (export + keys + digests, verified with nothing from the service).
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { AuditEvent } from '#src/kernel/audit/audit-event';
import { parseAuditNdjson } from '#src/kernel/audit/audit-export-reader';
import { AuditRelay } from '#src/kernel/audit/audit-relay';
import { AuditSealer } from '#src/kernel/audit/audit-sealer';
import { AuditDigest, AuditPublicKey, verifyDigestSignature } from '#src/kernel/audit/audit-signing';
import { verifyAuditChain } from '#src/kernel/audit/audit-verification';
import { AuditWriter } from '#src/kernel/audit/audit-writer';
import { aPartner } from '../factories/partners';
import { aTenant, TenantFixture } from '../factories/tenants';
import { startTestApp, TestApp } from '../utils/test-app';

interface Reply {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly text: string;
}

describe('audit integrity API: verify, digests, keys', () => {
  let t: TestApp;
  let acme: TenantFixture;
  let other: TenantFixture;
  let admin: string;
  let partnerUser: string;

  beforeAll(async () => {
    t = await startTestApp({ label: 'audit_integrity_api' });
    [acme, other] = await Promise.all([aTenant(t, { name: 'Acme' }), aTenant(t, { name: 'Other' })]);
    admin = await acme.adminToken();
    const north = await aPartner().named('North').withStatus('active').in(t, acme);
    await acme.addMember({ sub: 'auth0|north', role: 'Partner', partnerId: north.id });
    partnerUser = await acme.tokenFor('auth0|north');
    for (const name of ['One', 'Two', 'Three']) expect((await call('POST', '/v1/partners', admin, { name })).status).toBe(201);
    await settleAndSeal();
    expect((await call('POST', '/v1/partners', admin, { name: 'Four' })).status).toBe(201);
    await settleAndSeal();
  });
  afterAll(() => t.close());

  async function call(method: string, path: string, token: string, body?: unknown): Promise<Reply> {
    const res = await fetch(`${t.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const json = (res.headers.get('content-type') ?? '').includes('json') && !(res.headers.get('content-type') ?? '').includes('ndjson');
    return { status: res.status, text, body: json ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  async function settleAndSeal(): Promise<void> {
    await t.app.get(AuditWriter).flush();
    await t.app.get(AuditRelay).settled();
    await t.app.get(AuditSealer).sealTouched();
  }

  it('verifies the whole trail and a time range, and reports the first broken event after tampering', async () => {
    const whole = await call('GET', '/v1/audit-events/verify', admin);
    expect(whole.status).toBe(200);
    expect(whole.body).toMatchObject({ intact: true, stream: acme.tenant.id, firstSeq: 1, checkedDigests: 2 });
    expect(whole.body.checkedEvents as number).toBeGreaterThanOrEqual(4);

    const list = await call('GET', '/v1/audit-events?limit=200', admin);
    const events = list.body.data as AuditEvent[];
    const middle = [...events].sort((a, b) => a.seq - b.seq)[2];
    const ranged = await call('GET', `/v1/audit-events/verify?from=${encodeURIComponent(middle.time)}`, admin);
    expect(ranged.body).toMatchObject({ intact: true });
    expect(ranged.body.firstSeq as number).toBeLessThanOrEqual(middle.seq + 5);

    const bad = await call('GET', '/v1/audit-events/verify?from=yesterday', admin);
    expect(bad.status).toBe(400);
    expect((bad.body.errors as { field: string }[]).map((e) => e.field)).toEqual(['/from']);

    // An attacker with database access rewrites an event's actor.
    const victim = [...events].sort((a, b) => a.seq - b.seq)[1];
    await t.app.get<Connection>(getConnectionToken()).db!.collection('audit_events').updateOne({ _id: victim.id as never }, { $set: { 'actor.id': 'auth0|innocent' } });
    const broken = await call('GET', '/v1/audit-events/verify', admin);
    expect(broken.body).toMatchObject({ intact: false, brokenAt: { seq: victim.seq, reason: 'hash_mismatch' } });
    // The other tenant's trail is its own, and still intact.
    expect((await call('GET', '/v1/audit-events/verify', await other.adminToken())).body).toMatchObject({ intact: true, stream: other.tenant.id });
  });

  it('lists the signed digests newest first with a cursor, and publishes the keys that verify them', async () => {
    const first = await call('GET', '/v1/audit-events/digests?limit=1', admin);
    expect(first.status).toBe(200);
    const [newest] = first.body.data as AuditDigest[];
    expect(newest).toMatchObject({ tenantId: acme.tenant.id, digestSeq: 2 });
    const second = await call('GET', `/v1/audit-events/digests?limit=1&cursor=${first.body.nextCursor as string}`, admin);
    expect((second.body.data as AuditDigest[]).map((d) => d.digestSeq)).toEqual([1]);
    expect(second.body.nextCursor).toBeNull();
    expect(newest.prevSignature).toBe((second.body.data as AuditDigest[])[0].signature);

    const keys = (await call('GET', '/v1/audit-events/keys', admin)).body.data as AuditPublicKey[];
    expect(keys[0]).toMatchObject({ keyId: newest.keyId, algorithm: 'Ed25519', validUntil: null });
    expect(verifyDigestSignature(newest, keys)).toBe(true);
    expect(verifyDigestSignature({ ...newest, headSeq: newest.headSeq + 1 }, keys)).toBe(false);
  });

  it('gives an auditor everything to verify offline: the NDJSON export, the digests and the keys', async () => {
    const auditor = await other.adminToken();
    for (const name of ['A', 'B']) await call('POST', '/v1/partners', auditor, { name });
    await settleAndSeal();
    const exported = await call('GET', '/v1/audit-events/export?format=ndjson', auditor);
    expect(exported.status).toBe(200);
    const { events } = parseAuditNdjson(exported.text, 'export.ndjson');
    const digests = (await call('GET', '/v1/audit-events/digests', auditor)).body.data as AuditDigest[];
    const keys = (await call('GET', '/v1/audit-events/keys', auditor)).body.data as AuditPublicKey[];
    expect(verifyAuditChain({ events, digests, keys })).toMatchObject({ intact: true, stream: other.tenant.id });
  });

  it('refuses Partner users on every integrity endpoint', async () => {
    for (const path of ['/v1/audit-events/verify', '/v1/audit-events/digests', '/v1/audit-events/keys']) {
      expect({ path, status: (await call('GET', path, partnerUser)).status }).toEqual({ path, status: 403 });
    }
  });
});
