// Every mutating route of the running app, called once with a valid request, leaves exactly one
// change event with the route's action, the target, the actor, the outcome and a field diff. The
// walk fails when a new mutating route has no scenario here, so none can go unaudited unnoticed.
import { routeAction } from '#src/kernel/audit/audit-action';
import { AuditEvent } from '#src/kernel/audit/audit-event';
import { AuditRelay } from '#src/kernel/audit/audit-relay';
import { AuditWriter } from '#src/kernel/audit/audit-writer';
import { getModelToken } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { AuditEventRecord } from '#src/kernel/audit/audit-event.schema';
import { RequestContext } from '#src/kernel/context/request-context';
import { aLead } from '../factories/leads';
import { aTenant, TenantFixture } from '../factories/tenants';
import { registeredRoutes } from '../utils/routes';
import { startTestApp, TestApp } from '../utils/test-app';

const MUTATING = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
/** Mutating routes that change no tenant resource: recorded as access (and sign-in) events instead. */
const NOT_CHANGES = new Set(['POST /v1/integrations/auth0/log-stream']);

interface Reply {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

interface Scenario {
  /** Sends the request; resolves with the reply and the id of the target it changed. */
  readonly run: () => Promise<{ reply: Reply; targetId: string }>;
  readonly status: number;
  /** A field the diff must show (for a delete: the resource's last values, as `before` without `after`). */
  readonly field: string;
}

describe('audit: every mutating route leaves exactly one change event', () => {
  let t: TestApp;
  let acme: TenantFixture;
  let admin: string;
  let partnerUser: string;
  let partnerId: string;
  const PARTNER_SUB = 'auth0|every-change-partner';

  beforeAll(async () => {
    t = await startTestApp({ label: 'audit_every_change' });
    acme = await aTenant(t, { name: 'Acme' });
    admin = await acme.adminToken();
    partnerId = (await call('POST', '/v1/partners', admin, { name: 'North', status: 'active' })).body.id as string;
    await acme.addMember({ sub: PARTNER_SUB, role: 'Partner', partnerId });
    partnerUser = await acme.tokenFor(PARTNER_SUB);
  });
  afterAll(() => t.close());

  async function call(method: string, path: string, token: string, body?: unknown): Promise<Reply> {
    const res = await fetch(`${t.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  const id = (reply: Reply): string => reply.body.id as string;
  const newPartner = async (name: string) => id(await call('POST', '/v1/partners', admin, { name }));
  const newLead = async () => id(await call('POST', '/v1/leads', partnerUser, aLead().body()));
  const reviewedLead = async () => {
    const lead = await newLead();
    expect((await call('POST', `/v1/leads/${lead}/review`, admin)).status).toBe(200);
    return lead;
  };
  const approvedLead = async () => {
    const lead = await newLead();
    expect((await call('POST', `/v1/leads/${lead}/approve`, admin)).status).toBe(200);
    return lead;
  };
  const newOpportunity = async () => id(await call('POST', '/v1/opportunities', admin, { name: 'Deal', amountMinor: 1000, currency: 'EUR', partnerId, ownerId: PARTNER_SUB }));
  const on = (targetId: string, reply: Promise<Reply>) => reply.then((r) => ({ reply: r, targetId }));
  const created = (reply: Promise<Reply>) => reply.then((r) => ({ reply: r, targetId: id(r) }));

  const scenarios: Record<string, Scenario> = {
    'POST /v1/partners': { run: () => created(call('POST', '/v1/partners', admin, { name: 'Globex' })), status: 201, field: 'name' },
    'PATCH /v1/partners/:id': { run: async () => { const p = await newPartner('Initech'); return on(p, call('PATCH', `/v1/partners/${p}`, admin, { tier: 'gold' })); }, status: 200, field: 'tier' },
    'DELETE /v1/partners/:id': { run: async () => { const p = await newPartner('Doomed'); return on(p, call('DELETE', `/v1/partners/${p}`, admin)); }, status: 204, field: 'name' },
    'POST /v1/leads': { run: () => created(call('POST', '/v1/leads', partnerUser, aLead().body())), status: 201, field: 'companyName' },
    'PATCH /v1/leads/:id': { run: async () => { const l = await newLead(); return on(l, call('PATCH', `/v1/leads/${l}`, partnerUser, { notes: 'Changed' })); }, status: 200, field: 'notes' },
    'DELETE /v1/leads/:id': { run: async () => { const l = await newLead(); return on(l, call('DELETE', `/v1/leads/${l}`, admin)); }, status: 204, field: 'companyName' },
    'POST /v1/leads/:id/review': { run: async () => { const l = await newLead(); return on(l, call('POST', `/v1/leads/${l}/review`, admin)); }, status: 200, field: 'status' },
    'POST /v1/leads/:id/approve': { run: async () => { const l = await reviewedLead(); return on(l, call('POST', `/v1/leads/${l}/approve`, admin)); }, status: 200, field: 'status' },
    'POST /v1/leads/:id/reject': { run: async () => { const l = await newLead(); return on(l, call('POST', `/v1/leads/${l}/reject`, admin, { reason: 'Duplicate' })); }, status: 200, field: 'status' },
    'POST /v1/leads/:id/return': { run: async () => { const l = await newLead(); return on(l, call('POST', `/v1/leads/${l}/return`, admin, { reason: 'Needs more' })); }, status: 200, field: 'status' },
    'POST /v1/leads/:id/resubmit': {
      run: async () => {
        const l = await newLead();
        expect((await call('POST', `/v1/leads/${l}/return`, admin, { reason: 'Needs more' })).status).toBe(200);
        return on(l, call('POST', `/v1/leads/${l}/resubmit`, partnerUser));
      },
      status: 200,
      field: 'status',
    },
    'POST /v1/leads/:id/convert': { run: async () => { const l = await approvedLead(); return on(l, call('POST', `/v1/leads/${l}/convert`, admin)); }, status: 201, field: 'status' },
    'POST /v1/opportunities': { run: () => created(call('POST', '/v1/opportunities', admin, { name: 'Deal', amountMinor: 1000, currency: 'EUR', partnerId, ownerId: PARTNER_SUB })), status: 201, field: 'amountMinor' },
    'PATCH /v1/opportunities/:id': { run: async () => { const o = await newOpportunity(); return on(o, call('PATCH', `/v1/opportunities/${o}`, admin, { stage: 'qualification' })); }, status: 200, field: 'stage' },
    'DELETE /v1/opportunities/:id': { run: async () => { const o = await newOpportunity(); return on(o, call('DELETE', `/v1/opportunities/${o}`, admin)); }, status: 204, field: 'stage' },
    'POST /v1/opportunities/:id/reopen': {
      run: async () => {
        const o = await newOpportunity();
        expect((await call('PATCH', `/v1/opportunities/${o}`, admin, { stage: 'closed_lost', closeReason: 'Budget' })).status).toBe(200);
        return on(o, call('POST', `/v1/opportunities/${o}/reopen`, admin, { reason: 'Budget is back' }));
      },
      status: 200,
      field: 'stage',
    },
    'POST /v1/members': { run: () => created(call('POST', '/v1/members', admin, { sub: 'auth0|new-staff', role: 'Staff' })), status: 201, field: 'role' },
    'PATCH /v1/members/:id': {
      run: async () => { const m = id(await call('POST', '/v1/members', admin, { sub: 'auth0|to-change', role: 'Staff' })); return on(m, call('PATCH', `/v1/members/${m}`, admin, { role: 'Admin' })); },
      status: 200,
      field: 'role',
    },
    'DELETE /v1/members/:id': {
      run: async () => { const m = id(await call('POST', '/v1/members', admin, { sub: 'auth0|to-remove', role: 'Staff' })); return on(m, call('DELETE', `/v1/members/${m}`, admin)); },
      status: 204,
      field: 'status',
    },
    'PUT /v1/roles/:role': { run: () => on('Agent', call('PUT', '/v1/roles/Agent', admin, { grants: ['leads:read'] })), status: 200, field: 'grants' },
    'PATCH /v1/tenant/settings': { run: () => on('', call('PATCH', '/v1/tenant/settings', admin, { registrationProtectionDays: 30 })), status: 200, field: 'registrationProtectionDays' },
  };

  async function changeEvents(): Promise<AuditEvent[]> {
    await t.app.get(AuditWriter).flush();
    await t.app.get(AuditRelay).settled();
    const events = t.app.get<Model<AuditEventRecord>>(getModelToken(AuditEventRecord.name));
    return t.app.get(RequestContext).runInTenant(acme.tenant.id, 'test:audit', async () =>
      ((await events.find({ type: 'change' }).lean()) as unknown as AuditEvent[]).sort((a, b) => a.seq - b.seq),
    );
  }

  it('has a scenario for every mutating route, and none for a route that does not exist', () => {
    const mutating = registeredRoutes(t.app)
      .filter((r) => MUTATING.has(r.method))
      .map((r) => `${r.method} ${r.path}`)
      .filter((route) => !NOT_CHANGES.has(route));
    expect(mutating.sort()).toEqual(Object.keys(scenarios).sort());
  });

  it.each(Object.keys(scenarios))('%s', async (route) => {
    const { run, status, field } = scenarios[route];
    const [method, path] = route.split(' ');
    const before = new Set((await changeEvents()).map((e) => e.id));
    const { reply, targetId } = await run();
    expect({ route, status: reply.status }).toEqual({ route, status });
    const after = (await changeEvents()).filter((e) => !before.has(e.id));
    const { action, targetType } = routeAction(method, path);
    const mine = after.filter((e) => e.action === action && e.context.route === path);
    expect({ route, count: mine.length }).toEqual({ route, count: 1 });
    const [event] = mine;
    expect(event).toMatchObject({
      type: 'change',
      actor: { type: 'user', id: expect.any(String), role: expect.any(String) },
      target: { type: targetType, id: targetId === '' ? null : targetId },
      context: { method, route: path, requestId: expect.any(String), ip: expect.any(String) },
      outcome: { result: 'success', status },
    });
    expect({ route, fields: (event.changes ?? []).map((c) => c.field) }).toEqual({ route, fields: expect.arrayContaining([field]) });
  });
});
