import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { AuditRelay } from '#src/kernel/audit/audit-relay';
import { AuditWriter } from '#src/kernel/audit/audit-writer';
import { ROUTE_TABLE, RouteTableRef } from '#src/kernel/errors/problem-details.filter';
import { aTenant, TenantFixture } from '../factories/tenants';
import { startTestApp, TestApp } from '../utils/test-app';

// Walks the live route table, so every route added later is covered without editing this file:
// a route that takes an id must have an entry in fixtureIds() below, or this test fails.
const NONEXISTENT_ID = 'ffffffffffffffffffffffff';

describe('tenant isolation over HTTP', () => {
  let t: TestApp;
  let a: TenantFixture;
  let b: TenantFixture;
  let tokenA: string;
  let tokenB: string;
  let partnerOfB: string;
  let leadOfB: string;
  let opportunityOfB: string;

  beforeAll(async () => {
    t = await startTestApp({ label: 'tenant-isolation' });
    [a, b] = await Promise.all([aTenant(t, { name: 'Tenant A' }), aTenant(t, { name: 'Tenant B' })]);
    await b.addMember({ sub: 'auth0|b-staff', role: 'Staff', email: 'staff@b.example' });
    [tokenA, tokenB] = await Promise.all([a.adminToken(), b.adminToken()]);
    const partner = await fetch(`${t.baseUrl}/v1/partners`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenB}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'B Channel', domain: 'b-channel.example' }),
    });
    partnerOfB = ((await partner.json()) as { id: string }).id;
    const lead = await fetch(`${t.baseUrl}/v1/leads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenB}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        partnerId: partnerOfB,
        companyName: 'B Prospect',
        companyDomain: 'b-prospect.example',
        contact: { name: 'Pat Prospect', email: 'pat@b-prospect.example' },
        valueMinor: 100,
        currency: 'EUR',
      }),
    });
    leadOfB = ((await lead.json()) as { id: string }).id;
    const opportunity = await fetch(`${t.baseUrl}/v1/opportunities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenB}`, 'content-type': 'application/json' },
      body: JSON.stringify({ partnerId: partnerOfB, name: 'B Deal', amountMinor: 100, currency: 'EUR' }),
    });
    opportunityOfB = ((await opportunity.json()) as { id: string }).id;
  });
  afterAll(() => t.close());

  /** Tenant B's id for the resource a route names: its first path segment after /v1. */
  function fixtureIds(): Record<string, string> {
    return { members: b.admin.id, partners: partnerOfB, leads: leadOfB, opportunities: opportunityOfB, 'audit-events': `${b.tenant.id}:1` };
  }

  function routesWithIds(): { path: string; method: string }[] {
    const table = t.app.get<RouteTableRef>(ROUTE_TABLE).current;
    if (!table) throw new Error('route table not built');
    return table
      .list()
      .filter((r) => r.path.startsWith('/v1/') && /\/:id(\/|$)/.test(r.path))
      .flatMap((r) => r.methods.filter((m) => m !== 'HEAD').map((method) => ({ path: r.path, method })));
  }

  async function snapshotOfTenantB(): Promise<string> {
    // B's own setup requests are still being written to B's audit stream: let them land first.
    await t.app.get(AuditWriter).flush();
    await t.app.get(AuditRelay).settled();
    const connection = t.app.get<Connection>(getConnectionToken());
    const rows: unknown[] = [];
    for (const model of Object.values(connection.models)) {
      if (!model.schema.path('tenantId')) continue;
      // Test-side read of the raw collection, to see B's rows exactly as stored.
      const docs = await connection.db!.collection(model.collection.collectionName).find({ tenantId: b.tenant.id }).sort({ _id: 1 }).toArray();
      rows.push([model.modelName, docs]);
    }
    return JSON.stringify(rows);
  }

  async function call(method: string, path: string, token: string) {
    const init: RequestInit = { method, headers: { authorization: `Bearer ${token}` } };
    if (['POST', 'PUT', 'PATCH'].includes(method)) {
      // Transitions that need a reason get one, so the request reaches the id lookup.
      init.body = /\/(reject|return)$/.test(path) ? '{"reason":"probe"}' : '{}';
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    const res = await fetch(`${t.baseUrl}${path}`, init);
    const text = await res.text();
    // JSON bodies compare field by field; exports (CSV) are kept as text, to be searched the same way.
    const json = /^application\/(problem\+)?json\b/.test(res.headers.get('content-type') ?? '');
    const body = json ? (JSON.parse(text) as Record<string, unknown>) : { text };
    delete body.requestId;
    return { status: res.status, body };
  }

  it('covers at least one id route (the walk is not vacuous)', () => {
    expect(routesWithIds().length).toBeGreaterThan(0);
  });

  it("answers every id route with 404 for tenant B's ids, exactly as for an id that does not exist", async () => {
    const before = await snapshotOfTenantB();
    const ids = fixtureIds();
    for (const { path, method } of routesWithIds()) {
      const resource = path.split('/')[2];
      const bId = ids[resource];
      if (!bId) throw new Error(`No tenant-B fixture for ${method} ${path}: add one to fixtureIds()`);
      const forB = await call(method, path.replace(/:[A-Za-z]+/g, bId), tokenA);
      const missing = await call(method, path.replace(/:[A-Za-z]+/g, NONEXISTENT_ID), tokenA);
      expect({ route: `${method} ${path}`, status: forB.status }).toEqual({ route: `${method} ${path}`, status: 404 });
      expect(forB.body).toEqual(missing.body);
    }
    expect(await snapshotOfTenantB()).toBe(before);
  });

  it("never lists tenant B's records to tenant A", async () => {
    const table = t.app.get<RouteTableRef>(ROUTE_TABLE).current!;
    const lists = table.list().filter((r) => r.path.startsWith('/v1/') && !r.path.includes('/:') && r.methods.includes('GET'));
    expect(lists.length).toBeGreaterThan(0);
    const secrets = [b.tenant.id, b.tenant.orgId, b.admin.id, b.admin.sub, 'staff@b.example', partnerOfB, 'b-channel.example', leadOfB, 'b-prospect.example', opportunityOfB, 'B Deal'];
    // A's own audit trail records the ids A itself sent in the walk above (as the targets of its
    // refused requests): those may appear there, and nothing else of B's.
    const sentByA = Object.values(fixtureIds());
    for (const { path } of lists) {
      const { status, body } = await call('GET', path, tokenA);
      expect({ path, status }).toEqual({ path, status: 200 });
      const audit = path.startsWith('/v1/audit-events');
      const hidden = audit ? secrets.filter((secret) => !sentByA.some((id) => id.includes(secret))) : secrets;
      for (const secret of hidden) expect(JSON.stringify(body)).not.toContain(secret);
      if (audit) expect(JSON.stringify(body)).not.toMatch(new RegExp(`tenantId[^,]*${b.tenant.id}`));
    }
  });

  it('ignores headers and query parameters that try to name another tenant', async () => {
    const viaHeader = await fetch(`${t.baseUrl}/v1/members`, {
      headers: { authorization: `Bearer ${tokenA}`, 'x-tenant-id': b.tenant.id, 'x-org-id': b.tenant.orgId },
    });
    const text = await viaHeader.text();
    expect(viaHeader.status).toBe(200);
    expect(text).not.toContain(b.admin.id);
    const viaQuery = await fetch(`${t.baseUrl}/v1/members?tenantId=${b.tenant.id}`, { headers: { authorization: `Bearer ${tokenA}` } });
    expect(viaQuery.status).toBe(400);
  });

  it('keeps 200 concurrent requests alternating A and B each inside its own tenant (no context leak)', async () => {
    const results = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const mine = i % 2 === 0 ? a : b;
        const other = i % 2 === 0 ? b : a;
        const path = i % 4 < 2 ? '/v1/me' : '/v1/members';
        const res = await fetch(`${t.baseUrl}${path}`, { headers: { authorization: `Bearer ${i % 2 === 0 ? tokenA : tokenB}` } });
        const text = await res.text();
        return { status: res.status, leaked: text.includes(other.tenant.id) || text.includes(other.admin.id), own: text.includes(mine.admin.id) || text.includes(mine.admin.sub) };
      }),
    );
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
    expect(results.filter((r) => r.leaked)).toEqual([]);
    expect(results.every((r) => r.own)).toBe(true);
  });
});
