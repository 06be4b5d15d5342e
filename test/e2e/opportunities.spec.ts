import { buildAbility } from '#src/kernel/auth/access-policy';
import { DEFAULT_GRANTS, Permission } from '#src/kernel/auth/permissions';
import { Actor, RequestContext, Role } from '#src/kernel/context/request-context';
import { LeadView } from '#src/modules/leads';
import {
  CLOSED_STAGES,
  Opportunity,
  OPPORTUNITY_STAGES,
  OpportunityStage,
  StreamOpportunities,
  toOpportunityListFilter,
} from '#src/modules/opportunities';
import { Partner } from '#src/modules/partners';
import { aLead } from '../factories/leads';
import { anOpportunity } from '../factories/opportunities';
import { aPartner } from '../factories/partners';
import { aTenant, TenantFixture } from '../factories/tenants';
import { startTestApp, TestApp } from '../utils/test-app';
// Test-side only: to leave a conversion cut off after its first step.
import { getModelToken } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { INTERRUPTED_CONVERSION_MS } from '#src/modules/opportunities/application/convert-lead.use-case';
import { OpportunityRepository } from '#src/modules/opportunities/domain/opportunity';
import { OpportunityRecord } from '#src/modules/opportunities/infrastructure/opportunity.schema';

const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UNKNOWN_ID = 'ffffffffffffffffffffffff';

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
type Row = Record<string, unknown>;

describe('opportunities: /v1/opportunities and POST /v1/leads/{id}/convert', () => {
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
    northAgent1: 'auth0|agent-north-1',
    northAgent2: 'auth0|agent-north-2',
    southAgent: 'auth0|agent-south',
  } as const;

  beforeAll(async () => {
    t = await startTestApp({ label: 'opportunities' });
    [acme, other] = await Promise.all([aTenant(t, { name: 'Acme' }), aTenant(t, { name: 'Other' })]);
    north = await aPartner().named('North Reseller').withStatus('active').in(t, acme);
    south = await aPartner().named('South Reseller').withStatus('active').in(t, acme);
    paused = await aPartner().named('Paused Reseller').withStatus('suspended').in(t, acme);
    await acme.addMember({ sub: SUB.staff, role: 'Staff' });
    await acme.addMember({ sub: SUB.northUser, role: 'Partner', partnerId: north.id });
    await acme.addMember({ sub: SUB.southUser, role: 'Partner', partnerId: south.id });
    await acme.addMember({ sub: SUB.northAgent1, role: 'Agent', partnerId: north.id });
    await acme.addMember({ sub: SUB.northAgent2, role: 'Agent', partnerId: north.id });
    await acme.addMember({ sub: SUB.southAgent, role: 'Agent', partnerId: south.id });
    tokens.admin = await acme.adminToken();
    tokens.otherAdmin = await other.adminToken();
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

  function expectProblem(reply: Reply, status: number, code: string): void {
    expect({ status: reply.status, code: reply.body.code }).toEqual({ status, code });
    expect(reply.headers.get('content-type')).toBe(PROBLEM_TYPE);
  }

  function expectValidationError(reply: Reply, fields: string[]): void {
    expectProblem(reply, 400, 'validation_failed');
    expect(fieldsOf(reply)).toEqual(expect.arrayContaining(fields));
  }

  async function created(who: string, body: Row): Promise<Row> {
    const reply = await call('POST', '/v1/opportunities', tokens[who], { body });
    expect({ status: reply.status, body: reply.status === 201 ? undefined : reply.body }).toEqual({ status: 201, body: undefined });
    return reply.body;
  }

  const patch = (id: string, token: string, body: Row, headers: Record<string, string> = {}): Promise<Reply> =>
    call('PATCH', `/v1/opportunities/${id}`, token, { body, headers });

  const ids = (reply: Reply): string[] => (reply.body.data as { id: string }[]).map((o) => o.id);

  async function listAll(token: string, query = ''): Promise<Row[]> {
    const seen: Row[] = [];
    let cursor: string | null = null;
    do {
      const reply: Reply = await call('GET', `/v1/opportunities?limit=200${query}${cursor ? `&cursor=${cursor}` : ''}`, token);
      expect({ status: reply.status, body: reply.status === 200 ? undefined : reply.body }).toEqual({ status: 200, body: undefined });
      seen.push(...(reply.body.data as Row[]));
      cursor = reply.body.nextCursor as string | null;
    } while (cursor !== null);
    return seen;
  }

  /** Grants partner-side roles more permissions for the duration of `fn`. */
  async function withGrants(extra: Record<'Partner' | 'Agent', Permission[]>, fn: () => Promise<void>): Promise<void> {
    for (const role of ['Partner', 'Agent'] as const) {
      const reply = await call('PUT', `/v1/roles/${role}`, tokens.admin, { body: { grants: [...DEFAULT_GRANTS[role], ...extra[role]] } });
      expect(reply.status).toBe(200);
    }
    try {
      await fn();
    } finally {
      for (const role of ['Partner', 'Agent'] as const) await call('PUT', `/v1/roles/${role}`, tokens.admin, { body: { grants: DEFAULT_GRANTS[role] } });
    }
  }

  const opportunity = (fn: (b: ReturnType<typeof anOpportunity>) => ReturnType<typeof anOpportunity> = (b) => b): Promise<Opportunity> =>
    fn(anOpportunity().forPartner(north).ownedBy(SUB.northUser)).in(t, acme);

  describe('create, read, change, delete', () => {
    it('lets Staff open an opportunity for a partner and owner: 201, Location, ETag, stage defaults and history', async () => {
      const reply = await call('POST', '/v1/opportunities', tokens.staff, {
        body: { name: '  Cafe\u0301 Globex  ', amountMinor: 2_500_000, currency: 'EUR', expectedCloseDate: '2026-09-30', partnerId: north.id, ownerId: SUB.northAgent1 },
      });
      expect(reply.status).toBe(201);
      const body = reply.body;
      expect(reply.headers.get('location')).toBe(`/v1/opportunities/${body.id as string}`);
      expect(reply.headers.get('etag')).toBe('"1"');
      expect(body).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{24}$/),
        name: 'Caf\u00e9 Globex',
        amountMinor: 2_500_000,
        currency: 'EUR',
        stage: 'prospecting',
        probability: 10,
        expectedCloseDate: '2026-09-30',
        partnerId: north.id,
        ownerId: SUB.northAgent1,
        stageHistory: [{ to: 'prospecting', by: SUB.staff, at: expect.stringMatching(ISO_DATE) }],
        revision: 1,
        createdAt: expect.stringMatching(ISO_DATE),
        updatedAt: expect.stringMatching(ISO_DATE),
      });
      const read = await call('GET', reply.headers.get('location') as string, tokens.northAgent1);
      expect(read.status).toBe(200);
      expect(read.headers.get('etag')).toBe('"1"');
      expect(read.body).toEqual(body);
    });

    it('takes the probability from the stage unless given, and the owner from the caller unless named', async () => {
      const inProposal = await created('staff', { name: 'P', amountMinor: 1, currency: 'USD', stage: 'proposal', partnerId: north.id });
      expect(inProposal).toMatchObject({ stage: 'proposal', probability: 50, ownerId: SUB.staff });
      const given = await created('admin', { name: 'N', amountMinor: 0, currency: 'JPY', stage: 'negotiation', probability: 0, partnerId: south.id });
      expect(given).toMatchObject({ stage: 'negotiation', probability: 0, amountMinor: 0, currency: 'JPY' });
    });

    it('needs a partner of this tenant from Staff, not suspended, and an owner affiliated with it', async () => {
      const base = { name: 'X', amountMinor: 1, currency: 'EUR' };
      expectValidationError(await call('POST', '/v1/opportunities', tokens.staff, { body: base }), ['/partnerId']);
      expectValidationError(await call('POST', '/v1/opportunities', tokens.staff, { body: { ...base, partnerId: UNKNOWN_ID } }), ['/partnerId']);
      const otherPartner = await aPartner().withStatus('active').in(t, other);
      expectValidationError(await call('POST', '/v1/opportunities', tokens.staff, { body: { ...base, partnerId: otherPartner.id } }), ['/partnerId']);
      expectProblem(await call('POST', '/v1/opportunities', tokens.staff, { body: { ...base, partnerId: paused.id } }), 409, 'partner_suspended');
      for (const owner of [SUB.southUser, SUB.staff, 'auth0|nobody']) {
        expectValidationError(await call('POST', '/v1/opportunities', tokens.staff, { body: { ...base, partnerId: north.id, ownerId: owner } }), ['/ownerId']);
      }
    });

    it('keeps creation for Staff and Admin by default; partner users granted it open opportunities for themselves', async () => {
      const body = anOpportunity().body();
      delete body.partnerId;
      delete body.ownerId;
      expectProblem(await call('POST', '/v1/opportunities', tokens.northUser, { body }), 403, 'permission_denied');
      expectProblem(await call('POST', '/v1/opportunities', tokens.northAgent1, { body }), 403, 'permission_denied');
      await withGrants({ Partner: ['opportunities:create'], Agent: ['opportunities:create'] }, async () => {
        expect(await created('northUser', body)).toMatchObject({ partnerId: north.id, ownerId: SUB.northUser });
        expect(await created('northAgent1', body)).toMatchObject({ partnerId: north.id, ownerId: SUB.northAgent1 });
        const refused = await call('POST', '/v1/opportunities', tokens.northUser, { body: { ...body, partnerId: south.id, ownerId: SUB.southUser } });
        expectValidationError(refused, ['/ownerId', '/partnerId']);
      });
    });

    it('validates every field and reports each invalid one as a JSON Pointer', async () => {
      const invalid = await call('POST', '/v1/opportunities', tokens.staff, {
        body: {
          name: '',
          amountMinor: 1.5,
          currency: 'eur',
          stage: 'won',
          probability: 101,
          expectedCloseDate: '2026-02-30',
          partnerId: 'nope',
          ownerId: 'has space',
        },
      });
      expectValidationError(invalid, ['/amountMinor', '/currency', '/expectedCloseDate', '/name', '/ownerId', '/partnerId', '/probability', '/stage']);
      const more = await call('POST', '/v1/opportunities', tokens.staff, {
        body: { name: 'a\u0000b', amountMinor: -1, currency: 'ABC', probability: -1, expectedCloseDate: '2026/01/01', partnerId: north.id },
      });
      expectValidationError(more, ['/amountMinor', '/currency', '/expectedCloseDate', '/name', '/probability']);
      expectValidationError(await call('POST', '/v1/opportunities', tokens.staff, { body: { name: 'x', currency: 'EUR', partnerId: north.id } }), ['/amountMinor']);
      expectValidationError(
        await call('POST', '/v1/opportunities', tokens.staff, { body: { name: 'x', amountMinor: 10_000_000_000_001, currency: 'EUR', partnerId: north.id } }),
        ['/amountMinor'],
      );
      // Nothing is created closed; server-owned fields are not accepted at all.
      for (const stage of CLOSED_STAGES) {
        expectValidationError(await call('POST', '/v1/opportunities', tokens.staff, { body: { ...anOpportunity().forPartner(north).body(), stage } }), ['/stage']);
      }
      for (const extra of [{ tenantId: 'x' }, { leadId: UNKNOWN_ID }, { revision: 3 }, { stageHistory: [] }, { closeReason: 'x' }]) {
        const reply = await call('POST', '/v1/opportunities', tokens.staff, { body: { ...anOpportunity().forPartner(north).body(), ...extra } });
        expectValidationError(reply, [`/${Object.keys(extra)[0]}`]);
      }
    });

    it('changes the fields sent, clears those sent as null, and answers the new revision with its ETag', async () => {
      const o = await opportunity((b) => b.with({ expectedCloseDate: '2026-01-31' }));
      const reply = await patch(o.id, tokens.northUser, { name: ' Renamed ', amountMinor: 42, currency: 'GBP', probability: 33, expectedCloseDate: null });
      expect(reply.status).toBe(200);
      expect(reply.headers.get('etag')).toBe('"2"');
      expect(reply.body).toMatchObject({ name: 'Renamed', amountMinor: 42, currency: 'GBP', probability: 33, stage: 'prospecting', revision: 2 });
      expect(reply.body).not.toHaveProperty('expectedCloseDate');
      expect(reply.body.stageHistory as unknown[]).toHaveLength(1);
      // Nothing to change: no new revision, the same ETag.
      const empty = await patch(o.id, tokens.northUser, {});
      expect({ status: empty.status, etag: empty.headers.get('etag'), revision: empty.body.revision }).toEqual({ status: 200, etag: '"2"', revision: 2 });
      const same = await patch(o.id, tokens.northUser, { stage: 'prospecting' });
      expect({ status: same.status, revision: same.body.revision }).toEqual({ status: 200, revision: 2 });
      expectValidationError(await patch(o.id, tokens.staff, { name: null, amountMinor: null, currency: 'x', ownerId: SUB.southUser }), ['/amountMinor', '/currency', '/name']);
      expectValidationError(await patch(o.id, tokens.staff, { partnerId: south.id }), ['/partnerId']);
    });

    it('lets Staff reassign the owner within the partner; partner users never', async () => {
      const o = await opportunity();
      expectValidationError(await patch(o.id, tokens.northUser, { ownerId: SUB.northAgent1 }), ['/ownerId']);
      expectValidationError(await patch(o.id, tokens.staff, { ownerId: SUB.southAgent }), ['/ownerId']);
      expect((await patch(o.id, tokens.staff, { ownerId: SUB.northAgent1 })).body).toMatchObject({ ownerId: SUB.northAgent1, revision: 2 });
      expect((await call('GET', `/v1/opportunities/${o.id}`, tokens.northAgent1)).status).toBe(200);
    });

    it('honours If-Match on PATCH and DELETE; soft-deletes so the opportunity answers 404 everywhere', async () => {
      const o = await opportunity();
      const path = `/v1/opportunities/${o.id}`;
      expectProblem(await patch(o.id, tokens.staff, { name: 'stale' }, { 'if-match': '"7"' }), 412, 'precondition_failed');
      expectProblem(await patch(o.id, tokens.staff, { name: 'bad' }, { 'if-match': 'nonsense' }), 412, 'precondition_failed');
      expect((await patch(o.id, tokens.staff, { name: 'fresh' }, { 'if-match': '"1"' })).status).toBe(200);
      expect((await patch(o.id, tokens.staff, { name: 'any' }, { 'if-match': '*' })).status).toBe(200);
      expectProblem(await call('DELETE', path, tokens.staff, { headers: { 'if-match': '"1"' } }), 412, 'precondition_failed');
      expectProblem(await call('DELETE', path, tokens.northUser), 403, 'permission_denied');
      const deleted = await call('DELETE', path, tokens.staff, { headers: { 'if-match': '"3"' } });
      expect(deleted.status).toBe(204);
      expectProblem(await call('GET', path, tokens.staff), 404, 'not_found');
      expectProblem(await patch(o.id, tokens.staff, { name: 'ghost' }), 404, 'not_found');
      expectProblem(await call('DELETE', path, tokens.staff), 404, 'not_found');
      expect((await listAll(tokens.staff, `&q=${encodeURIComponent(o.name)}`)).map((r) => r.id)).toEqual([]);
    });

    it('answers malformed and other-tenant ids like unknown ones', async () => {
      const theirs = await anOpportunity().forPartner(await aPartner().withStatus('active').in(t, other)).in(t, other);
      for (const id of [UNKNOWN_ID, 'not-an-id', theirs.id, '65f0c0ffee0000000000000g']) {
        expectProblem(await call('GET', `/v1/opportunities/${id}`, tokens.staff), 404, 'not_found');
        expectProblem(await patch(id, tokens.staff, { name: 'x' }), 404, 'not_found');
        expectProblem(await call('DELETE', `/v1/opportunities/${id}`, tokens.staff), 404, 'not_found');
        expectProblem(await call('POST', `/v1/opportunities/${id}/reopen`, tokens.staff), 404, 'not_found');
      }
      expect((await call('GET', `/v1/opportunities/${theirs.id}`, tokens.otherAdmin)).status).toBe(200);
    });
  });

  describe('row scope: two partners, two agents', () => {
    const mine: Record<string, string> = {};
    beforeAll(async () => {
      const owners = [
        ['northUser', north],
        ['northAgent1', north],
        ['northAgent2', north],
        ['southUser', south],
        ['southAgent', south],
      ] as const;
      for (const [who, partner] of owners) {
        mine[who] = (await anOpportunity().named(`Scope ${who}`).forPartner(partner).ownedBy(SUB[who]).in(t, acme)).id;
      }
    });

    const visible = async (who: string): Promise<string[]> => (await listAll(tokens[who], '&q=Scope')).map((r) => r.id as string).sort();
    const idsOf = (...who: string[]): string[] => who.map((w) => mine[w]).sort();

    it('lets each caller list and read only what its role covers; everything else is 404', async () => {
      const expected: Record<string, string[]> = {
        staff: idsOf('northUser', 'northAgent1', 'northAgent2', 'southUser', 'southAgent'),
        admin: idsOf('northUser', 'northAgent1', 'northAgent2', 'southUser', 'southAgent'),
        northUser: idsOf('northUser', 'northAgent1', 'northAgent2'),
        southUser: idsOf('southUser', 'southAgent'),
        northAgent1: idsOf('northAgent1'),
        northAgent2: idsOf('northAgent2'),
        southAgent: idsOf('southAgent'),
      };
      for (const [who, seen] of Object.entries(expected)) {
        expect({ who, ids: await visible(who) }).toEqual({ who, ids: seen });
        for (const id of Object.values(mine)) {
          const reply = await call('GET', `/v1/opportunities/${id}`, tokens[who]);
          expect({ who, id, status: reply.status }).toEqual({ who, id, status: seen.includes(id) ? 200 : 404 });
        }
      }
    });

    it('ANDs filters with the scope: a partner asking for another partner or owner gets nothing', async () => {
      expect(await visible('northUser')).toHaveLength(3);
      expect(ids(await call('GET', `/v1/opportunities?q=Scope&partnerId=${south.id}`, tokens.northUser))).toEqual([]);
      expect(ids(await call('GET', `/v1/opportunities?q=Scope&ownerId=${encodeURIComponent(SUB.northAgent2)}`, tokens.northAgent1))).toEqual([]);
      expect(ids(await call('GET', `/v1/opportunities?q=Scope&ownerId=${encodeURIComponent(SUB.northAgent2)}`, tokens.northUser))).toEqual([mine.northAgent2]);
    });

    it('refuses changes and transitions outside the scope with 404, leaving the opportunity untouched', async () => {
      expectProblem(await patch(mine.southUser, tokens.northUser, { name: 'hijack' }), 404, 'not_found');
      expectProblem(await patch(mine.southAgent, tokens.northUser, { stage: 'closed_won' }), 404, 'not_found');
      // Agents do not hold opportunities:update by default; granted it, they reach only their own.
      expectProblem(await patch(mine.northAgent1, tokens.northAgent1, { name: 'mine' }), 403, 'permission_denied');
      await withGrants({ Partner: [], Agent: ['opportunities:update'] }, async () => {
        expectProblem(await patch(mine.northAgent2, tokens.northAgent1, { name: 'theirs' }), 404, 'not_found');
        expectProblem(await patch(mine.northUser, tokens.northAgent1, { name: 'boss' }), 404, 'not_found');
        expect((await patch(mine.northAgent1, tokens.northAgent1, { probability: 15 })).status).toBe(200);
      });
      const read = await call('GET', `/v1/opportunities/${mine.southUser}`, tokens.staff);
      expect(read.body).toMatchObject({ name: 'Scope southUser', revision: 1 });
    });
  });

  describe('the stage machine over HTTP', () => {
    /** What the domain specification says (see opportunity-stage.spec.ts), per caller. */
    function expected(from: OpportunityStage, to: OpportunityStage, internal: boolean): number {
      const rank = (s: OpportunityStage): number => OPPORTUNITY_STAGES.indexOf(s);
      // A closed opportunity is read-only: even restating its stage is a change it refuses.
      if (CLOSED_STAGES.includes(from as never)) return 409;
      if (from === to) return 200;
      if (CLOSED_STAGES.includes(to as never) || rank(to) > rank(from)) return 200;
      return internal ? 200 : 403;
    }

    it.each([
      ['northUser', false],
      ['staff', true],
    ] as const)('applies every from × to move as specified for %s', async (who, internal) => {
      const outcomes: string[] = [];
      const wanted: string[] = [];
      for (const from of OPPORTUNITY_STAGES) {
        for (const to of OPPORTUNITY_STAGES) {
          const o = await opportunity((b) => b.inStage(from));
          const reply = await patch(o.id, tokens[who], { stage: to, ...(to === 'closed_lost' && from !== to ? { closeReason: 'No budget' } : {}) });
          outcomes.push(`${from}→${to}: ${reply.status} ${(reply.body.code as string | undefined) ?? ''}`);
          const status = expected(from, to, internal);
          const code = status === 409 ? 'opportunity_closed' : status === 403 ? 'permission_denied' : '';
          wanted.push(`${from}→${to}: ${status} ${code}`);
          if (status === 200 && from !== to) {
            expect(reply.body).toMatchObject({ stage: to, probability: { prospecting: 10, qualification: 25, proposal: 50, negotiation: 75, closed_won: 100, closed_lost: 0 }[to] });
            expect((reply.body.stageHistory as Row[]).at(-1)).toMatchObject({ from, to, by: SUB[who] });
          }
          if (status === 409) expect(reply.body.detail).toContain(`The opportunity is ${from};`);
        }
      }
      expect(outcomes).toEqual(wanted);
    });

    it('walks a deal forward, skipping stages, and records each move with its actor, revision and ETag', async () => {
      const o = await opportunity();
      const toProposal = await patch(o.id, tokens.northUser, { stage: 'proposal' }, { 'if-match': '"1"' });
      expect({ status: toProposal.status, etag: toProposal.headers.get('etag') }).toEqual({ status: 200, etag: '"2"' });
      expect(toProposal.body).toMatchObject({ stage: 'proposal', probability: 50, revision: 2 });
      const back = await patch(o.id, tokens.northUser, { stage: 'qualification' });
      expectProblem(back, 403, 'permission_denied');
      expect((await patch(o.id, tokens.staff, { stage: 'qualification', probability: 30 })).body).toMatchObject({ stage: 'qualification', probability: 30, revision: 3 });
      const won = await patch(o.id, tokens.northUser, { stage: 'closed_won', closeReason: 'Signed' });
      expect(won.body).toMatchObject({ stage: 'closed_won', probability: 100, closeReason: 'Signed', revision: 4 });
      expect((won.body.stageHistory as Row[]).map((h) => [h.from, h.to, h.by, h.reason])).toEqual([
        [undefined, 'prospecting', 'test:factory', undefined],
        ['prospecting', 'proposal', SUB.northUser, undefined],
        ['proposal', 'qualification', SUB.staff, undefined],
        ['qualification', 'closed_won', SUB.northUser, 'Signed'],
      ]);
    });

    it('requires a close reason to close lost, refuses one otherwise, and fixes the probability of closed stages', async () => {
      const o = await opportunity((b) => b.inStage('negotiation'));
      expectValidationError(await patch(o.id, tokens.northUser, { stage: 'closed_lost' }), ['/closeReason']);
      expectValidationError(await patch(o.id, tokens.northUser, { closeReason: 'why?' }), ['/closeReason']);
      expectValidationError(await patch(o.id, tokens.staff, { stage: 'proposal', closeReason: 'why?' }), ['/closeReason']);
      expectValidationError(await patch(o.id, tokens.northUser, { stage: 'closed_won', probability: 90 }), ['/probability']);
      expectValidationError(await patch(o.id, tokens.northUser, { stage: 'closed_lost', closeReason: '' }), ['/closeReason']);
      const lost = await patch(o.id, tokens.northUser, { stage: 'closed_lost', closeReason: ' Went with a competitor ', probability: 0 });
      expect(lost.body).toMatchObject({ stage: 'closed_lost', probability: 0, closeReason: 'Went with a competitor', revision: 2 });
    });

    it('keeps closed opportunities read-only: PATCH and DELETE are 409 naming the stage', async () => {
      for (const stage of CLOSED_STAGES) {
        const o = await opportunity((b) => b.inStage(stage));
        for (const body of [{ name: 'x' }, { stage: 'negotiation' }, { probability: 50 }, { stage }]) {
          const reply = await patch(o.id, tokens.staff, body);
          expectProblem(reply, 409, 'opportunity_closed');
          expect(reply.body.detail).toContain(`The opportunity is ${stage};`);
        }
        const deleted = await call('DELETE', `/v1/opportunities/${o.id}`, tokens.admin);
        expectProblem(deleted, 409, 'opportunity_closed');
        expect(deleted.body.detail).toContain(stage);
        // An empty PATCH changes nothing, so there is nothing to refuse.
        expect((await patch(o.id, tokens.northUser, {})).status).toBe(200);
        expect((await call('GET', `/v1/opportunities/${o.id}`, tokens.staff)).body.revision).toBe(o.revision);
      }
    });

    it('reopens a closed opportunity to negotiation for Staff and Admin only', async () => {
      const o = await opportunity((b) => b.closedAs('closed_lost', 'Budget'));
      const path = `/v1/opportunities/${o.id}/reopen`;
      expectProblem(await call('POST', path, tokens.northUser), 403, 'permission_denied');
      expectProblem(await call('POST', path, tokens.northAgent1), 403, 'permission_denied');
      expectProblem(await call('POST', path, tokens.staff, { headers: { 'if-match': '"1"' } }), 412, 'precondition_failed');
      const reopened = await call('POST', path, tokens.staff, { body: { reason: 'Budget is back' }, headers: { 'if-match': `"${o.revision}"` } });
      expect({ status: reopened.status, etag: reopened.headers.get('etag') }).toEqual({ status: 200, etag: `"${o.revision + 1}"` });
      expect(reopened.body).toMatchObject({ stage: 'negotiation', probability: 75, revision: o.revision + 1 });
      expect(reopened.body).not.toHaveProperty('closeReason');
      expect((reopened.body.stageHistory as Row[]).at(-1)).toMatchObject({ from: 'closed_lost', to: 'negotiation', by: SUB.staff, reason: 'Budget is back' });
      const again = await call('POST', path, tokens.admin);
      expectProblem(again, 409, 'invalid_transition');
      expect(again.body.detail).toContain('The opportunity is negotiation;');
      // Open again: it moves and closes like any other.
      expect((await patch(o.id, tokens.northUser, { stage: 'closed_won' })).body).toMatchObject({ stage: 'closed_won', probability: 100 });
      const won = await call('POST', path, tokens.admin);
      expect(won.body).toMatchObject({ stage: 'negotiation', probability: 75 });
      expectValidationError(await call('POST', path, tokens.admin, { body: { reason: 'x', stage: 'proposal' } }), ['/stage']);
    });

    it('refuses reopen to partner users even when they hold opportunities:update, after the scoped lookup (404 first)', async () => {
      const o = await opportunity((b) => b.inStage('closed_won'));
      const theirs = await anOpportunity().forPartner(south).inStage('closed_won').in(t, acme);
      await withGrants({ Partner: [], Agent: ['opportunities:update'] }, async () => {
        expectProblem(await call('POST', `/v1/opportunities/${o.id}/reopen`, tokens.northUser), 403, 'permission_denied');
        expectProblem(await call('POST', `/v1/opportunities/${o.id}/reopen`, tokens.northAgent1), 404, 'not_found');
        expectProblem(await call('POST', `/v1/opportunities/${theirs.id}/reopen`, tokens.northUser), 404, 'not_found');
        expectProblem(await call('POST', `/v1/opportunities/${UNKNOWN_ID}/reopen`, tokens.northUser), 404, 'not_found');
      });
      expect((await call('GET', `/v1/opportunities/${o.id}`, tokens.staff)).body).toMatchObject({ stage: 'closed_won', revision: o.revision });
    });
  });

  describe('If-Match under concurrency', () => {
    it('lets exactly one of 20 concurrent PATCHes with the same ETag win; the others get 412', async () => {
      for (let round = 0; round < 20; round++) {
        const o = await opportunity();
        const requests = Array.from({ length: 20 }, (_, i) =>
          request('PATCH', `/v1/opportunities/${o.id}`, tokens.staff, { body: { name: `Writer ${i}`, stage: 'proposal' }, headers: { 'if-match': '"1"' } }),
        );
        const replies = await Promise.all(requests.map(send));
        expect({ round, statuses: replies.map((r) => r.status).sort() }).toEqual({ round, statuses: [200, ...Array<number>(19).fill(412)] });
        const winner = replies.find((r) => r.status === 200) as Reply;
        const read = await call('GET', `/v1/opportunities/${o.id}`, tokens.staff);
        expect(read.body).toMatchObject({ name: winner.body.name, stage: 'proposal', revision: 2 });
        expect(read.body.stageHistory as unknown[]).toHaveLength(2);
      }
    });

    it('lets exactly one of 20 concurrent reopens with the same ETag win', async () => {
      const o = await opportunity((b) => b.inStage('closed_won'));
      const requests = Array.from({ length: 20 }, () => request('POST', `/v1/opportunities/${o.id}/reopen`, tokens.staff, { headers: { 'if-match': `"${o.revision}"` } }));
      const replies = await Promise.all(requests.map(send));
      expect(replies.map((r) => r.status).sort()).toEqual([200, ...Array<number>(19).fill(412)]);
      expect((await call('GET', `/v1/opportunities/${o.id}`, tokens.staff)).body.stageHistory as unknown[]).toHaveLength(3);
    });
  });

  describe('lists', () => {
    let listTenant: TenantFixture;
    let token: string;
    let east: Partner;
    let west: Partner;
    let rows: Opportunity[];
    const DEALS = [
      { name: 'alpha', amountMinor: 500, stage: 'prospecting', expectedCloseDate: '2026-03-01' },
      { name: 'Bravo', amountMinor: 100, stage: 'qualification', expectedCloseDate: '2026-01-15' },
      { name: 'a.b*c', amountMinor: 500, stage: 'proposal' },
      { name: 'abc', amountMinor: 300, stage: 'negotiation', expectedCloseDate: '2026-03-01' },
      { name: 'Charlie', amountMinor: 900, stage: 'prospecting', expectedCloseDate: '2025-12-31' },
      { name: 'delta', amountMinor: 0, stage: 'closed_won' },
      { name: 'Alpha', amountMinor: 700, stage: 'closed_lost', expectedCloseDate: '2026-06-30' },
      { name: 'echo', amountMinor: 300, stage: 'prospecting', expectedCloseDate: '2026-01-15' },
    ] as const;

    beforeAll(async () => {
      listTenant = await aTenant(t, { name: 'Lists' });
      token = await listTenant.adminToken();
      east = await aPartner().named('East').withStatus('active').in(t, listTenant);
      west = await aPartner().named('West').withStatus('active').in(t, listTenant);
      await listTenant.addMember({ sub: 'auth0|east-agent', role: 'Agent', partnerId: east.id });
      rows = [];
      for (const [i, deal] of DEALS.entries()) {
        const partner = i % 2 === 0 ? east : west;
        const builder = anOpportunity()
          .named(deal.name)
          .worth(deal.amountMinor)
          .forPartner(partner)
          .with('expectedCloseDate' in deal ? { expectedCloseDate: deal.expectedCloseDate } : {})
          .inStage(deal.stage);
        if (i === 2) builder.ownedBy('auth0|east-agent');
        rows.push(await builder.in(t, listTenant));
      }
    });

    const key = (o: Opportunity, field: string): string | number => {
      switch (field) {
        case 'createdAt':
          return o.createdAt.getTime();
        case 'updatedAt':
          return o.updatedAt.getTime();
        case 'amountMinor':
          return o.amountMinor;
        case 'name':
          return o.name.toLowerCase();
        default:
          return o.expectedCloseDate ?? '~';
      }
    };

    it.each(['createdAt', 'updatedAt', 'amountMinor', 'name', 'expectedCloseDate'])('sorts by %s, ascending or descending, with id as tie-breaker, page by page', async (field) => {
      for (const direction of [1, -1]) {
        const sorted = [...rows].sort((a, b) => {
          const [ka, kb] = [key(a, field), key(b, field)];
          const byKey = ka < kb ? -1 : ka > kb ? 1 : 0;
          return (byKey !== 0 ? byKey : a.id < b.id ? -1 : 1) * direction;
        });
        const sort = `${direction === -1 ? '-' : ''}${field}`;
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const reply: Reply = await call('GET', `/v1/opportunities?limit=3&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`, token);
          expect(reply.status).toBe(200);
          seen.push(...ids(reply));
          cursor = reply.body.nextCursor as string | null;
          pages++;
        } while (cursor !== null);
        expect({ sort, ids: seen }).toEqual({ sort, ids: sorted.map((o) => o.id) });
        expect(pages).toBe(3);
      }
    });

    it('filters by name prefix (case-insensitive, taken literally), amount, stage, partner, owner and dates', async () => {
      const names = async (query: string): Promise<string[]> => (await listAll(token, query)).map((r) => r.name as string).sort();
      expect(await names('&q=ALPHA')).toEqual(['Alpha', 'alpha']);
      expect(await names('&q=a.')).toEqual(['a.b*c']);
      expect(await names(`&q=${encodeURIComponent('a.b*')}`)).toEqual(['a.b*c']);
      expect(await names('&q=a')).toEqual(['Alpha', 'a.b*c', 'abc', 'alpha']);
      expect(await names('&q=.*')).toEqual([]);
      expect(await names('&minAmount=300&maxAmount=500')).toEqual(['a.b*c', 'abc', 'alpha', 'echo']);
      expect(await names('&minAmount=0&maxAmount=0')).toEqual(['delta']);
      expect(await names('&stage=prospecting')).toEqual(['Charlie', 'alpha', 'echo']);
      expect(await names('&stage=closed_lost')).toEqual(['Alpha']);
      expect(await names(`&partnerId=${west.id}`)).toEqual(['Bravo', 'abc', 'delta', 'echo']);
      expect(await names(`&ownerId=${encodeURIComponent('auth0|east-agent')}`)).toEqual(['a.b*c']);
      expect(await names(`&partnerId=${west.id}&stage=qualification&q=b`)).toEqual(['Bravo']);
      const cut = rows[4].createdAt;
      const namesWhere = (keep: (o: Opportunity) => boolean): string[] => rows.filter(keep).map((o) => o.name).sort();
      expect(await names(`&createdFrom=${cut.toISOString()}`)).toEqual(namesWhere((o) => o.createdAt >= cut));
      expect(await names(`&createdTo=${cut.toISOString()}`)).toEqual(namesWhere((o) => o.createdAt < cut));
      expect(namesWhere((o) => o.createdAt < cut).length).toBeGreaterThan(0);
      expect(await names('&createdFrom=2000-01-01&createdTo=2001-01-01')).toEqual([]);
      const newest = [...rows].sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime())[0];
      expect(await names(`&updatedFrom=${newest.updatedAt.toISOString()}`)).toContain(newest.name);
      expect(await names(`&updatedTo=${rows[0].updatedAt.toISOString()}`)).toEqual([]);
      // The Agent's scope stays ANDed in.
      const agentToken = await listTenant.tokenFor('auth0|east-agent');
      expect((await listAll(agentToken)).map((r) => r.name)).toEqual(['a.b*c']);
    });

    it('answers limit, default 50, and refuses unknown and invalid query parameters with 400', async () => {
      const one = await call('GET', '/v1/opportunities?limit=1', token);
      expect({ status: one.status, count: ids(one).length, more: typeof one.body.nextCursor }).toEqual({ status: 200, count: 1, more: 'string' });
      const all = await call('GET', '/v1/opportunities', token);
      expect({ count: ids(all).length, next: all.body.nextCursor }).toEqual({ count: DEALS.length, next: null });
      const cursor = one.body.nextCursor as string;
      const cases: [string, string][] = [
        ['limit=0', '/limit'],
        ['limit=201', '/limit'],
        ['limit=two', '/limit'],
        ['sort=probability', '/sort'],
        ['sort=-', '/sort'],
        ['cursor=not*valid', '/cursor'],
        ['cursor=bm90LWEtY3Vyc29y', '/cursor'],
        [`cursor=${cursor}&sort=-createdAt`, '/cursor'],
        ['stage=won', '/stage'],
        ['partnerId=xyz', '/partnerId'],
        ['ownerId=has%20space', '/ownerId'],
        ['createdFrom=yesterday', '/createdFrom'],
        ['updatedTo=2026-02-30', '/updatedTo'],
        ['minAmount=-1', '/minAmount'],
        ['maxAmount=1.5', '/maxAmount'],
        ['q=', '/q'],
        ['q=%00', '/q'],
        ['tenantId=x', '/tenantId'],
        ['status=open', '/status'],
      ];
      for (const [query, field] of cases) {
        const reply = await call('GET', `/v1/opportunities?${query}`, token);
        expect({ query, status: reply.status, fields: fieldsOf(reply) }).toEqual({ query, status: 400, fields: expect.arrayContaining([field]) });
      }
    });
  });

  describe('lead conversion: POST /v1/leads/{id}/convert', () => {
    async function approvedLead(owner: string = SUB.northAgent1, partner: Partner = north): Promise<LeadView> {
      const lead = await aLead().forPartner(partner).ownedBy(owner).with({ expectedCloseDate: '2026-10-01' }).in(t, acme);
      const approved = await call('POST', `/v1/leads/${lead.id}/approve`, tokens.staff);
      expect(approved.status).toBe(200);
      return lead;
    }

    const convert = (leadId: string, token: string, body?: Row): Promise<Reply> => call('POST', `/v1/leads/${leadId}/convert`, token, body ? { body } : {});

    it('opens an opportunity that inherits the lead partner, owner and value, and marks the lead converted', async () => {
      const lead = await approvedLead();
      const reply = await convert(lead.id, tokens.staff);
      expect(reply.status).toBe(201);
      const id = reply.body.id as string;
      expect(reply.headers.get('location')).toBe(`/v1/opportunities/${id}`);
      expect(reply.headers.get('etag')).toBe('"1"');
      expect(reply.body).toMatchObject({
        name: lead.companyName,
        amountMinor: lead.valueMinor,
        currency: lead.currency,
        stage: 'prospecting',
        probability: 10,
        expectedCloseDate: '2026-10-01',
        partnerId: north.id,
        ownerId: SUB.northAgent1,
        leadId: lead.id,
        revision: 1,
        stageHistory: [{ to: 'prospecting', by: SUB.staff, at: expect.stringMatching(ISO_DATE) }],
      });
      const read = await call('GET', `/v1/leads/${lead.id}`, tokens.staff);
      expect(read.body).toMatchObject({ status: 'converted', convertedOpportunityId: id });
      expect((read.body.statusHistory as Row[]).at(-1)).toMatchObject({ from: 'approved', to: 'converted', by: SUB.staff });
      // The lead's owner and partner see the opportunity; the other agent and partner do not.
      expect((await call('GET', `/v1/opportunities/${id}`, tokens.northAgent1)).status).toBe(200);
      expect((await call('GET', `/v1/opportunities/${id}`, tokens.northUser)).status).toBe(200);
      expect((await call('GET', `/v1/opportunities/${id}`, tokens.northAgent2)).status).toBe(404);
      expect((await call('GET', `/v1/opportunities/${id}`, tokens.southUser)).status).toBe(404);

      const again = await convert(lead.id, tokens.admin);
      expectProblem(again, 409, 'lead_already_converted');
    });

    it('takes a name, an open stage, a probability and a close date from the body', async () => {
      const lead = await approvedLead(SUB.northUser);
      expectValidationError(await convert(lead.id, tokens.staff, { stage: 'closed_won' }), ['/stage']);
      expectValidationError(await convert(lead.id, tokens.staff, { partnerId: south.id, amountMinor: 1 }), ['/amountMinor', '/partnerId']);
      const reply = await convert(lead.id, tokens.staff, { name: 'Globex expansion', stage: 'proposal', probability: 60, expectedCloseDate: '2027-01-31' });
      expect(reply.status).toBe(201);
      expect(reply.body).toMatchObject({ name: 'Globex expansion', stage: 'proposal', probability: 60, expectedCloseDate: '2027-01-31', ownerId: SUB.northUser });
    });

    it('converts only approved leads: 409 naming the status otherwise, 404 for unknown ones', async () => {
      const submitted = await aLead().forPartner(north).ownedBy(SUB.northUser).in(t, acme);
      const refused = await convert(submitted.id, tokens.staff);
      expectProblem(refused, 409, 'invalid_transition');
      expect(refused.body.detail).toContain('The lead is submitted;');
      const rejected = await aLead().forPartner(north).in(t, acme);
      expect((await call('POST', `/v1/leads/${rejected.id}/reject`, tokens.staff, { body: { reason: 'No' } })).status).toBe(200);
      expect((await convert(rejected.id, tokens.staff)).body.detail).toContain('The lead is rejected;');
      for (const id of [UNKNOWN_ID, 'nope']) expectProblem(await convert(id, tokens.staff), 404, 'not_found');
      // No opportunity was left behind by the refusals.
      expect((await listAll(tokens.staff, `&q=${encodeURIComponent(submitted.companyName)}`)).length).toBe(0);
    });

    it('is a Staff and Admin action: partner users get 403, even when granted opportunities:create', async () => {
      const lead = await approvedLead(SUB.northUser);
      expectProblem(await convert(lead.id, tokens.northUser), 403, 'permission_denied');
      await withGrants({ Partner: ['opportunities:create'], Agent: ['opportunities:create'] }, async () => {
        expectProblem(await convert(lead.id, tokens.northUser), 403, 'permission_denied');
        expectProblem(await convert(lead.id, tokens.southUser), 404, 'not_found');
        expectProblem(await convert(UNKNOWN_ID, tokens.northUser), 404, 'not_found');
      });
      expect((await call('GET', `/v1/leads/${lead.id}`, tokens.staff)).body).toMatchObject({ status: 'approved' });
      expect((await convert(lead.id, tokens.admin)).status).toBe(201);
    });

    it('finishes a conversion that died between its two steps, and leaves a live one alone', async () => {
      // Step one of a conversion that never reached step two: the opportunity holds the lead, the lead is still approved.
      const cutOff = async (lead: LeadView, ageMs: number): Promise<string> =>
        t.app.get(RequestContext).runInTenant(acme.tenant.id, 'test:interrupted-conversion', async () => {
          const repository = t.app.get(OpportunityRepository);
          const id = repository.newId();
          const at = new Date(Date.now() - ageMs);
          await repository.insert({
            id, name: lead.companyName, amountMinor: 1, currency: 'EUR', stage: 'prospecting', probability: 10,
            partnerId: lead.partnerId, ownerId: lead.ownerId, leadId: lead.id, stageHistory: [{ to: 'prospecting', by: SUB.staff, at }],
          });
          await t.app.get<Model<unknown>>(getModelToken(OpportunityRecord.name)).updateOne({ _id: id }, { $set: { createdAt: at } }, { timestamps: false, overwriteImmutable: true });
          return id;
        });

      const live = await approvedLead();
      await cutOff(live, 1_000);
      expectProblem(await convert(live.id, tokens.staff), 409, 'lead_already_converted');
      expect((await call('GET', `/v1/leads/${live.id}`, tokens.staff)).body).toMatchObject({ status: 'approved' });

      const dead = await approvedLead();
      const orphan = await cutOff(dead, INTERRUPTED_CONVERSION_MS + 5_000);
      expectProblem(await convert(dead.id, tokens.staff), 409, 'lead_already_converted');
      const read = await call('GET', `/v1/leads/${dead.id}`, tokens.staff);
      expect(read.body).toMatchObject({ status: 'converted', convertedOpportunityId: orphan });
      expect((read.body.statusHistory as Row[]).at(-1)).toMatchObject({ from: 'approved', to: 'converted', by: SUB.staff });
      expect((await call('GET', `/v1/opportunities/${orphan}`, tokens.staff)).status).toBe(200);
    });

    it('converts a lead exactly once when 20 requests race for it, round after round', async () => {
      for (let round = 0; round < 20; round++) {
        const lead = await approvedLead();
        // Barrier: every request is built before any is sent.
        const requests = Array.from({ length: 20 }, (_, i) => request('POST', `/v1/leads/${lead.id}/convert`, i % 2 === 0 ? tokens.staff : tokens.admin));
        const replies = await Promise.all(requests.map(send));
        const statuses = replies.map((r) => r.status).sort();
        expect({ round, statuses }).toEqual({ round, statuses: [201, ...Array<number>(19).fill(409)] });
        expect(replies.filter((r) => r.status === 409).every((r) => r.body.code === 'lead_already_converted')).toBe(true);
        const winner = replies.find((r) => r.status === 201) as Reply;
        const read = await call('GET', `/v1/leads/${lead.id}`, tokens.staff);
        expect({ round, lead: read.body.status, opportunity: read.body.convertedOpportunityId }).toEqual({ round, lead: 'converted', opportunity: winner.body.id });
        const opportunities = await listAll(tokens.staff, `&q=${encodeURIComponent(lead.companyName)}`);
        expect({ round, ids: opportunities.map((o) => o.id) }).toEqual({ round, ids: [winner.body.id] });
      }
    });
  });

  describe('for the CSV export', () => {
    /** Runs fn as a member, with the access rules its request would have. */
    const asMember = <T>(role: Role, sub: string, partnerId: string | undefined, permissions: readonly Permission[], fn: () => Promise<T>): Promise<T> =>
      t.app.get(RequestContext).runInTenant(acme.tenant.id, 'test:export', async () => {
        const context = t.app.get(RequestContext);
        const actor: Actor = { sub, membershipId: 'm', role, partnerId, mfa: false, machine: false };
        context.bindActor(actor);
        context.bindAccess(permissions, buildAbility(actor, permissions));
        return fn();
      });

    const drain = async (rows: AsyncIterable<Opportunity>): Promise<Opportunity[]> => {
      const out: Opportunity[] = [];
      for await (const row of rows) out.push(row);
      return out;
    };

    it('streams the caller scope with the list filters, and checks opportunities:export up front', async () => {
      const tag = `Export ${Date.now()}`;
      const made = [
        await anOpportunity().named(`${tag} a`).forPartner(north).ownedBy(SUB.northAgent1).worth(10).in(t, acme),
        await anOpportunity().named(`${tag} b`).forPartner(north).ownedBy(SUB.northAgent2).worth(20).in(t, acme),
        await anOpportunity().named(`${tag} c`).forPartner(south).ownedBy(SUB.southUser).worth(30).in(t, acme),
      ];
      const filter = toOpportunityListFilter({ q: tag.toLowerCase() });
      const stream = (role: Role, sub: string, partnerId?: string) =>
        asMember(role, sub, partnerId, [...DEFAULT_GRANTS[role], 'opportunities:export'], async () => drain(t.app.get(StreamOpportunities).execute(filter)));
      expect((await stream('Staff', SUB.staff)).map((o) => o.id)).toEqual(made.map((o) => o.id));
      expect((await stream('Partner', SUB.northUser, north.id)).map((o) => o.name)).toEqual([`${tag} a`, `${tag} b`]);
      expect((await stream('Agent', SUB.northAgent2, north.id)).map((o) => o.name)).toEqual([`${tag} b`]);
      const sorted = await asMember('Staff', SUB.staff, undefined, DEFAULT_GRANTS.Staff, async () =>
        drain(t.app.get(StreamOpportunities).execute({ ...filter, minAmount: 15 }, { sort: '-amountMinor' })),
      );
      expect(sorted.map((o) => o.amountMinor)).toEqual([30, 20]);
      await expect(asMember('Agent', SUB.northAgent1, north.id, DEFAULT_GRANTS.Agent, async () => t.app.get(StreamOpportunities).execute(filter))).rejects.toMatchObject({
        code: 'permission_denied',
      });
      await expect(
        asMember('Staff', SUB.staff, undefined, DEFAULT_GRANTS.Staff, async () => t.app.get(StreamOpportunities).execute(filter, { sort: 'probability' })),
      ).rejects.toMatchObject({ code: 'validation_failed' });
    });

    it('stops reading when the consumer stops early', async () => {
      const rows = await asMember('Staff', SUB.staff, undefined, DEFAULT_GRANTS.Staff, async () => {
        const out: Opportunity[] = [];
        for await (const row of t.app.get(StreamOpportunities).execute({})) {
          out.push(row);
          if (out.length === 2) break;
        }
        return out;
      });
      expect(rows).toHaveLength(2);
    });
  });
});
