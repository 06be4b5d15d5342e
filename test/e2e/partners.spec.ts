import { RequestContext } from '#src/kernel/context/request-context';
import { FindActivePartner, Partner } from '#src/modules/partners';
import { aPartner } from '../factories/partners';
import { aTenant, TenantFixture } from '../factories/tenants';
import { startTestApp, TestApp } from '../utils/test-app';

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

describe('partners: /v1/partners', () => {
  let t: TestApp;
  let acme: TenantFixture;
  let other: TenantFixture;
  let adminToken: string;
  let staffToken: string;
  let partnerUserToken: string;
  let agentToken: string;
  let north: Partner;
  let south: Partner;
  let othersPartner: Partner;
  const staffSub = 'auth0|staff-1';

  beforeAll(async () => {
    t = await startTestApp({ label: 'partners' });
    [acme, other] = await Promise.all([aTenant(t, { name: 'Acme' }), aTenant(t, { name: 'Other' })]);
    north = await aPartner().named('North Reseller').withStatus('active').in(t, acme);
    south = await aPartner().named('South Reseller').in(t, acme);
    othersPartner = await aPartner().named('Other tenant partner').in(t, other);
    await acme.addMember({ sub: staffSub, role: 'Staff' });
    await acme.addMember({ sub: 'auth0|partner-north', role: 'Partner', partnerId: north.id });
    await acme.addMember({ sub: 'auth0|agent-north', role: 'Agent', partnerId: north.id });
    [adminToken, staffToken, partnerUserToken, agentToken] = await Promise.all([
      acme.adminToken(),
      acme.tokenFor(staffSub),
      acme.tokenFor('auth0|partner-north'),
      acme.tokenFor('auth0|agent-north'),
    ]);
  });
  afterAll(() => t.close());

  function request(method: string, path: string, token: string, options: CallOptions = {}): RequestInit & { url: string } {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...options.headers };
    const init: RequestInit & { url: string } = { url: `${t.baseUrl}${path}`, method, headers };
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(options.body);
    }
    return init;
  }

  async function send(init: RequestInit & { url: string }): Promise<Reply> {
    const res = await fetch(init.url, init);
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  const call = (method: string, path: string, token: string, options: CallOptions = {}): Promise<Reply> =>
    send(request(method, path, token, options));

  function fieldsOf(reply: Reply): string[] {
    return ((reply.body.errors as { field: string }[] | undefined) ?? []).map((e) => e.field).sort();
  }

  function withoutRequestId(body: Record<string, unknown>): Record<string, unknown> {
    const { requestId: _requestId, ...rest } = body;
    return rest;
  }

  function expectValidationError(reply: Reply, fields: string[]): void {
    expect(reply.status).toBe(400);
    expect(reply.headers.get('content-type')).toBe(PROBLEM_TYPE);
    expect(reply.body.code).toBe('validation_failed');
    expect(fieldsOf(reply)).toEqual(expect.arrayContaining(fields));
  }

  async function create(body: Record<string, unknown>, token = adminToken): Promise<Record<string, unknown>> {
    const reply = await call('POST', '/v1/partners', token, { body });
    expect(reply.status).toBe(201);
    return reply.body;
  }

  describe('create, read, change, delete', () => {
    it('creates a partner with the defaults: 201, Location, ETag and the resource', async () => {
      const reply = await call('POST', '/v1/partners', adminToken, { body: { name: 'Globex' } });
      expect(reply.status).toBe(201);
      const id = reply.body.id as string;
      expect(id).toMatch(/^[0-9a-f]{24}$/);
      expect(reply.headers.get('location')).toBe(`/v1/partners/${id}`);
      expect(reply.headers.get('etag')).toBe('"1"');
      expect(reply.body).toEqual({
        id,
        name: 'Globex',
        tier: 'registered',
        status: 'prospect',
        revision: 1,
        createdAt: expect.stringMatching(ISO_DATE),
        updatedAt: expect.stringMatching(ISO_DATE),
      });
    });

    it('stores every field in its normal form: trimmed NFC name, lowercase domain and email', async () => {
      const reply = await call('POST', '/v1/partners', staffToken, {
        body: {
          name: '  Cafe\u0301 Partners  ',
          website: 'https://cafe.example/partners',
          domain: 'Cafe.Example',
          tier: 'gold',
          status: 'active',
          region: ' EMEA ',
          primaryContact: { name: 'Ana Lima', email: 'Ana.Lima@Cafe.Example', phone: '+44 (20) 7946-0958' },
          ownerId: staffSub,
        },
      });
      expect(reply.status).toBe(201);
      expect(reply.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{24}$/),
        name: 'Caf\u00e9 Partners',
        website: 'https://cafe.example/partners',
        domain: 'cafe.example',
        tier: 'gold',
        status: 'active',
        region: 'EMEA',
        primaryContact: { name: 'Ana Lima', email: 'ana.lima@cafe.example', phone: '+44 (20) 7946-0958' },
        ownerId: staffSub,
        revision: 1,
        createdAt: expect.stringMatching(ISO_DATE),
        updatedAt: expect.stringMatching(ISO_DATE),
      });
      const read = await call('GET', `/v1/partners/${reply.body.id as string}`, staffToken);
      expect(read.status).toBe(200);
      expect(read.headers.get('etag')).toBe('"1"');
      expect(read.body).toEqual(reply.body);
    });

    it('changes the fields sent, clears those sent as null, and answers the new revision with its ETag', async () => {
      const created = await create({ name: 'Initech', website: 'https://initech.example', region: 'AMER', tier: 'silver' });
      const id = created.id as string;
      const reply = await call('PATCH', `/v1/partners/${id}`, adminToken, {
        body: { tier: 'platinum', status: 'suspended', website: null, primaryContact: { name: 'Bill' } },
      });
      expect(reply.status).toBe(200);
      expect(reply.headers.get('etag')).toBe('"2"');
      expect(reply.body).toEqual({
        id,
        name: 'Initech',
        region: 'AMER',
        tier: 'platinum',
        status: 'suspended',
        primaryContact: { name: 'Bill' },
        revision: 2,
        createdAt: created.createdAt,
        updatedAt: expect.stringMatching(ISO_DATE),
      });
      expect((await call('GET', `/v1/partners/${id}`, adminToken)).body).toEqual(reply.body);

      const cleared = await call('PATCH', `/v1/partners/${id}`, adminToken, { body: { region: null, primaryContact: null, domain: null, name: ' Initech\u00a0Global ' } });
      expect(cleared.status).toBe(200);
      expect(cleared.headers.get('etag')).toBe('"3"');
      expect(cleared.body).toEqual({
        id,
        name: 'Initech\u00a0Global',
        tier: 'platinum',
        status: 'suspended',
        revision: 3,
        createdAt: created.createdAt,
        updatedAt: expect.stringMatching(ISO_DATE),
      });
    });

    it('answers an empty change with the resource as it is, without a new revision', async () => {
      const created = await create({ name: 'Quiet' });
      const reply = await call('PATCH', `/v1/partners/${created.id as string}`, adminToken, { body: {} });
      expect(reply.status).toBe(200);
      expect(reply.headers.get('etag')).toBe('"1"');
      expect(reply.body).toEqual(created);
    });

    it('honours If-Match on PATCH: 412 for a stale ETag, 200 for the current one', async () => {
      const created = await create({ name: 'Hooli' });
      const path = `/v1/partners/${created.id as string}`;
      const stale = await call('PATCH', path, adminToken, { body: { tier: 'gold' }, headers: { 'if-match': '"7"' } });
      expect(stale.status).toBe(412);
      expect(stale.headers.get('content-type')).toBe(PROBLEM_TYPE);
      expect(stale.body.code).toBe('precondition_failed');
      const fresh = await call('PATCH', path, adminToken, { body: { tier: 'gold' }, headers: { 'if-match': '"1"' } });
      expect(fresh.status).toBe(200);
      expect(fresh.body).toMatchObject({ tier: 'gold', revision: 2 });
      const replay = await call('PATCH', path, adminToken, { body: { tier: 'silver' }, headers: { 'if-match': '"1"' } });
      expect(replay.status).toBe(412);
      expect((await call('GET', path, adminToken)).body).toMatchObject({ tier: 'gold', revision: 2 });
    });

    it('soft-deletes with DELETE (204, If-Match honoured); the partner is then 404 everywhere and gone from lists', async () => {
      const created = await create({ name: 'Doomed Corp' });
      const path = `/v1/partners/${created.id as string}`;
      const stale = await call('DELETE', path, adminToken, { headers: { 'if-match': '"2"' } });
      expect(stale.status).toBe(412);
      expect((await call('GET', path, adminToken)).status).toBe(200);

      const deleted = await call('DELETE', path, adminToken, { headers: { 'if-match': '"1"' } });
      expect(deleted.status).toBe(204);
      expect(deleted.body).toEqual({});

      const unknown = await call('GET', `/v1/partners/${UNKNOWN_ID}`, adminToken);
      for (const method of ['GET', 'PATCH', 'DELETE']) {
        const reply = await call(method, path, adminToken, method === 'PATCH' ? { body: { name: 'Back' } } : {});
        expect({ method, status: reply.status }).toEqual({ method, status: 404 });
        expect(withoutRequestId(reply.body)).toEqual(withoutRequestId(unknown.body));
      }
      const list = await call('GET', '/v1/partners?q=Doomed', adminToken);
      expect(list.body).toEqual({ data: [], nextCursor: null });
    });

    it('deletes without If-Match too', async () => {
      const created = await create({ name: 'Short-lived' });
      expect((await call('DELETE', `/v1/partners/${created.id as string}`, staffToken)).status).toBe(204);
      expect((await call('GET', `/v1/partners/${created.id as string}`, staffToken)).status).toBe(404);
    });

    it('answers unknown, malformed, other-tenant and deleted ids with the same 404', async () => {
      const unknown = await call('GET', `/v1/partners/${UNKNOWN_ID}`, adminToken);
      expect(unknown.status).toBe(404);
      expect(unknown.headers.get('content-type')).toBe(PROBLEM_TYPE);
      expect(unknown.body.code).toBe('not_found');
      for (const id of ['not-an-id', 'FFFFFFFFFFFFFFFFFFFFFFFF', '1234', othersPartner.id]) {
        for (const method of ['GET', 'PATCH', 'DELETE']) {
          const reply = await call(method, `/v1/partners/${id}`, adminToken, method === 'PATCH' ? { body: { tier: 'gold' } } : {});
          expect({ id, method, status: reply.status }).toEqual({ id, method, status: 404 });
          expect(withoutRequestId(reply.body)).toEqual(withoutRequestId(unknown.body));
        }
      }
      // The other tenant's partner is untouched.
      const otherToken = await other.adminToken();
      expect((await call('GET', `/v1/partners/${othersPartner.id}`, otherToken)).body).toMatchObject({ revision: 1, tier: 'registered' });
    });
  });

  describe('validation', () => {
    it('requires a name and names the field as a JSON Pointer', async () => {
      expectValidationError(await call('POST', '/v1/partners', adminToken, { body: {} }), ['/name']);
      expectValidationError(await call('POST', '/v1/partners', adminToken, { body: { name: '   ' } }), ['/name']);
      expectValidationError(await call('POST', '/v1/partners', adminToken, { body: { name: 'x'.repeat(201) } }), ['/name']);
      expectValidationError(await call('POST', '/v1/partners', adminToken, { body: { name: 'a\u0000b' } }), ['/name']);
      expectValidationError(await call('POST', '/v1/partners', adminToken, { body: { name: 42 } }), ['/name']);
      // The bound applies to the name as sent (the documented maxLength); it is trimmed after.
      expect((await call('POST', '/v1/partners', adminToken, { body: { name: ` ${'x'.repeat(198)} ` } })).status).toBe(201);
      expectValidationError(await call('POST', '/v1/partners', adminToken, { body: { name: ` ${'x'.repeat(200)} ` } }), ['/name']);
    });

    it('checks every field and reports each invalid one, nested ones included', async () => {
      const reply = await call('POST', '/v1/partners', adminToken, {
        body: {
          name: 'Valid',
          website: 'ftp://files.example',
          domain: 'not a domain',
          tier: 'diamond',
          status: 'paused',
          region: 'r'.repeat(101),
          primaryContact: { name: '', email: 'nope', phone: 'call me' },
          ownerId: 'has space',
        },
      });
      expectValidationError(reply, [
        '/domain',
        '/ownerId',
        '/primaryContact/email',
        '/primaryContact/name',
        '/primaryContact/phone',
        '/region',
        '/status',
        '/tier',
        '/website',
      ]);
      expect(fieldsOf(reply)).not.toContain('/name');
    });

    it('refuses URLs that are not http(s), IP addresses as domains and null for fields that must have a value', async () => {
      expectValidationError(await call('POST', '/v1/partners', adminToken, { body: { name: 'A', website: 'javascript:alert(1)' } }), ['/website']);
      expectValidationError(await call('POST', '/v1/partners', adminToken, { body: { name: 'A', website: 'x'.repeat(2049) } }), ['/website']);
      expectValidationError(await call('POST', '/v1/partners', adminToken, { body: { name: 'A', domain: '192.168.0.1' } }), ['/domain']);
      expectValidationError(await call('POST', '/v1/partners', adminToken, { body: { name: 'A', website: null } }), ['/website']);
      expectValidationError(await call('POST', '/v1/partners', adminToken, { body: { name: 'A', primaryContact: 'Bob' } }), ['/primaryContact']);
      expectValidationError(await call('POST', '/v1/partners', adminToken, { body: { name: 'A', primaryContact: [{ name: 'Bob' }] } }), ['/primaryContact']);
      expectValidationError(
        await call('POST', '/v1/partners', adminToken, { body: { name: 'A', primaryContact: { name: 'Bob', tenantId: 'x' } } }),
        ['/primaryContact/tenantId'],
      );
      const created = await create({ name: 'Nulls' });
      const path = `/v1/partners/${created.id as string}`;
      for (const field of ['name', 'tier', 'status']) {
        expectValidationError(await call('PATCH', path, adminToken, { body: { [field]: null } }), [`/${field}`]);
      }
      expectValidationError(await call('PATCH', path, adminToken, { body: { primaryContact: { email: 'a@b.example' } } }), ['/primaryContact/name']);
    });

    it('refuses fields clients cannot set: unknown ones, tenantId, id, revision, deletedAt and timestamps', async () => {
      for (const field of ['color', 'tenantId', 'id', '_id', 'revision', 'deletedAt', 'createdAt', 'updatedAt']) {
        const value = field === 'revision' ? 9 : 'x';
        expectValidationError(await call('POST', '/v1/partners', adminToken, { body: { name: 'Sneaky', [field]: value } }), [`/${field}`]);
        expectValidationError(await call('PATCH', `/v1/partners/${north.id}`, adminToken, { body: { [field]: value } }), [`/${field}`]);
      }
      expect((await call('GET', `/v1/partners/${north.id}`, adminToken)).body).toMatchObject({ name: 'North Reseller', revision: 1 });
    });

    it('accepts as owner only an active Staff or Admin member of the tenant', async () => {
      expect((await create({ name: 'Owned by admin', ownerId: acme.admin.sub })).ownerId).toBe(acme.admin.sub);
      for (const ownerId of ['auth0|partner-north', 'auth0|agent-north', 'auth0|nobody', other.admin.sub]) {
        const reply = await call('POST', '/v1/partners', adminToken, { body: { name: 'Bad owner', ownerId } });
        expectValidationError(reply, ['/ownerId']);
      }
      const created = await create({ name: 'Owner changes', ownerId: staffSub });
      const path = `/v1/partners/${created.id as string}`;
      expectValidationError(await call('PATCH', path, adminToken, { body: { ownerId: 'auth0|partner-north' } }), ['/ownerId']);
      const cleared = await call('PATCH', path, adminToken, { body: { ownerId: null } });
      expect(cleared.status).toBe(200);
      expect(cleared.body).not.toHaveProperty('ownerId');
    });

    it('refuses unknown and invalid query parameters on the list', async () => {
      for (const query of ['tenantId=x', 'sort=name', 'limit=0', 'limit=201', 'status=gone', 'tier=diamond', 'cursor=%%%', 'q=']) {
        const reply = await call('GET', `/v1/partners?${query}`, adminToken);
        expect({ query, status: reply.status }).toEqual({ query, status: 400 });
      }
    });
  });

  describe('who may do what', () => {
    it('lets a Partner user see only its own partner, in lists and by id', async () => {
      const list = await call('GET', '/v1/partners', partnerUserToken);
      expect(list.status).toBe(200);
      expect(list.body).toEqual({ data: [expect.objectContaining({ id: north.id, name: 'North Reseller' })], nextCursor: null });
      const own = await call('GET', `/v1/partners/${north.id}`, partnerUserToken);
      expect(own.status).toBe(200);
      expect(own.headers.get('etag')).toBe('"1"');
      const theirs = await call('GET', `/v1/partners/${south.id}`, partnerUserToken);
      const unknown = await call('GET', `/v1/partners/${UNKNOWN_ID}`, partnerUserToken);
      expect(theirs.status).toBe(404);
      expect(withoutRequestId(theirs.body)).toEqual(withoutRequestId(unknown.body));
    });

    it('lets an Agent see only its own partner organization too', async () => {
      const list = await call('GET', '/v1/partners?limit=200', agentToken);
      expect((list.body.data as { id: string }[]).map((p) => p.id)).toEqual([north.id]);
      expect((await call('GET', `/v1/partners/${north.id}`, agentToken)).status).toBe(200);
      expect((await call('GET', `/v1/partners/${south.id}`, agentToken)).status).toBe(404);
    });

    it('refuses partner-side users any write with 403 permission_denied', async () => {
      for (const token of [partnerUserToken, agentToken]) {
        const attempts = [
          await call('POST', '/v1/partners', token, { body: { name: 'Mine now' } }),
          await call('PATCH', `/v1/partners/${north.id}`, token, { body: { tier: 'platinum' } }),
          await call('PATCH', `/v1/partners/${south.id}`, token, { body: { tier: 'platinum' } }),
          await call('DELETE', `/v1/partners/${north.id}`, token),
        ];
        for (const reply of attempts) {
          expect(reply.status).toBe(403);
          expect(reply.body.code).toBe('permission_denied');
        }
      }
      expect((await call('GET', `/v1/partners/${north.id}`, adminToken)).body).toMatchObject({ tier: 'registered', revision: 1 });
    });

    it('lets Staff and Admin see every partner of the tenant and none of another tenant', async () => {
      for (const token of [adminToken, staffToken]) {
        const list = await call('GET', '/v1/partners?limit=200', token);
        const ids = (list.body.data as { id: string }[]).map((p) => p.id);
        expect(ids).toEqual(expect.arrayContaining([north.id, south.id]));
        expect(ids).not.toContain(othersPartner.id);
      }
    });
  });

  describe('concurrency', () => {
    it('lets exactly one of 20 concurrent PATCHes with the same If-Match win, round after round', async () => {
      const created = await create({ name: 'Contended' });
      const path = `/v1/partners/${created.id as string}`;
      for (let round = 1; round <= 20; round++) {
        // Barrier: every request is built before any is sent.
        const requests = Array.from({ length: 20 }, (_, i) =>
          request('PATCH', path, adminToken, { body: { region: `round ${round} writer ${i}` }, headers: { 'if-match': `"${round}"` } }),
        );
        const replies = await Promise.all(requests.map(send));
        const statuses = replies.map((r) => r.status).sort();
        expect({ round, statuses }).toEqual({ round, statuses: [200, ...Array<number>(19).fill(412)] });
        const winner = replies.find((r) => r.status === 200)!;
        expect(winner.headers.get('etag')).toBe(`"${round + 1}"`);
        const current = await call('GET', path, adminToken);
        expect(current.body).toMatchObject({ revision: round + 1, region: winner.body.region });
      }
    });

    it('applies concurrent PATCHes without If-Match one after another, each as its own revision', async () => {
      const created = await create({ name: 'Retried' });
      const path = `/v1/partners/${created.id as string}`;
      const requests = Array.from({ length: 3 }, (_, i) => request('PATCH', path, adminToken, { body: { region: `writer ${i}` } }));
      const replies = await Promise.all(requests.map(send));
      const won = replies.filter((r) => r.status === 200);
      expect(won.length).toBeGreaterThanOrEqual(1);
      // Each loser re-reads and retries (up to 3 attempts); none may be lost silently.
      expect(replies.every((r) => r.status === 200 || r.status === 409)).toBe(true);
      const revisions = won.map((r) => r.body.revision as number).sort();
      expect(new Set(revisions).size).toBe(won.length);
      expect((await call('GET', path, adminToken)).body.revision).toBe(1 + won.length);
    });
  });

  describe('lists', () => {
    let listTenant: TenantFixture;
    let listToken: string;
    let all: Partner[];

    beforeAll(async () => {
      listTenant = await aTenant(t, { name: 'Lists' });
      listToken = await listTenant.adminToken();
      all = [];
      const tiers = ['registered', 'silver', 'gold', 'platinum'] as const;
      for (let i = 0; i < 23; i++) {
        const builder = aPartner()
          .named(i % 5 === 0 ? `Zeta ${i}` : `Alpha ${i}`)
          .withTier(tiers[i % 4])
          .withStatus(i % 3 === 0 ? 'active' : 'prospect');
        all.push(await builder.in(t, listTenant));
      }
      all.push(await aPartner().named('a.c dotted').in(t, listTenant));
      all.push(await aPartner().named('abc plain').in(t, listTenant));
    });

    it('walks every partner exactly once, in id order, with limit and cursor', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = cursor === null ? 'limit=4' : `limit=4&cursor=${cursor}`;
        const reply = await call('GET', `/v1/partners?${query}`, listToken);
        expect(reply.status).toBe(200);
        const data = reply.body.data as { id: string }[];
        expect(data.length).toBeLessThanOrEqual(4);
        seen.push(...data.map((p) => p.id));
        cursor = reply.body.nextCursor as string | null;
        pages++;
      } while (cursor !== null && pages < 20);
      expect(cursor).toBeNull();
      expect(pages).toBe(Math.ceil(all.length / 4));
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(all.map((p) => p.id).sort());
    });

    it('answers the default page of 50 with nextCursor null when everything fits', async () => {
      const reply = await call('GET', '/v1/partners', listToken);
      expect((reply.body.data as unknown[]).length).toBe(all.length);
      expect(reply.body.nextCursor).toBeNull();
    });

    it('filters by status, tier and a case-insensitive name prefix, combined with AND', async () => {
      const ids = async (query: string): Promise<string[]> =>
        ((await call('GET', `/v1/partners?limit=200&${query}`, listToken)).body.data as { id: string }[]).map((p) => p.id);
      const expected = (keep: (p: Partner) => boolean): string[] => all.filter(keep).map((p) => p.id).sort();

      expect(await ids('status=active')).toEqual(expected((p) => p.status === 'active'));
      expect(await ids('tier=gold')).toEqual(expected((p) => p.tier === 'gold'));
      expect(await ids('q=zeta')).toEqual(expected((p) => p.name.startsWith('Zeta')));
      expect(await ids('q=ZETA&status=active')).toEqual(expected((p) => p.name.startsWith('Zeta') && p.status === 'active'));
      expect(await ids('q=eta')).toEqual([]);
      // Regex metacharacters are literal text.
      expect(await ids('q=a.c')).toEqual(expected((p) => p.name === 'a.c dotted'));
      expect(await ids('q=.*')).toEqual([]);
      expect(await ids('q=(')).toEqual([]);
    });
  });

  describe('FindActivePartner, for other features', () => {
    const find = (tenant: TenantFixture, id: string) =>
      t.app.get(RequestContext).runInTenant(tenant.tenant.id, 'test:find', () => t.app.get(FindActivePartner).execute(id));

    it('finds a live partner of the tenant in context, whatever its status, and nothing else', async () => {
      const suspended = await aPartner().named('Paused').withStatus('suspended').in(t, acme);
      expect(await find(acme, north.id)).toEqual({ id: north.id, status: 'active' });
      expect(await find(acme, suspended.id)).toEqual({ id: suspended.id, status: 'suspended' });
      expect(await find(acme, othersPartner.id)).toBeUndefined();
      expect(await find(acme, UNKNOWN_ID)).toBeUndefined();
      expect(await find(acme, 'garbage')).toBeUndefined();

      const doomed = await aPartner().named('Gone').in(t, acme);
      expect((await call('DELETE', `/v1/partners/${doomed.id}`, adminToken)).status).toBe(204);
      expect(await find(acme, doomed.id)).toBeUndefined();
    });
  });
});
