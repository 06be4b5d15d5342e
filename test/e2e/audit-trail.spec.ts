// The audit trail's write side through the whole app: change events with field diffs for every
// mutation, access and denial events for every request, chained per tenant, tokens never stored.
import { getModelToken } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { AuditRelay } from '#src/kernel/audit/audit-relay';
import { AuditWriter } from '#src/kernel/audit/audit-writer';
import { AuditEvent, GENESIS_HASH, hashAuditEvent, PLATFORM_STREAM } from '#src/kernel/audit/audit-event';
import { AuditEventRecord } from '#src/kernel/audit/audit-event.schema';
import { MASKED } from '#src/kernel/audit/audit-diff';
import { RequestContext } from '#src/kernel/context/request-context';
import { DevIssuer } from '../../tools/dev-issuer/dev-issuer.ts';
import { aTenant, TenantFixture } from '../factories/tenants';
import { startTestApp, TestApp } from '../utils/test-app';

interface Reply {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

describe('audit trail: what every request and change leaves behind', () => {
  let t: TestApp;
  let acme: TenantFixture;
  let other: TenantFixture;
  let admin: string;
  let partnerUser: string;

  beforeAll(async () => {
    t = await startTestApp({ label: 'audit_trail' });
    [acme, other] = await Promise.all([aTenant(t, { name: 'Acme' }), aTenant(t, { name: 'Other' })]);
    admin = await acme.adminToken();
    const partner = await call('POST', '/v1/partners', admin, { name: 'North', status: 'active' });
    await acme.addMember({ sub: 'auth0|north-user', role: 'Partner', partnerId: partner.body.id as string });
    partnerUser = await acme.tokenFor('auth0|north-user');
  });
  afterAll(() => t.close());

  async function call(method: string, path: string, token: string | undefined, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const init: RequestInit = { method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } };
    if (body !== undefined) {
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const res = await fetch(`${t.baseUrl}${path}`, init);
    const text = await res.text();
    return { status: res.status, body: text && text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  /** Everything written so far, chained: buffered access events flushed, fast paths finished. */
  async function settle(): Promise<void> {
    await t.app.get(AuditWriter).flush();
    await t.app.get(AuditRelay).settled();
  }

  async function stream(tenantId: string): Promise<AuditEvent[]> {
    await settle();
    const events = t.app.get<Model<AuditEventRecord>>(getModelToken(AuditEventRecord.name));
    return t.app.get(RequestContext).runInTenant(tenantId, 'test:audit', async () => {
      const docs = await events.find({}).lean();
      return docs.map(({ _id, ...event }) => event as unknown as AuditEvent).sort((a, b) => a.seq - b.seq);
    });
  }

  function expectIntact(events: readonly AuditEvent[]): void {
    events.forEach((event, i) => {
      expect(event.seq).toBe(i + 1);
      expect(hashAuditEvent(event)).toBe(event.hash);
      expect(event.prevHash).toBe(i === 0 ? GENESIS_HASH : events[i - 1].hash);
    });
  }

  it('records a create and an update as one change event each, with a field diff that masks personal data', async () => {
    const created = await call('POST', '/v1/partners', admin, { name: 'Globex', primaryContact: { name: 'Jane Roe', email: 'jane@globex.example' } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const updated = await call('PATCH', `/v1/partners/${id}`, admin, { tier: 'gold', primaryContact: { name: 'Jane Roe', email: 'jroe@globex.example' } });
    expect(updated.status).toBe(200);

    const changes = (await stream(acme.tenant.id)).filter((e) => e.type === 'change' && e.target?.id === id);
    expect(changes.map((e) => e.action)).toEqual(['partner.create', 'partner.update']);
    const [create, update] = changes;
    expect(create).toMatchObject({
      actor: { type: 'user', id: acme.admin.sub, role: 'Admin' },
      target: { type: 'partner', id },
      context: { method: 'POST', route: '/v1/partners', ip: expect.any(String), requestId: expect.any(String) },
      outcome: { result: 'success', status: 201 },
    });
    expect(create.changes).toEqual(expect.arrayContaining([{ field: 'name', after: 'Globex' }, { field: 'primaryContact.email', after: MASKED }]));
    expect(update.outcome).toMatchObject({ result: 'success', status: 200 });
    expect(update.changes).toEqual([
      { field: 'primaryContact.email', before: MASKED, after: MASKED },
      { field: 'tier', before: 'registered', after: 'gold' },
    ]);
    expect(JSON.stringify(changes)).not.toContain('globex.example');
    // Each request is recorded once: the change event carries the access-log fields, so no
    // separate access event is written for a change that went through.
    const aboutIt = (await stream(acme.tenant.id)).filter((e) => e.target?.id === id);
    expect(aboutIt.map((e) => e.type)).toEqual(['change', 'change']);
    expect(new Set(aboutIt.map((e) => e.context.requestId)).size).toBe(2);
    expect(create.context).toMatchObject({ ip: expect.any(String), userAgent: expect.any(String) });
    expect(create.outcome).toMatchObject({ latencyMs: expect.any(Number) });
  });

  it('records a refused change only as a denial: it changed nothing, so there is no change event', async () => {
    const refused = await call('PATCH', '/v1/partners/ffffffffffffffffffffffff', admin, { tier: 'gold' });
    expect(refused.status).toBe(404);
    const events = (await stream(acme.tenant.id)).filter((e) => e.target?.id === 'ffffffffffffffffffffffff');
    expect(events.map((e) => [e.type, e.action, e.outcome.status, e.outcome.reason])).toEqual([['denial', 'partner.update', 404, 'not_found']]);
    await t.app.get(AuditRelay).sweep();
    const outbox = await t.app.get(RequestContext).runInTenant(acme.tenant.id, 'test:audit', async () =>
      t.app.get<Model<unknown>>(getModelToken('AuditOutboxRecord')).countDocuments({}),
    );
    expect(outbox).toBe(0);
  });

  it('records reads as access events and refusals as denial events with their reason, in the right stream', async () => {
    await call('GET', '/v1/partners?limit=5', partnerUser);
    await call('DELETE', '/v1/partners/ffffffffffffffffffffffff', partnerUser);
    await call('GET', '/v1/partners', undefined);
    await call('GET', '/v1/partners', 'not-a-jwt');
    const other403 = await call('GET', '/v1/partners', await other.tokenFor('auth0|nobody-here'));
    expect(other403.status).toBe(403);

    const acmeEvents = await stream(acme.tenant.id);
    expect(acmeEvents.find((e) => e.action === 'partner.list' && e.actor.id === 'auth0|north-user')).toMatchObject({
      type: 'access',
      actor: { type: 'user', role: 'Partner', partnerId: expect.any(String) },
      outcome: { result: 'success', status: 200 },
      context: { route: '/v1/partners', method: 'GET' },
    });
    expect(acmeEvents.find((e) => e.action === 'partner.delete' && e.actor.id === 'auth0|north-user')).toMatchObject({
      type: 'denial',
      outcome: { result: 'denied', status: 403, reason: expect.stringContaining('permission_denied') },
    });
    const otherEvents = await stream(other.tenant.id);
    expect(otherEvents.find((e) => e.type === 'denial')).toMatchObject({ outcome: { status: 403, reason: expect.stringContaining('membership_required') } });

    const platform = await stream(PLATFORM_STREAM);
    const reasons = platform.filter((e) => e.type === 'denial').map((e) => e.outcome.reason ?? '');
    expect(reasons).toEqual(expect.arrayContaining([expect.stringContaining('missing_token'), expect.stringContaining('malformed_token')]));
    expectIntact(platform);
  });

  it('records every class of denial, each with its reason, where it happens', async () => {
    const now = Math.floor(Date.now() / 1000);
    const base = { iss: t.issuerServer.url, aud: 'https://api.partnerportal.local', sub: acme.admin.sub, org_id: acme.tenant.orgId, iat: now, exp: now + 300 };
    const impostor = await DevIssuer.ephemeral(t.issuerServer.url);
    const ua = (label: string) => ({ 'user-agent': `denial-class/${label}` });
    const cases: [label: string, send: () => Promise<Reply>, status: number, reason: RegExp, stream: 'platform' | 'tenant'][] = [
      ['expired', async () => call('GET', '/v1/partners', await t.issuer.signWith({ ...base, exp: now - 60 }), undefined, ua('expired')), 401, /unauthenticated: expired/, 'platform'],
      ['bad signature', async () => call('GET', '/v1/partners', await impostor.signWith(base, { kid: t.issuer.kid }), undefined, ua('bad signature')), 401, /invalid signature/, 'platform'],
      ['unknown issuer', async () => call('GET', '/v1/partners', await t.issuer.signWith({ ...base, iss: 'https://evil.example/' }), undefined, ua('unknown issuer')), 401, /issuer invalid/, 'platform'],
      ['unknown organization', async () => call('GET', '/v1/partners', await t.issuer.mint({ sub: 'auth0|x', orgId: 'org_nowhere' }), undefined, ua('unknown organization')), 403, /tenant_not_found/, 'platform'],
      ['permission', async () => call('POST', '/v1/members', partnerUser, { sub: 'auth0|new', role: 'Staff' }, ua('permission')), 403, /permission_denied/, 'tenant'],
      ['scoped 404', async () => call('GET', '/v1/partners/ffffffffffffffffffffffff', admin, undefined, ua('scoped 404')), 404, /not_found/, 'tenant'],
      ['validation', async () => call('POST', '/v1/partners', admin, { name: '' }, ua('validation')), 400, /validation_failed/, 'tenant'],
      ['unknown query', async () => call('GET', '/v1/partners?tenantId=x', admin, undefined, ua('unknown query')), 400, /validation_failed|unknown_query_parameter/, 'tenant'],
      ['method', async () => call('PUT', '/v1/partners', admin, {}, ua('method')), 405, /method_not_allowed/, 'platform'],
      ['too large', async () => call('POST', '/v1/partners', admin, { name: 'x'.repeat(200_000) }, ua('too large')), 413, /payload_too_large|too_large/, 'platform'],
      ['media type', async () => {
        const res = await fetch(`${t.baseUrl}/v1/partners`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/plain', ...ua('media type') }, body: 'name=x' });
        return { status: res.status, body: {} };
      }, 415, /unsupported_media_type/, 'platform'],
    ];
    for (const [label, send, status] of cases) expect({ label, status: (await send()).status }).toEqual({ label, status });
    const events = [...(await stream(PLATFORM_STREAM)), ...(await stream(acme.tenant.id))];
    for (const [label, , status, reason, where] of cases) {
      const found = events.filter((e) => e.context.userAgent === `denial-class/${label}`);
      expect({ label, count: found.length }).toEqual({ label, count: 1 });
      expect({ label, type: found[0].type, status: found[0].outcome.status, result: found[0].outcome.result }).toEqual({ label, type: 'denial', status, result: 'denied' });
      expect({ label, reason: found[0].outcome.reason }).toEqual({ label, reason: expect.stringMatching(reason) });
      expect({ label, stream: found[0].tenantId === PLATFORM_STREAM ? 'platform' : 'tenant' }).toEqual({ label, stream: where });
    }
  });

  it('coalesces a flood of identical denials into the first event and one with the count', async () => {
    const flood = await Promise.all(Array.from({ length: 25 }, () => call('GET', '/v1/opportunities', 'flood-token')));
    expect(flood.every((r) => r.status === 401)).toBe(true);
    const writer = t.app.get(AuditWriter);
    // Close the window as if a minute had passed.
    writer.recordDenial(PLATFORM_STREAM, 'unrelated', { ...(await stream(PLATFORM_STREAM))[0], source: 'unrelated-probe' }, Date.now() + 61_000);
    const floodEvents = (await stream(PLATFORM_STREAM)).filter((e) => e.action === 'opportunity.list' && e.type === 'denial');
    expect(floodEvents).toHaveLength(2);
    expect(floodEvents[0].outcome.count).toBeUndefined();
    expect(floodEvents[1].outcome.count).toBe(24);
  });

  it('never stores a token, and keeps each tenant chain intact under 20 concurrent changes', async () => {
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => call('POST', '/v1/partners', admin, { name: `Racer ${i}` })));
    expect(replies.every((r) => r.status === 201)).toBe(true);
    const events = await stream(acme.tenant.id);
    expectIntact(events);
    const created = events.filter((e) => e.action === 'partner.create' && String(e.changes?.find((c) => c.field === 'name')?.after ?? '').startsWith('Racer'));
    expect(created).toHaveLength(20);
    expect(new Set(created.map((e) => e.target?.id)).size).toBe(20);
    const everything = JSON.stringify([events, await stream(PLATFORM_STREAM), await stream(other.tenant.id)]);
    for (const token of [admin, partnerUser]) expect(everything).not.toContain(token.split('.')[2]);
  });
});
