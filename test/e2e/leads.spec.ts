import { getModelToken } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { AuditEventRecord } from '#src/kernel/audit/audit-event.schema';
import { AuditRelay } from '#src/kernel/audit/audit-relay';
import { buildAbility } from '#src/kernel/auth/access-policy';
import { DEFAULT_GRANTS } from '#src/kernel/auth/permissions';
import { Actor, RequestContext } from '#src/kernel/context/request-context';
import { ExpireLeads, FindLeadForConversion, LeadView, MarkLeadConverted, parseLeadSort, StreamLeads } from '#src/modules/leads';
import { Partner } from '#src/modules/partners';
import { aLead } from '../factories/leads';
import { aPartner } from '../factories/partners';
import { aTenant, TenantFixture } from '../factories/tenants';
import { startTestApp, TestApp } from '../utils/test-app';

const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UNKNOWN_ID = 'ffffffffffffffffffffffff';
const DAY_MS = 24 * 60 * 60 * 1000;

interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

interface CallOptions {
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

type Init = RequestInit & { url: string };

describe('leads: /v1/leads', () => {
  let t: TestApp;
  let acme: TenantFixture;
  let other: TenantFixture;
  let north: Partner;
  let south: Partner;
  let paused: Partner;
  const tokens: Record<string, string> = {};
  const SUB = {
    staff: 'auth0|staff-1',
    northUser: 'auth0|partner-north',
    southUser: 'auth0|partner-south',
    pausedUser: 'auth0|partner-paused',
    northAgent1: 'auth0|agent-north-1',
    northAgent2: 'auth0|agent-north-2',
    southAgent: 'auth0|agent-south',
  } as const;

  beforeAll(async () => {
    t = await startTestApp({ label: 'leads' });
    [acme, other] = await Promise.all([aTenant(t, { name: 'Acme' }), aTenant(t, { name: 'Other' })]);
    north = await aPartner().named('North Reseller').withStatus('active').in(t, acme);
    south = await aPartner().named('South Reseller').withStatus('active').in(t, acme);
    paused = await aPartner().named('Paused Reseller').withStatus('suspended').in(t, acme);
    await acme.addMember({ sub: SUB.staff, role: 'Staff' });
    await acme.addMember({ sub: SUB.northUser, role: 'Partner', partnerId: north.id });
    await acme.addMember({ sub: SUB.southUser, role: 'Partner', partnerId: south.id });
    await acme.addMember({ sub: SUB.pausedUser, role: 'Partner', partnerId: paused.id });
    await acme.addMember({ sub: SUB.northAgent1, role: 'Agent', partnerId: north.id });
    await acme.addMember({ sub: SUB.northAgent2, role: 'Agent', partnerId: north.id });
    await acme.addMember({ sub: SUB.southAgent, role: 'Agent', partnerId: south.id });
    tokens.admin = await acme.adminToken();
    for (const [name, sub] of Object.entries(SUB)) tokens[name] = await acme.tokenFor(sub, { amr: ['mfa'] });
  });
  afterAll(() => t.close());

  function request(method: string, path: string, token: string, options: CallOptions = {}): Init {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...options.headers };
    const init: Init = { url: `${t.baseUrl}${path}`, method, headers };
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(options.body);
    }
    return init;
  }

  async function send(init: Init): Promise<Reply> {
    const res = await fetch(init.url, init);
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  const call = (method: string, path: string, token: string, options: CallOptions = {}): Promise<Reply> => send(request(method, path, token, options));

  function fieldsOf(reply: Reply): string[] {
    return ((reply.body.errors as { field: string }[] | undefined) ?? []).map((e) => e.field).sort();
  }

  function withoutRequestId(body: Record<string, unknown>): Record<string, unknown> {
    const { requestId: _requestId, ...rest } = body;
    return rest;
  }

  function expectValidationError(reply: Reply, fields: string[]): void {
    expect({ status: reply.status, code: reply.body.code }).toEqual({ status: 400, code: 'validation_failed' });
    expect(reply.headers.get('content-type')).toBe(PROBLEM_TYPE);
    expect(fieldsOf(reply)).toEqual(expect.arrayContaining(fields));
  }

  function expectProblem(reply: Reply, status: number, code: string): void {
    expect({ status: reply.status, code: reply.body.code }).toEqual({ status, code });
    expect(reply.headers.get('content-type')).toBe(PROBLEM_TYPE);
  }

  /** POST /v1/leads as `who`; partner-side callers send no partnerId. */
  async function register(who: string, body: Record<string, unknown>, query = ''): Promise<Reply> {
    return call('POST', `/v1/leads${query}`, tokens[who], { body });
  }

  async function created(who: string, body: Record<string, unknown>, query = ''): Promise<Record<string, unknown>> {
    const reply = await register(who, body, query);
    expect({ status: reply.status, body: reply.status === 201 ? undefined : reply.body }).toEqual({ status: 201, body: undefined });
    return reply.body;
  }

  const ids = (reply: Reply): string[] => (reply.body.data as { id: string }[]).map((l) => l.id);

  async function listAll(token: string, query = ''): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const reply: Reply = await call('GET', `/v1/leads?limit=200${query}${cursor ? `&cursor=${cursor}` : ''}`, token);
      expect(reply.status).toBe(200);
      seen.push(...ids(reply));
      cursor = reply.body.nextCursor as string | null;
    } while (cursor !== null);
    return seen;
  }

  function transition(id: string, action: string, token: string, options: CallOptions = {}): Promise<Reply> {
    return call('POST', `/v1/leads/${id}/${action}`, token, options);
  }

  describe('create, read, change, delete', () => {
    it('registers a lead for a Partner user: server-owned partner and owner, 201, Location, ETag, normal forms', async () => {
      const reply = await register('northUser', {
        companyName: '  Cafe\u0301 Globex  ',
        companyDomain: ' WWW.Globex-Create.Example ',
        contact: { name: ' Ana Lima ', email: 'Ana.Lima@Globex-Create.Example', phone: '+44 20 7946 0958', title: 'CTO' },
        valueMinor: 2_500_000,
        currency: 'EUR',
        expectedCloseDate: '2026-09-30',
        source: 'referral',
        notes: 'Met at the fair.\nFollow up in May.',
      });
      expect(reply.status).toBe(201);
      const id = reply.body.id as string;
      expect(id).toMatch(/^[0-9a-f]{24}$/);
      expect(reply.headers.get('location')).toBe(`/v1/leads/${id}`);
      expect(reply.headers.get('etag')).toBe('"1"');
      expect(reply.body).toEqual({
        id,
        companyName: 'Caf\u00e9 Globex',
        companyDomain: 'www.globex-create.example',
        contact: { name: 'Ana Lima', email: 'ana.lima@globex-create.example', phone: '+44 20 7946 0958', title: 'CTO' },
        valueMinor: 2_500_000,
        currency: 'EUR',
        expectedCloseDate: '2026-09-30',
        partnerId: north.id,
        ownerId: SUB.northUser,
        source: 'referral',
        notes: 'Met at the fair.\nFollow up in May.',
        status: 'submitted',
        statusHistory: [{ to: 'submitted', by: SUB.northUser, at: expect.stringMatching(ISO_DATE) }],
        revision: 1,
        createdAt: expect.stringMatching(ISO_DATE),
        updatedAt: expect.stringMatching(ISO_DATE),
      });
      const read = await call('GET', `/v1/leads/${id}`, tokens.northUser);
      expect(read.status).toBe(200);
      expect(read.headers.get('etag')).toBe('"1"');
      expect(read.body).toEqual(reply.body);
    });

    it('lets Staff register for a partner and a named owner, with internal notes and commission only they see', async () => {
      const body = { ...aLead().body(), partnerId: north.id, ownerId: SUB.northAgent1, internalNotes: 'Margin is thin.', commissionPercent: 12.5 };
      const staffView = await created('staff', body);
      expect(staffView).toMatchObject({ partnerId: north.id, ownerId: SUB.northAgent1, internalNotes: 'Margin is thin.', commissionPercent: 12.5, conflictsWith: [] });
      expect((staffView.statusHistory as { by: string }[])[0].by).toBe(SUB.staff);
      const id = staffView.id as string;

      for (const who of ['northUser', 'northAgent1']) {
        const reply = await call('GET', `/v1/leads/${id}`, tokens[who]);
        expect(reply.status).toBe(200);
        expect(reply.body).not.toHaveProperty('internalNotes');
        expect(reply.body).not.toHaveProperty('conflictsWith');
        expect(reply.body.commissionPercent).toBe(12.5);
        const list = await call('GET', `/v1/leads?limit=200`, tokens[who]);
        expect(JSON.stringify(list.body)).not.toContain('Margin is thin.');
        expect(JSON.stringify(list.body)).not.toContain('internalNotes');
      }
      const admin = await call('GET', `/v1/leads/${id}`, tokens.admin);
      expect(admin.body.internalNotes).toBe('Margin is thin.');

      // Without an owner, the registering Staff member owns it.
      const defaulted = await created('staff', { ...aLead().body(), partnerId: south.id });
      expect(defaulted.ownerId).toBe(SUB.staff);
    });

    it('refuses server-owned and internal fields from partner users with 400 naming each field', async () => {
      for (const who of ['northUser', 'northAgent1']) {
        expectValidationError(await register(who, { ...aLead().body(), partnerId: north.id }), ['/partnerId']);
        expectValidationError(await register(who, { ...aLead().body(), ownerId: SUB[who as keyof typeof SUB] }), ['/ownerId']);
        expectValidationError(await register(who, { ...aLead().body(), internalNotes: 'x' }), ['/internalNotes']);
        expectValidationError(await register(who, { ...aLead().body(), commissionPercent: 50 }), ['/commissionPercent']);
        const both = await register(who, { ...aLead().body(), partnerId: south.id, internalNotes: 'x' });
        expectValidationError(both, ['/internalNotes', '/partnerId']);
      }
      const lead = await created('northUser', aLead().body());
      const path = `/v1/leads/${lead.id as string}`;
      expectValidationError(await call('PATCH', path, tokens.northUser, { body: { internalNotes: 'mine' } }), ['/internalNotes']);
      expectValidationError(await call('PATCH', path, tokens.northUser, { body: { commissionPercent: 99 } }), ['/commissionPercent']);
      expectValidationError(await call('PATCH', path, tokens.northUser, { body: { ownerId: SUB.northAgent1 } }), ['/ownerId']);
      expectValidationError(await call('PATCH', path, tokens.northUser, { body: { partnerId: south.id } }), ['/partnerId']);
      expect((await call('GET', path, tokens.staff)).body).toMatchObject({ revision: 1, partnerId: north.id, ownerId: SUB.northUser });
    });

    it('needs a partner of this tenant from Staff, and an owner affiliated with it', async () => {
      expectValidationError(await register('staff', aLead().body()), ['/partnerId']);
      expectValidationError(await register('staff', { ...aLead().body(), partnerId: UNKNOWN_ID }), ['/partnerId']);
      const otherPartner = await aPartner().in(t, other);
      expectValidationError(await register('staff', { ...aLead().body(), partnerId: otherPartner.id }), ['/partnerId']);
      for (const ownerId of [SUB.southUser, SUB.staff, 'auth0|nobody', other.admin.sub]) {
        expectValidationError(await register('staff', { ...aLead().body(), partnerId: north.id, ownerId }), ['/ownerId']);
      }
    });

    it('gives a suspended partner no new leads: 409 partner_suspended, for Staff and its own users alike', async () => {
      expectProblem(await register('staff', { ...aLead().body(), partnerId: paused.id }), 409, 'partner_suspended');
      expectProblem(await register('pausedUser', aLead().body()), 409, 'partner_suspended');
    });

    it('validates every field and reports each invalid one as a JSON Pointer', async () => {
      expectValidationError(await register('northUser', {}), ['/companyDomain', '/companyName', '/contact', '/currency', '/valueMinor']);
      const reply = await register('northUser', {
        companyName: 'a\u0000b',
        companyDomain: 'not a domain',
        contact: { name: '', email: 'nope', phone: 'call me', title: 'x'.repeat(101) },
        valueMinor: -1,
        currency: 'eur',
        expectedCloseDate: '2025-02-30',
        source: 'carrier pigeon',
        notes: 'bell\u0007',
        tenantId: 'x',
        status: 'approved',
      });
      expectValidationError(reply, [
        '/companyDomain',
        '/companyName',
        '/contact/email',
        '/contact/name',
        '/contact/phone',
        '/contact/title',
        '/currency',
        '/expectedCloseDate',
        '/notes',
        '/source',
        '/status',
        '/tenantId',
        '/valueMinor',
      ]);
      const base = aLead().body();
      for (const valueMinor of [1.5, 10_000_000_000_001, '100', null]) {
        expectValidationError(await register('northUser', { ...base, valueMinor }), ['/valueMinor']);
      }
      for (const currency of ['ABC', 'EURO', 'eu', 42]) expectValidationError(await register('northUser', { ...base, currency }), ['/currency']);
      expectValidationError(await register('staff', { ...base, partnerId: north.id, commissionPercent: 12.345 }), ['/commissionPercent']);
      expectValidationError(await register('staff', { ...base, partnerId: north.id, commissionPercent: 100.5 }), ['/commissionPercent']);
      // A public suffix is not a prospect's domain.
      expectValidationError(await register('northUser', { ...base, companyDomain: 'co.uk' }), ['/companyDomain']);
      expect((await register('northUser', { ...base, valueMinor: 10_000_000_000_000, currency: 'JPY' })).status).toBe(201);
    });

    it('changes the fields sent, clears those sent as null, and answers the new revision with its ETag', async () => {
      const lead = await created('staff', { ...aLead().body(), partnerId: north.id, internalNotes: 'watch', commissionPercent: 5, notes: 'hello', source: 'event' });
      const path = `/v1/leads/${lead.id as string}`;
      const reply = await call('PATCH', path, tokens.staff, {
        body: { companyName: 'Renamed Ltd', valueMinor: 42, currency: 'USD', notes: null, internalNotes: null, commissionPercent: 7.25, expectedCloseDate: '2027-01-31' },
      });
      expect(reply.status).toBe(200);
      expect(reply.headers.get('etag')).toBe('"2"');
      expect(reply.body).toMatchObject({ companyName: 'Renamed Ltd', valueMinor: 42, currency: 'USD', commissionPercent: 7.25, expectedCloseDate: '2027-01-31', source: 'event', revision: 2 });
      expect(reply.body).not.toHaveProperty('notes');
      expect(reply.body).not.toHaveProperty('internalNotes');
      expect((await call('GET', path, tokens.staff)).body).toEqual(reply.body);

      const empty = await call('PATCH', path, tokens.staff, { body: {} });
      expect(empty.status).toBe(200);
      expect(empty.headers.get('etag')).toBe('"2"');
      for (const field of ['companyName', 'companyDomain', 'contact', 'valueMinor', 'currency']) {
        expectValidationError(await call('PATCH', path, tokens.staff, { body: { [field]: null } }), [`/${field}`]);
      }
    });

    it('honours If-Match on PATCH and DELETE; soft-deletes so the lead answers 404 everywhere', async () => {
      const lead = await created('northUser', aLead().body());
      const path = `/v1/leads/${lead.id as string}`;
      expectProblem(await call('PATCH', path, tokens.northUser, { body: { notes: 'x' }, headers: { 'if-match': '"7"' } }), 412, 'precondition_failed');
      const fresh = await call('PATCH', path, tokens.northUser, { body: { notes: 'x' }, headers: { 'if-match': '"1"' } });
      expect(fresh.status).toBe(200);
      expect(fresh.headers.get('etag')).toBe('"2"');
      expectProblem(await call('DELETE', path, tokens.staff, { headers: { 'if-match': '"1"' } }), 412, 'precondition_failed');
      const deleted = await call('DELETE', path, tokens.staff, { headers: { 'if-match': '"2"' } });
      expect(deleted.status).toBe(204);
      const unknown = await call('GET', `/v1/leads/${UNKNOWN_ID}`, tokens.staff);
      for (const [method, suffix] of [['GET', ''], ['PATCH', ''], ['DELETE', ''], ['POST', '/approve'], ['POST', '/resubmit']]) {
        const reply = await call(method, `${path}${suffix}`, tokens.staff, method === 'PATCH' ? { body: { notes: 'back' } } : {});
        expect({ method, suffix, status: reply.status }).toEqual({ method, suffix, status: 404 });
        expect(withoutRequestId(reply.body)).toEqual(withoutRequestId(unknown.body));
      }
      expect(await listAll(tokens.staff)).not.toContain(lead.id);
    });

    it('answers malformed and other-tenant ids like unknown ones', async () => {
      const theirs = await aLead().forPartner(await aPartner().in(t, other)).in(t, other);
      const unknown = await call('GET', `/v1/leads/${UNKNOWN_ID}`, tokens.admin);
      expectProblem(unknown, 404, 'not_found');
      for (const id of ['nope', 'FFFFFFFFFFFFFFFFFFFFFFFF', theirs.id]) {
        for (const [method, path] of [['GET', ''], ['PATCH', ''], ['DELETE', ''], ['POST', '/review']]) {
          const reply = await call(method, `/v1/leads/${id}${path}`, tokens.admin, method === 'PATCH' ? { body: { notes: 'x' } } : {});
          expect({ id, method, path, status: reply.status }).toEqual({ id, method, path, status: 404 });
          expect(withoutRequestId(reply.body)).toEqual(withoutRequestId(unknown.body));
        }
      }
    });
  });

  describe('row scope: two partners, two agents', () => {
    const leads: Record<string, string> = {};

    beforeAll(async () => {
      for (const who of ['northUser', 'northAgent1', 'northAgent2', 'southUser', 'southAgent'] as const) {
        leads[who] = (await created(who, aLead().named(`Scoped ${who}`).body())).id as string;
      }
    });

    it('lets each caller list and read only what its role covers; everything else is 404', async () => {
      const visible: Record<string, string[]> = {
        northUser: [leads.northUser, leads.northAgent1, leads.northAgent2],
        southUser: [leads.southUser, leads.southAgent],
        northAgent1: [leads.northAgent1],
        northAgent2: [leads.northAgent2],
        southAgent: [leads.southAgent],
      };
      const all = Object.values(leads);
      for (const [who, mine] of Object.entries(visible)) {
        const listed = await listAll(tokens[who], '&q=Scoped');
        expect({ who, listed: listed.sort() }).toEqual({ who, listed: [...mine].sort() });
        for (const id of all) {
          const reply = await call('GET', `/v1/leads/${id}`, tokens[who]);
          expect({ who, id, status: reply.status }).toEqual({ who, id, status: mine.includes(id) ? 200 : 404 });
        }
      }
      for (const who of ['staff', 'admin']) expect((await listAll(tokens[who], '&q=Scoped')).sort()).toEqual([...all].sort());
    });

    it('ANDs filters with the scope: a partner asking for another partner gets nothing', async () => {
      expect(await listAll(tokens.northUser, `&partnerId=${south.id}`)).toEqual([]);
      expect(await listAll(tokens.northAgent1, `&ownerId=${encodeURIComponent(SUB.northAgent2)}`)).toEqual([]);
      expect(await listAll(tokens.staff, `&q=Scoped&partnerId=${south.id}`)).toEqual(expect.arrayContaining([leads.southUser, leads.southAgent]));
    });

    it('refuses changes and transitions outside the scope with 404, leaving the lead untouched', async () => {
      const attempts: [string, string, string, CallOptions][] = [
        ['northAgent1', 'PATCH', leads.northAgent2, { body: { notes: 'mine now' } }],
        ['northAgent1', 'PATCH', leads.northUser, { body: { notes: 'mine now' } }],
        ['northUser', 'PATCH', leads.southAgent, { body: { notes: 'mine now' } }],
        ['southAgent', 'PATCH', leads.southUser, { body: { notes: 'mine now' } }],
        ['northUser', 'POST', `${leads.southUser}/resubmit`, {}],
        ['northAgent2', 'POST', `${leads.northAgent1}/resubmit`, {}],
      ];
      for (const [who, method, target, options] of attempts) {
        const reply = await call(method, `/v1/leads/${target}`, tokens[who], options);
        expect({ who, method, target, status: reply.status }).toEqual({ who, method, target, status: 404 });
      }
      for (const id of Object.values(leads)) expect((await call('GET', `/v1/leads/${id}`, tokens.staff)).body).toMatchObject({ revision: 1 });
      expect((await call('PATCH', `/v1/leads/${leads.northAgent1}`, tokens.northUser, { body: { notes: 'from my partner' } })).status).toBe(200);
    });

    it('scopes DELETE too: Partner users may be granted leads:delete, and then reach only their own', async () => {
      const grants = [...DEFAULT_GRANTS.Partner, 'leads:delete'];
      for (const role of ['Partner', 'Agent']) expect((await call('PUT', `/v1/roles/${role}`, tokens.admin, { body: { grants } })).status).toBe(200);
      try {
        expect((await call('DELETE', `/v1/leads/${leads.southUser}`, tokens.northUser)).status).toBe(404);
        expect((await call('DELETE', `/v1/leads/${leads.northAgent2}`, tokens.northAgent1)).status).toBe(404);
        expect((await call('DELETE', `/v1/leads/${leads.northAgent2}`, tokens.northAgent2)).status).toBe(204);
        const approved = await created('northAgent1', aLead().body());
        expect((await transition(approved.id as string, 'approve', tokens.staff)).status).toBe(200);
        const refused = await call('DELETE', `/v1/leads/${approved.id as string}`, tokens.northAgent1);
        expectProblem(refused, 409, 'invalid_transition');
        expect(refused.body.detail).toContain('approved');
      } finally {
        for (const role of ['Partner', 'Agent']) await call('PUT', `/v1/roles/${role}`, tokens.admin, { body: { grants: DEFAULT_GRANTS[role as 'Partner' | 'Agent'] } });
      }
    });
  });

  describe('the review state machine over HTTP', () => {
    async function leadIn(status: 'submitted' | 'under_review' | 'approved' | 'rejected' | 'returned'): Promise<string> {
      const id = (await created('northUser', aLead().body())).id as string;
      const steps: Record<string, [string, CallOptions][]> = {
        submitted: [],
        under_review: [['review', {}]],
        approved: [['approve', {}]],
        rejected: [['reject', { body: { reason: 'Duplicate of an existing deal.' } }]],
        returned: [['return', { body: { reason: 'Add the contact title.' } }]],
      };
      for (const [action, options] of steps[status]) expect((await transition(id, action, tokens.staff, options)).status).toBe(200);
      return id;
    }

    it('walks submitted → under_review → approved, recording each change with its actor, revision and ETag', async () => {
      const id = await leadIn('submitted');
      const reviewed = await transition(id, 'review', tokens.staff, { headers: { 'if-match': '"1"' } });
      expect(reviewed.status).toBe(200);
      expect(reviewed.headers.get('etag')).toBe('"2"');
      expect(reviewed.body).toMatchObject({ status: 'under_review', revision: 2 });
      const approved = await transition(id, 'approve', tokens.admin, { body: { reason: 'Looks good.' }, headers: { 'if-match': '"2"' } });
      expect(approved.status).toBe(200);
      expect(approved.headers.get('etag')).toBe('"3"');
      expect(approved.body).toMatchObject({ status: 'approved', revision: 3, approvedAt: expect.stringMatching(ISO_DATE) });
      expect(approved.body.statusHistory).toEqual([
        { to: 'submitted', by: SUB.northUser, at: expect.stringMatching(ISO_DATE) },
        { from: 'submitted', to: 'under_review', by: SUB.staff, at: expect.stringMatching(ISO_DATE) },
        { from: 'under_review', to: 'approved', by: acme.admin.sub, at: expect.stringMatching(ISO_DATE), reason: 'Looks good.' },
      ]);
    });

    it.each([
      ['submitted', 'approve', 'approved'],
      ['submitted', 'reject', 'rejected'],
      ['submitted', 'return', 'returned'],
      ['under_review', 'reject', 'rejected'],
      ['under_review', 'return', 'returned'],
    ] as const)('allows %s --%s--> %s', async (from, action, to) => {
      const id = await leadIn(from);
      const reply = await transition(id, action, tokens.staff, { body: { reason: 'Because.' } });
      expect(reply.status).toBe(200);
      expect(reply.body.status).toBe(to);
      expect((reply.body.statusHistory as { from?: string; to: string; reason?: string }[]).at(-1)).toMatchObject({ from, to, reason: 'Because.' });
    });

    it('lets the partner fix a returned lead and resubmit it', async () => {
      const id = await leadIn('returned');
      expect((await call('PATCH', `/v1/leads/${id}`, tokens.northUser, { body: { contact: { name: 'Pat Prospect', email: `pat@${id}.example`, title: 'CEO' } } })).status).toBe(200);
      const resubmitted = await transition(id, 'resubmit', tokens.northUser);
      expect(resubmitted.status).toBe(200);
      expect(resubmitted.body).toMatchObject({ status: 'submitted', revision: 4 });
      expect((resubmitted.body.statusHistory as { by: string; from?: string }[]).at(-1)).toMatchObject({ from: 'returned', by: SUB.northUser });
    });

    it.each([
      ['submitted', 'resubmit'],
      ['under_review', 'review'],
      ['under_review', 'resubmit'],
      ['approved', 'review'],
      ['approved', 'approve'],
      ['approved', 'reject'],
      ['approved', 'return'],
      ['approved', 'resubmit'],
      ['rejected', 'review'],
      ['rejected', 'approve'],
      ['rejected', 'return'],
      ['rejected', 'resubmit'],
      ['returned', 'review'],
      ['returned', 'approve'],
      ['returned', 'reject'],
      ['returned', 'return'],
    ] as const)('refuses %s --%s--> with 409 invalid_transition naming the status', async (from, action) => {
      const id = await leadIn(from);
      const token = action === 'resubmit' ? tokens.northUser : tokens.staff;
      const reply = await transition(id, action, token, { body: { reason: 'Trying.' } });
      expectProblem(reply, 409, 'invalid_transition');
      expect(reply.body.detail).toContain(`The lead is ${from}`);
      expect((await call('GET', `/v1/leads/${id}`, tokens.staff)).body.status).toBe(from);
    });

    it('requires a reason to reject or return', async () => {
      const id = await leadIn('submitted');
      for (const action of ['reject', 'return']) {
        expectValidationError(await transition(id, action, tokens.staff, { body: {} }), ['/reason']);
        expectValidationError(await transition(id, action, tokens.staff, { body: { reason: '   ' } }), ['/reason']);
        expectValidationError(await transition(id, action, tokens.staff), ['/reason']);
      }
      expectValidationError(await transition(id, 'approve', tokens.staff, { body: { verdict: 'yes' } }), ['/verdict']);
    });

    it('keeps review decisions for leads:approve holders: partner-side users get 403', async () => {
      const id = await leadIn('submitted');
      for (const who of ['northUser', 'northAgent1']) {
        for (const action of ['review', 'approve', 'reject', 'return']) {
          expectProblem(await transition(id, action, tokens[who], { body: { reason: 'Self-service.' } }), 403, 'permission_denied');
        }
      }
    });

    it('lets partner users change a lead only while submitted or returned', async () => {
      for (const status of ['under_review', 'approved', 'rejected'] as const) {
        const id = await leadIn(status);
        const reply = await call('PATCH', `/v1/leads/${id}`, tokens.northUser, { body: { notes: 'late change' } });
        expectProblem(reply, 409, 'invalid_transition');
        expect(reply.body.detail).toContain(`The lead is ${status}`);
      }
      for (const status of ['submitted', 'returned'] as const) {
        expect((await call('PATCH', `/v1/leads/${await leadIn(status)}`, tokens.northUser, { body: { notes: 'fine' } })).status).toBe(200);
      }
      // Staff may still annotate an approved lead.
      expect((await call('PATCH', `/v1/leads/${await leadIn('approved')}`, tokens.staff, { body: { internalNotes: 'ok' } })).status).toBe(200);
    });

    it('answers a stale If-Match on a transition with 412 and leaves the lead as it was', async () => {
      const id = await leadIn('under_review');
      expectProblem(await transition(id, 'approve', tokens.staff, { headers: { 'if-match': '"1"' } }), 412, 'precondition_failed');
      expect((await call('GET', `/v1/leads/${id}`, tokens.staff)).body).toMatchObject({ status: 'under_review', revision: 2 });
    });

    it('lets exactly one of 20 concurrent approvals with the same ETag win; the others get 412', async () => {
      for (let round = 0; round < 20; round++) {
        const id = await leadIn('submitted');
        const requests = Array.from({ length: 20 }, () => request('POST', `/v1/leads/${id}/approve`, tokens.staff, { headers: { 'if-match': '"1"' } }));
        const replies = await Promise.all(requests.map(send));
        expect({ round, statuses: replies.map((r) => r.status).sort() }).toEqual({ round, statuses: [200, ...Array<number>(19).fill(412)] });
        const lead = await call('GET', `/v1/leads/${id}`, tokens.staff);
        expect(lead.body).toMatchObject({ status: 'approved', revision: 2 });
        expect(lead.body.statusHistory as unknown[]).toHaveLength(2);
      }
    });
  });

  describe('conflict detection', () => {
    const domainLead = (domain: string, email = `buyer@${domain}`) => aLead().withDomain(domain).withEmail(email).body();

    it('refuses another partner the same registrable domain; the partner learns only that a conflict exists', async () => {
      const first = await created('northUser', domainLead('conflict-one.co.uk'));
      for (const domain of ['conflict-one.co.uk', 'www.conflict-one.co.uk', 'Shop.Conflict-One.CO.UK']) {
        const reply = await register('southUser', domainLead(domain, `someone@elsewhere-${domain.length}.example`));
        expectProblem(reply, 409, 'registration_conflict');
        expect(JSON.stringify(reply.body)).not.toContain(first.id as string);
        expect(reply.body).not.toHaveProperty('errors');
      }
      const staff = await register('staff', { ...domainLead('www.conflict-one.co.uk', 'x@unrelated-one.example'), partnerId: south.id });
      expectProblem(staff, 409, 'registration_conflict');
      expect(staff.body.detail).toContain(first.id as string);
      expect(staff.body.errors).toEqual([{ field: '/companyDomain', message: expect.stringContaining(first.id as string) }]);
    });

    it('treats the contact email case-insensitively, and the domain of its mailbox as the prospect too', async () => {
      const first = await created('northUser', domainLead('conflict-two.example', 'Jane.Case@Gmail.com'));
      // Free mail: only the exact address can conflict, whatever its case.
      expectProblem(await register('southAgent', domainLead('totally-different.example', 'JANE.CASE@gmail.COM')), 409, 'registration_conflict');
      expect((await register('southAgent', domainLead('totally-different-2.example', 'jane.case2@gmail.com'))).status).toBe(201);
      const sameMailbox = await register('staff', { ...domainLead('another-different.example', 'bob@Conflict-Two.example'), partnerId: south.id });
      expectProblem(sameMailbox, 409, 'registration_conflict');
      expect(sameMailbox.body.errors).toEqual([{ field: '/contact/email', message: expect.stringContaining(first.id as string) }]);
    });

    it('ignores free-mail domains (only the exact address conflicts there)', async () => {
      await created('northUser', domainLead('freemail-a.example', 'alice.freemail@gmail.com'));
      await created('southUser', domainLead('freemail-b.example', 'bob.freemail@gmail.com'));
      await created('southUser', domainLead('gmail.com', 'carol.freemail@gmail.com'));
      await created('northAgent1', domainLead('freemail-c.example', 'dave.freemail@GoogleMail.com'));
      expectProblem(await register('southAgent', domainLead('freemail-d.example', 'Alice.Freemail@gmail.com')), 409, 'registration_conflict');
    });

    it('lets the same partner register the same prospect twice (its users and agents alike)', async () => {
      await created('northUser', domainLead('same-partner.example'));
      await created('northAgent1', domainLead('www.same-partner.example'));
      await created('staff', { ...domainLead('same-partner.example'), partnerId: north.id });
      expectProblem(await register('southUser', domainLead('same-partner.example', 'z@nowhere-same.example')), 409, 'registration_conflict');
    });

    it('never conflicts across tenants', async () => {
      await created('northUser', domainLead('cross-tenant.example'));
      const theirs = await aLead().forPartner(await aPartner().in(t, other)).withDomain('cross-tenant.example').withEmail('buyer@cross-tenant.example').in(t, other);
      expect(theirs.status).toBe('submitted');
    });

    it('lets Staff register over a conflict with allowConflict=true, recording it on both leads', async () => {
      const first = await created('northUser', domainLead('override.example'));
      expectProblem(await register('southUser', domainLead('override.example'), '?allowConflict=true'), 403, 'permission_denied');
      expectValidationError(await register('staff', { ...domainLead('override.example'), partnerId: south.id }, '?allowConflict=maybe'), ['/allowConflict']);
      const second = await created('staff', { ...domainLead('override.example'), partnerId: south.id }, '?allowConflict=true');
      expect(second.conflictsWith).toEqual([first.id]);
      const firstNow = await call('GET', `/v1/leads/${first.id as string}`, tokens.staff);
      expect(firstNow.body).toMatchObject({ conflictsWith: [second.id], revision: 2 });
      expect(firstNow.headers.get('etag')).toBe('"2"');
      const partnerView = await call('GET', `/v1/leads/${first.id as string}`, tokens.northUser);
      expect(partnerView.body).not.toHaveProperty('conflictsWith');
      // With no conflict, the flag changes nothing.
      expect((await created('staff', { ...domainLead('override-free.example'), partnerId: south.id }, '?allowConflict=true')).conflictsWith).toEqual([]);
    });

    it('releases the prospect when its registration leaves the active states, and only when the last one does', async () => {
      const a = await created('northUser', domainLead('release.example'));
      const b = await created('northAgent1', domainLead('release.example'));
      const probe = () => register('southUser', domainLead('release.example', `probe-${Math.random().toString(16).slice(2)}@probe-release.example`));
      expect((await transition(a.id as string, 'reject', tokens.staff, { body: { reason: 'No.' } })).status).toBe(200);
      expectProblem(await probe(), 409, 'registration_conflict');
      expect((await call('DELETE', `/v1/leads/${b.id as string}`, tokens.staff)).status).toBe(204);
      const taken = await probe();
      expect(taken.status).toBe(201);
      expectProblem(await register('northUser', domainLead('release.example', 'n@probe-release-2.example')), 409, 'registration_conflict');
    });

    it('moves the registration when a PATCH changes the domain, refusing a conflicting one', async () => {
      await created('southUser', domainLead('taken-by-south.example'));
      const lead = await created('northUser', domainLead('moving-from.example'));
      const path = `/v1/leads/${lead.id as string}`;
      expectProblem(await call('PATCH', path, tokens.northUser, { body: { companyDomain: 'www.taken-by-south.example' } }), 409, 'registration_conflict');
      expect((await call('GET', path, tokens.northUser)).body).toMatchObject({ companyDomain: 'moving-from.example', revision: 1 });
      // The contact's mailbox domain is a key too, so both move together here.
      const moved = await call('PATCH', path, tokens.northUser, { body: { companyDomain: 'moving-to.example', contact: { name: 'Pat', email: 'pat@moving-to.example' } } });
      expect(moved.status).toBe(200);
      expect((await register('southUser', domainLead('moving-from.example', 'x@moving-elsewhere.example'))).status).toBe(201);
      expectProblem(await register('southUser', domainLead('moving-to.example', 'y@moving-elsewhere-2.example')), 409, 'registration_conflict');
    });

    it('lets exactly one of 20 partners registering the same domain at once win, round after round', async () => {
      const racers: string[] = [];
      for (let i = 0; i < 20; i++) {
        const partner = await aPartner().named(`Racer ${i}`).withStatus('active').in(t, acme);
        const sub = `auth0|racer-${i}`;
        await acme.addMember({ sub, role: 'Partner', partnerId: partner.id });
        racers.push(await acme.tokenFor(sub));
      }
      for (let round = 0; round < 20; round++) {
        const domain = `race-${round}.example`;
        // Barrier: every request is built before any is sent.
        const requests = racers.map((token, i) => request('POST', '/v1/leads', token, { body: domainLead(`www.${domain}`, `buyer${i}@racer-${round}-${i}.example`) }));
        const replies = await Promise.all(requests.map(send));
        const statuses = replies.map((r) => r.status).sort();
        expect({ round, statuses }).toEqual({ round, statuses: [201, ...Array<number>(19).fill(409)] });
        expect(replies.filter((r) => r.status === 409).every((r) => r.body.code === 'registration_conflict')).toBe(true);
      }
    });
  });

  describe('lists', () => {
    let listTenant: TenantFixture;
    let listToken: string;
    let partner: Partner;
    let rows: LeadView[];

    beforeAll(async () => {
      listTenant = await aTenant(t, { name: 'Lists' });
      listToken = await listTenant.adminToken();
      partner = await aPartner().withStatus('active').in(t, listTenant);
      const names = ['alpha', 'Beta', 'gamma', 'a.c dotted', 'ALPHA two', 'delta', 'Zeta'];
      rows = [];
      for (let i = 0; i < names.length; i++) {
        rows.push(await aLead().forPartner(partner).named(names[i]).worth((i % 3) * 1000 + i).in(t, listTenant));
      }
    });

    const listIds = async (query: string): Promise<string[]> => {
      const reply = await call('GET', `/v1/leads?limit=200&${query}`, listToken);
      expect({ query, status: reply.status }).toEqual({ query, status: 200 });
      return ids(reply);
    };

    it('sorts by each whitelisted key, ascending or descending, with id as tie-breaker', async () => {
      const byId = (a: LeadView, b: LeadView) => (a.id < b.id ? -1 : 1);
      const expected: Record<string, (a: LeadView, b: LeadView) => number> = {
        createdAt: (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || byId(a, b),
        valueMinor: (a, b) => a.valueMinor - b.valueMinor || byId(a, b),
        companyName: (a, b) => (a.companyName.toLowerCase() < b.companyName.toLowerCase() ? -1 : a.companyName.toLowerCase() > b.companyName.toLowerCase() ? 1 : byId(a, b)),
      };
      for (const [key, compare] of Object.entries(expected)) {
        const ascending = [...rows].sort(compare).map((r) => r.id);
        expect(await listIds(`sort=${key}`)).toEqual(ascending);
        expect(await listIds(`sort=-${key}`)).toEqual([...ascending].reverse());
        // Small pages walk the same order.
        const walked: string[] = [];
        let cursor: string | null = null;
        do {
          const reply: Reply = await call('GET', `/v1/leads?limit=2&sort=-${key}${cursor ? `&cursor=${cursor}` : ''}`, listToken);
          walked.push(...ids(reply));
          cursor = reply.body.nextCursor as string | null;
        } while (cursor);
        expect(walked).toEqual([...ascending].reverse());
      }
    });

    it('filters by name prefix (case-insensitive, regex-safe), value, status, partner, owner and dates', async () => {
      const pick = (keep: (r: LeadView) => boolean) => rows.filter(keep).map((r) => r.id);
      expect(await listIds('q=ALPHA')).toEqual(pick((r) => r.companyName.toLowerCase().startsWith('alpha')));
      expect(await listIds('q=a.c')).toEqual(pick((r) => r.companyName === 'a.c dotted'));
      expect(await listIds('q=.*')).toEqual([]);
      expect(await listIds('q=(')).toEqual([]);
      expect(await listIds('minValue=1000&maxValue=2002')).toEqual(pick((r) => r.valueMinor >= 1000 && r.valueMinor <= 2002));
      expect(await listIds(`partnerId=${partner.id}&status=submitted`)).toEqual(rows.map((r) => r.id));
      expect(await listIds('status=approved')).toEqual([]);
      expect(await listIds(`ownerId=${encodeURIComponent('test:factory')}`)).toEqual(rows.map((r) => r.id));
      const middle = rows[3].createdAt.toISOString();
      expect(await listIds(`createdFrom=${middle}`)).toEqual(pick((r) => r.createdAt.getTime() >= rows[3].createdAt.getTime()));
      expect(await listIds(`createdTo=${middle}`)).toEqual(pick((r) => r.createdAt.getTime() < rows[3].createdAt.getTime()));
      expect(await listIds('updatedFrom=2000-01-01&updatedTo=2999-12-31T00:00:00Z')).toEqual(rows.map((r) => r.id));
      expect(await listIds('createdTo=2000-01-01')).toEqual([]);
    });

    it('refuses unknown and invalid query parameters with 400', async () => {
      for (const query of [
        'tenantId=x',
        'offset=10',
        'skip=1',
        'sort=tenantId',
        'sort=-status',
        'limit=0',
        'limit=201',
        'status=gone',
        'partnerId=nope',
        'createdFrom=yesterday',
        'createdFrom=2024-02-30',
        'minValue=-1',
        'maxValue=1.5',
        'q=',
        'cursor=%%%',
        'cursor=bm90LWEtY3Vyc29y',
      ]) {
        const reply = await call('GET', `/v1/leads?${query}`, listToken);
        expect({ query, status: reply.status }).toEqual({ query, status: 400 });
      }
      const page = await call('GET', '/v1/leads?limit=1&sort=valueMinor', listToken);
      const wrongSort = await call('GET', `/v1/leads?limit=1&sort=createdAt&cursor=${page.body.nextCursor as string}`, listToken);
      expectValidationError(wrongSort, ['/cursor']);
    });

    it('walks 1,000 leads without duplicates or gaps while new leads keep arriving', async () => {
      const pagingTenant = await aTenant(t, { name: 'Paging' });
      const token = await pagingTenant.adminToken();
      const pagingPartner = await aPartner().in(t, pagingTenant);
      const existing: string[] = [];
      // Straight through the repository: 1,000 HTTP registrations would only slow the test down.
      for (let batch = 0; batch < 50; batch++) {
        existing.push(...(await Promise.all(Array.from({ length: 20 }, () => aLead().forPartner(pagingPartner).insertDirect(t, pagingTenant)))));
      }
      for (const sort of ['createdAt', '-createdAt', 'companyName']) {
        let walking = true;
        const added: string[] = [];
        // A steady trickle of new leads while the walk runs (some land before the cursor, some after).
        const writer = (async () => {
          while (walking && added.length < 100) {
            added.push(await aLead().forPartner(pagingPartner).insertDirect(t, pagingTenant));
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        })();
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        try {
          do {
            const reply: Reply = await call('GET', `/v1/leads?limit=150&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`, token);
            expect(reply.status).toBe(200);
            seen.push(...ids(reply));
            cursor = reply.body.nextCursor as string | null;
            pages++;
          } while (cursor !== null && pages < 50);
        } finally {
          walking = false;
          await writer;
        }
        expect(cursor).toBeNull();
        expect(added.length).toBeGreaterThan(0);
        expect({ sort, duplicates: seen.length - new Set(seen).size }).toEqual({ sort, duplicates: 0 });
        const seenSet = new Set(seen);
        expect({ sort, missing: existing.filter((id) => !seenSet.has(id)) }).toEqual({ sort, missing: [] });
        existing.push(...added);
      }
    }, 180_000);
  });

  describe('for other features', () => {
    const inContext = <T>(tenant: TenantFixture, fn: () => Promise<T>, system = 'test:feature'): Promise<T> =>
      t.app.get(RequestContext).runInTenant(tenant.tenant.id, system, fn);

    /** Runs fn as a partner-side member, with the access rules its request would have. */
    const asMember = <T>(tenant: TenantFixture, actor: Actor, fn: () => Promise<T>): Promise<T> =>
      inContext(tenant, async () => {
        const context = t.app.get(RequestContext);
        const permissions = DEFAULT_GRANTS[actor.role];
        context.bindActor(actor);
        context.bindAccess(permissions, buildAbility(actor, permissions));
        return fn();
      });

    it('converts an approved lead once: FindLeadForConversion, then MarkLeadConverted with its revision', async () => {
      const lead = await created('northUser', aLead().withDomain('convert-me.example').withEmail('c@convert-me.example').body());
      const id = lead.id as string;
      const found = await inContext(acme, () => t.app.get(FindLeadForConversion).execute(id));
      expect(found).toMatchObject({ id, status: 'submitted', partnerId: north.id, ownerId: SUB.northUser, revision: 1, currency: 'EUR' });
      await expect(inContext(acme, () => t.app.get(MarkLeadConverted).execute(id, 'a'.repeat(24), 1))).rejects.toMatchObject({ code: 'invalid_transition' });

      expect((await transition(id, 'approve', tokens.staff)).status).toBe(200);
      await expect(inContext(acme, () => t.app.get(MarkLeadConverted).execute(id, 'a'.repeat(24), 1))).rejects.toMatchObject({ code: 'precondition_failed' });
      const approved = await inContext(acme, () => t.app.get(FindLeadForConversion).execute(id));
      const converted = await inContext(acme, () => t.app.get(MarkLeadConverted).execute(id, 'a'.repeat(24), approved.revision), 'opportunities:convert');
      expect(converted).toMatchObject({ id, status: 'converted', revision: 3, convertedOpportunityId: 'a'.repeat(24) });
      const read = await call('GET', `/v1/leads/${id}`, tokens.northUser);
      expect((read.body.statusHistory as { by: string; to: string }[]).at(-1)).toMatchObject({ from: 'approved', to: 'converted', by: 'opportunities:convert' });
      // Converted is no longer an active registration: another partner may register the prospect.
      expect((await register('southUser', aLead().withDomain('convert-me.example').withEmail('d@convert-me.example').body())).status).toBe(201);
      // And it cannot be deleted or transitioned any more.
      expectProblem(await call('DELETE', `/v1/leads/${id}`, tokens.staff), 409, 'invalid_transition');
      const again = await transition(id, 'approve', tokens.staff);
      expectProblem(again, 409, 'invalid_transition');
      expect(again.body.detail).toContain('converted');

      // Outside the member's scope: 404 like over HTTP.
      const agent: Actor = { sub: SUB.northAgent2, membershipId: 'm', role: 'Agent', partnerId: north.id, mfa: false, machine: false };
      await expect(asMember(acme, agent, () => t.app.get(FindLeadForConversion).execute(id))).rejects.toMatchObject({ code: 'not_found' });
    });

    it('streams leads for export in the caller scope, without internal fields for partner users', async () => {
      const tag = `Export ${Date.now()}`;
      const mine = await created('staff', { ...aLead().named(`${tag} one`).body(), partnerId: north.id, internalNotes: 'internal only' });
      await created('staff', { ...aLead().named(`${tag} two`).body(), partnerId: north.id, internalNotes: 'internal only' });
      await created('staff', { ...aLead().named(`${tag} three`).body(), partnerId: south.id });
      const collect = async (iterable: AsyncIterable<LeadView>): Promise<LeadView[]> => {
        const out: LeadView[] = [];
        for await (const lead of iterable) out.push(lead);
        return out;
      };
      const filter = { namePrefix: tag };
      const all = await inContext(acme, () => collect(t.app.get(StreamLeads).execute(filter, parseLeadSort('-companyName'))));
      expect(all.map((l) => l.companyName)).toEqual([`${tag} two`, `${tag} three`, `${tag} one`]);
      expect(all.find((l) => l.id === mine.id)?.internalNotes).toBe('internal only');

      const partnerUser: Actor = { sub: SUB.northUser, membershipId: 'm', role: 'Partner', partnerId: north.id, mfa: false, machine: false };
      // leads:export is not a Partner default: granted for this call only.
      const exporting = <T>(fn: () => Promise<T>) =>
        inContext(acme, async () => {
          const context = t.app.get(RequestContext);
          const permissions = [...DEFAULT_GRANTS.Partner, 'leads:export' as const];
          context.bindActor(partnerUser);
          context.bindAccess(permissions, buildAbility(partnerUser, permissions));
          return fn();
        });
      const theirs = await exporting(() => collect(t.app.get(StreamLeads).execute(filter)));
      expect(theirs.map((l) => l.companyName).sort()).toEqual([`${tag} one`, `${tag} two`]);
      for (const lead of theirs) {
        expect(lead).not.toHaveProperty('internalNotes');
        expect(lead).not.toHaveProperty('conflictsWith');
        expect(lead).not.toHaveProperty('registrationKeys');
      }
      await expect(asMember(acme, partnerUser, async () => t.app.get(StreamLeads).execute(filter))).rejects.toMatchObject({ code: 'permission_denied' });
    });
  });

  // Last: it moves the clock forward for every tenant of this file.
  describe('expiry of approved registrations', () => {
    it('expires approved leads past their tenant protection window, as job:expire-leads, and releases them', async () => {
      const approve = async (who: string, domain: string): Promise<string> => {
        const lead = await created(who, aLead().withDomain(domain).withEmail(`e@${domain}`).body());
        expect((await transition(lead.id as string, 'approve', tokens.staff)).status).toBe(200);
        return lead.id as string;
      };
      const protectedLead = await approve('northUser', 'expiry-one.example');
      const submitted = (await created('northUser', aLead().body())).id as string;

      // A second tenant with a 10-day window.
      const short = await aTenant(t, { name: 'Short window' });
      const shortToken = await short.adminToken();
      expect((await call('PATCH', '/v1/tenant/settings', shortToken, { body: { registrationProtectionDays: 10 } })).status).toBe(200);
      const shortPartner = await aPartner().withStatus('active').in(t, short);
      const shortLead = await aLead().forPartner(shortPartner).in(t, short);
      expect((await transition(shortLead.id, 'approve', shortToken)).status).toBe(200);

      const expire = t.app.get(ExpireLeads);
      const now = Date.now();
      const early = await expire.execute(new Date(now + 11 * DAY_MS));
      expect(early.tenants).toBeGreaterThanOrEqual(2);
      expect((await call('GET', `/v1/leads/${shortLead.id}`, shortToken)).body.status).toBe('expired');
      expect((await call('GET', `/v1/leads/${protectedLead}`, tokens.staff)).body.status).toBe('approved');

      const late = await expire.execute(new Date(now + 91 * DAY_MS));
      expect(late.expired).toBeGreaterThanOrEqual(1);
      const expired = await call('GET', `/v1/leads/${protectedLead}`, tokens.staff);
      expect(expired.body).toMatchObject({ status: 'expired', revision: 3 });
      expect(expired.headers.get('etag')).toBe('"3"');
      expect((expired.body.statusHistory as unknown[]).at(-1)).toEqual({ from: 'approved', to: 'expired', by: 'job:expire-leads', at: expect.stringMatching(ISO_DATE) });
      expect((await call('GET', `/v1/leads/${submitted}`, tokens.staff)).body.status).toBe('submitted');
      const refused = await transition(protectedLead, 'approve', tokens.staff);
      expectProblem(refused, 409, 'invalid_transition');
      expect(refused.body.detail).toContain('The lead is expired');
      // The prospect is free again.
      expect((await register('southUser', aLead().withDomain('expiry-one.example').withEmail('f@expiry-one.example').body())).status).toBe(201);
      // Nothing approved is left to expire.
      expect((await expire.execute(new Date(now + 91 * DAY_MS))).expired).toBe(0);

      // Each expiry is one change event of the job in the lead's tenant stream.
      await t.app.get(AuditRelay).settled();
      const events = t.app.get<Model<AuditEventRecord>>(getModelToken(AuditEventRecord.name));
      const trail = await t.app.get(RequestContext).runInTenant(acme.tenant.id, 'test:leads', async () =>
        events.find({ action: 'lead.expire', 'target.id': protectedLead }).lean(),
      );
      expect(trail).toHaveLength(1);
      expect(trail[0]).toMatchObject({
        type: 'change',
        actor: { type: 'system', id: 'job:expire-leads' },
        outcome: { result: 'success' },
        changes: expect.arrayContaining([{ field: 'status', before: 'approved', after: 'expired' }]),
      });
    });
  });
});
