import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { AuditRelay } from '#src/kernel/audit/audit-relay';
import { AuditWriter } from '#src/kernel/audit/audit-writer';
import { RequestContext } from '#src/kernel/context/request-context';
import { ROUTE_TABLE, RouteTableRef } from '#src/kernel/errors/problem-details.filter';
import { aTenant, TenantFixture } from '../factories/tenants';
import { startTestApp, TestApp } from '../utils/test-app';

// Hostile input (issue 7): bodies, query strings, path ids and text that try to break the API.
// Every refusal is a 4xx problem+json; nothing reaches the database as an operator; nothing changes.

const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';

describe('hostile input', () => {
  let t: TestApp;
  let a: TenantFixture;
  let token: string;
  let partnerId: string;
  let leadId: string;
  let opportunityId: string;

  beforeAll(async () => {
    t = await startTestApp({ label: 'hostile-input' });
    a = await aTenant(t, { name: 'Hostile A' });
    token = await a.adminToken();
    partnerId = ((await send('POST', '/v1/partners', { name: 'Acme Channel', domain: 'acme-channel.example' })).body as { id: string }).id;
    leadId = (
      (
        await send('POST', '/v1/leads', {
          partnerId,
          companyName: 'Globex',
          companyDomain: 'globex.example',
          contact: { name: 'Pat', email: 'pat@globex.example' },
          valueMinor: 100,
          currency: 'EUR',
        })
      ).body as { id: string }
    ).id;
    opportunityId = ((await send('POST', '/v1/opportunities', { partnerId, name: 'Big Deal', amountMinor: 100, currency: 'EUR' })).body as { id: string }).id;
    for (const id of [partnerId, leadId, opportunityId]) expect(id).toMatch(/^[0-9a-f]{24}$/);
  });
  afterAll(() => t.close());

  async function raw(method: string, path: string, body?: string, headers: Record<string, string> = {}) {
    const init: RequestInit = { method, headers: { authorization: `Bearer ${token}`, ...headers } };
    if (body !== undefined) {
      init.body = body;
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${t.baseUrl}${path}`, init);
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    const parsed: unknown = /json/.test(type) && text ? JSON.parse(text) : text;
    return { status: res.status, type, body: parsed as Record<string, unknown> };
  }

  function send(method: string, path: string, body?: unknown) {
    return raw(method, path, body === undefined ? undefined : JSON.stringify(body));
  }

  function expectProblem(r: { status: number; type: string; body: Record<string, unknown> }, status: number, code?: string): void {
    expect({ status: r.status, type: r.type }).toEqual({ status, type: PROBLEM_TYPE });
    if (code) expect(r.body.code).toBe(code);
    expect(JSON.stringify(r.body)).not.toMatch(/\bat .+\.(js|ts):\d+/);
  }

  /** Every stored row of the tenant, as stored, after the audit trail has settled. */
  async function snapshot(): Promise<string> {
    await t.app.get(AuditWriter).flush();
    await t.app.get(AuditRelay).settled();
    const connection = t.app.get<Connection>(getConnectionToken());
    const rows: unknown[] = [];
    for (const model of Object.values(connection.models)) {
      if (!model.schema.path('tenantId') || /audit|idempotency|outbox/i.test(model.modelName)) continue;
      const docs = await connection.db!.collection(model.collection.collectionName).find({ tenantId: a.tenant.id }).sort({ _id: 1 }).toArray();
      rows.push([model.modelName, docs]);
    }
    return JSON.stringify(rows);
  }

  function routeTable(): { path: string; methods: readonly string[] }[] {
    const table = t.app.get<RouteTableRef>(ROUTE_TABLE).current;
    if (!table) throw new Error('route table not built');
    return table.list().filter((r) => r.path.startsWith('/v1/'));
  }

  describe('bodies', () => {
    it('refuses a body that is not JSON with 415', async () => {
      expectProblem(await raw('POST', '/v1/partners', 'name=x', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type');
      expectProblem(await raw('POST', '/v1/partners', '<a/>', { 'content-type': 'text/xml' }), 415, 'unsupported_media_type');
      expectProblem(await raw('POST', '/v1/partners', '{"name":"x"}', { 'content-type': 'text/plain' }), 415, 'unsupported_media_type');
    });

    it('refuses a body over 100 kB with 413', async () => {
      expectProblem(await send('POST', '/v1/partners', { name: 'x', region: 'r'.repeat(110_000) }), 413, 'payload_too_large');
    });

    it.each(['[]', '[{"name":"x"}]', '"x"', '1', 'null', 'true'])('refuses a top-level %s with 400', async (body) => {
      expectProblem(await raw('POST', '/v1/partners', body), 400);
      expectProblem(await raw('PATCH', `/v1/partners/${partnerId}`, body), 400);
    });

    it('refuses nesting deeper than 20 levels, and deep nesting near the size limit, with 400 (never a stack overflow)', async () => {
      const nest = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
      const r = await raw('POST', '/v1/partners', `{"name":"x","primaryContact":${nest(21)}}`);
      expectProblem(r, 400, 'validation_failed');
      expect(JSON.stringify(r.body)).toMatch(/nest/i);
      expectProblem(await raw('POST', '/v1/partners', '['.repeat(49_000) + ']'.repeat(49_000)), 400);
      expectProblem(await raw('POST', '/v1/partners', `{"name":${'['.repeat(40_000)}${']'.repeat(40_000)}}`), 400);
    });

    it('bounds depth before anything walks the body (an idempotent request hashes it)', async () => {
      const deep = `{"name":${'['.repeat(40_000)}${']'.repeat(40_000)}}`;
      expectProblem(await raw('POST', '/v1/partners', deep, { 'idempotency-key': 'deep-1' }), 400, 'validation_failed');
    });

    it('leaves an unknown route a 404 whatever its body holds (existence is not leaked by body checks)', async () => {
      expectProblem(await raw('POST', '/v1/no-such-route', '[{"$where":"1","__proto__":{}}]'), 404, 'route_not_found');
    });

    it('refuses an array longer than the per-array maximum with 400', async () => {
      const r = await send('PUT', '/v1/roles/Staff', { grants: Array.from({ length: 5000 }, () => 'leads:read') });
      expectProblem(r, 400, 'validation_failed');
      expectProblem(await send('POST', '/v1/partners', { name: 'x', tags: Array.from({ length: 5000 }, () => 1) }), 400, 'validation_failed');
    });

    it.each([
      ['a $-key', '{"name":"x","$where":"1"}', '/$where'],
      ['a nested $-key', '{"name":"x","primaryContact":{"name":{"$ne":null}}}', '/primaryContact/name/$ne'],
      ['a $-key inside an array', '{"name":"x","z":[{"$gt":""}]}', '/z/0/$gt'],
      ['a dotted key', '{"name":"x","primaryContact.name":"y"}', '/primaryContact.name'],
      ['a nested dotted key', '{"name":"x","primaryContact":{"a.b":1}}', '/primaryContact/a.b'],
      ['an own __proto__ key', '{"name":"x","__proto__":{"polluted":true}}', '/__proto__'],
      ['a nested __proto__ key', '{"name":"x","primaryContact":{"__proto__":{"polluted":true}}}', '/primaryContact/__proto__'],
      ['a constructor key', '{"name":"x","constructor":{"prototype":{"polluted":true}}}', '/constructor'],
      ['a prototype key', '{"name":"x","primaryContact":{"prototype":{}}}', '/primaryContact/prototype'],
    ])('refuses %s anywhere in a body with 400 and names it', async (_label, body, pointer) => {
      const before = await snapshot();
      const r = await raw('POST', '/v1/partners', body);
      expectProblem(r, 400, 'validation_failed');
      expect((r.body.errors as { field: string }[]).map((e) => e.field)).toContain(pointer);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(await snapshot()).toBe(before);
    });
  });

  describe('operator injection (OWASP NoSQL injection, prototype pollution, mass assignment)', () => {
    const bodies: [string, unknown][] = [
      ['operator for a string', { name: { $ne: null } }],
      ['$gt on a name', { name: { $gt: '' } }],
      ['$regex on a name', { name: { $regex: '.*' } }],
      ['$where', { name: 'x', $where: 'sleep(1000)' }],
      ['array for a string', { name: ['a', 'b'] }],
      ['tenantId', { name: 'x', tenantId: '000000000000000000000000' }],
      ['_id', { name: 'x', _id: '000000000000000000000000' }],
      ['id', { name: 'x', id: '000000000000000000000000' }],
      ['revision', { name: 'x', revision: 99 }],
      ['createdAt', { name: 'x', createdAt: '2000-01-01T00:00:00Z' }],
      ['updatedAt', { name: 'x', updatedAt: '2000-01-01T00:00:00Z' }],
      ['deletedAt', { name: 'x', deletedAt: '2000-01-01T00:00:00Z' }],
      ['__v', { name: 'x', __v: 7 }],
    ];

    it.each(bodies)('refuses %s in create and update bodies with 400, changing nothing', async (_label, body) => {
      const before = await snapshot();
      expectProblem(await send('POST', '/v1/partners', body), 400, 'validation_failed');
      expectProblem(await send('PATCH', `/v1/partners/${partnerId}`, body), 400, 'validation_failed');
      expectProblem(await send('PATCH', `/v1/leads/${leadId}`, { ...(body as object), name: undefined, companyName: (body as { name: unknown }).name }), 400);
      expectProblem(await send('PATCH', `/v1/opportunities/${opportunityId}`, body), 400, 'validation_failed');
      expect(await snapshot()).toBe(before);
    });

    // Under the 'simple' query parser `a[b]=c` is a parameter named `a[b]`: unknown, so refused. A
    // list's DTO refuses unknown names as validation_failed, other routes as unknown_query_parameter.
    it.each([
      ['leads', 'POST', { status: 'approved' }],
      ['leads', 'PATCH', { status: 'approved' }],
      ['leads', 'PATCH', { statusHistory: [] }],
      ['leads', 'PATCH', { conflictsWith: ['ffffffffffffffffffffffff'] }],
      ['leads', 'PATCH', { registrationKeys: [] }],
      ['leads', 'PATCH', { approvedAt: '2000-01-01T00:00:00Z' }],
      ['leads', 'PATCH', { convertedOpportunityId: 'ffffffffffffffffffffffff' }],
      ['leads', 'PATCH', { companyNameKey: 'a' }],
      ['leads', 'PATCH', { commissionBasisPoints: 10_000 }],
      ['leads', 'PATCH', { partnerId: 'ffffffffffffffffffffffff' }],
      ['opportunities', 'PATCH', { stageHistory: [] }],
      ['opportunities', 'PATCH', { leadId: 'ffffffffffffffffffffffff' }],
      ['opportunities', 'PATCH', { leadKey: 'lead:x' }],
      ['opportunities', 'PATCH', { nameKey: 'a' }],
      ['opportunities', 'PATCH', { expectedCloseKey: 'a' }],
      ['opportunities', 'PATCH', { partnerId: 'ffffffffffffffffffffffff' }],
      ['partners', 'PATCH', { nameKey: 'a' }],
    ])('refuses the server-owned field of %s in a %s body (%j) with 400, changing nothing', async (resource, method, extra) => {
      const before = await snapshot();
      const path = method === 'POST' ? `/v1/${resource}` : `/v1/${resource}/${{ partners: partnerId, leads: leadId, opportunities: opportunityId }[resource]}`;
      const body =
        method === 'POST'
          ? { partnerId, companyName: 'Mass', companyDomain: 'mass-assign.example', contact: { name: 'M', email: 'm@mass-assign.example' }, valueMinor: 1, currency: 'EUR', ...extra }
          : extra;
      expectProblem(await send(method, path, body), 400, 'validation_failed');
      expect(await snapshot()).toBe(before);
    });

    // OWASP NoSQL injection strings are only text: stored and read back exactly, matched literally.
    it.each([`'; return true; var x='`, `' || 1==1//`, `{"$gt": ""}`, `true, $where: '1 == 1'`, `db.dropDatabase()`, `<script>alert(1)</script>`, String.raw`text \u0000`])(
      'stores the injection string %j as literal text, harmlessly',
      async (text) => {
        const created = await send('POST', '/v1/partners', { name: text, region: text });
        expect(created.status).toBe(201);
        expect(created.body).toMatchObject({ name: text, region: text });
        const listed = await raw('GET', `/v1/partners?q=${encodeURIComponent(text)}`);
        expect(listed.status).toBe(200);
        expect((listed.body.data as { id: string }[]).map((p) => p.id)).toContain(created.body.id);
        expect((listed.body.data as { name: string }[]).every((p) => p.name.toLowerCase().startsWith(text.toLowerCase()))).toBe(true);
      },
    );

    it.each([
      ['/v1/partners?status[$ne]=x', 'validation_failed'],
      ['/v1/partners?status[]=active', 'validation_failed'],
      ['/v1/partners?status=active&status=prospect', 'validation_failed'],
      ['/v1/partners?q[$regex]=.*', 'validation_failed'],
      ['/v1/partners?q=a&q=b', 'validation_failed'],
      ['/v1/leads?partnerId[$ne]=x', 'validation_failed'],
      ['/v1/leads?partnerId=a&partnerId=b', 'validation_failed'],
      ['/v1/leads?ownerId=a&ownerId=b', 'validation_failed'],
      ['/v1/leads?sort=-companyName&sort=status', 'validation_failed'],
      ['/v1/leads?limit=1&limit=2', 'validation_failed'],
      ['/v1/opportunities?minAmount=1&minAmount=2', undefined],
      ['/v1/opportunities?createdFrom[$gt]=2000-01-01', 'validation_failed'],
      ['/v1/audit-events?actorId[$ne]=x', 'validation_failed'],
      ['/v1/audit-events?actorId=a&actorId=b', 'validation_failed'],
      ['/v1/members?tenantId=x', 'validation_failed'],
      ['/v1/partners?__proto__[x]=1', 'validation_failed'],
      ['/v1/me?x[$ne]=1', 'unknown_query_parameter'],
      ['/v1/tenant/settings?__proto__=1', 'unknown_query_parameter'],
      ['/v1/partners?constructor=1', 'unknown_query_parameter'],
      ['/v1/partners?__proto__=1', 'unknown_query_parameter'],
      ['/v1/leads?prototype=1', 'unknown_query_parameter'],
      ['/v1/leads/export?constructor=x', 'unknown_query_parameter'],
    ])('refuses the query string %s with 400 (never an operator, never silently a string)', async (path, code) => {
      expectProblem(await raw('GET', path), 400, code);
    });

    it.each([
      ['/v1/partners?sort=name', 'validation_failed'],
      ['/v1/leads?sort=tenantId', 'validation_failed'],
      ['/v1/leads?sort=-internalNotes', 'validation_failed'],
      ['/v1/leads?sort=%24natural', 'validation_failed'],
      ['/v1/opportunities?sort=_id', 'validation_failed'],
      ['/v1/opportunities?sort=name,amountMinor', 'validation_failed'],
      ['/v1/leads?status=anything', 'validation_failed'],
      ['/v1/opportunities?stage=%7B%22%24ne%22%3A1%7D', 'validation_failed'],
    ])('whitelists sort and filter fields: %s is 400', async (path, code) => {
      expectProblem(await raw('GET', path), 400, code);
    });
  });

  describe('the database connection sanitizes filters', () => {
    it('compares an operator object that reached a filter as a value, instead of running it', async () => {
      const connection = t.app.get<Connection>(getConnectionToken());
      const Partner = Object.values(connection.models).find((m) => m.schema.path('name') && m.schema.path('website'))!;
      const hostile = JSON.parse('{"$ne":"nobody"}') as unknown;
      const all = await connection.db!.collection(Partner.collection.collectionName).countDocuments({ tenantId: a.tenant.id });
      expect(all).toBeGreaterThan(0);
      // Unsanitized, {$ne: 'nobody'} would match every partner; sanitized it is an $eq operand,
      // which a string path cannot even cast: the query fails rather than match anything.
      const inTenant = <T>(fn: () => Promise<T>) => t.app.get(RequestContext).runInTenant(a.tenant.id, 'test:probe', fn);
      await expect(inTenant(() => Partner.find({ name: hostile }).lean().exec())).rejects.toThrow(/Cast to string failed/);
      expect(await inTenant(() => Partner.find({ name: { $eq: 'Acme Channel' } }).lean().exec())).toHaveLength(1);
      await expect(inTenant(() => Partner.find({ $where: 'true' } as never).lean().exec())).rejects.toThrow(/not allowed/);
    });
  });

  describe('cursors and headers', () => {
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
    const ID = 'ffffffffffffffffffffffff';

    it.each([
      ['/v1/partners', { after: { $gt: '' } }],
      ['/v1/partners', { after: ['a'] }],
      ['/v1/partners', { after: '../x' }],
      ['/v1/members', { after: { $ne: null } }],
      ['/v1/leads', { s: '-createdAt', v: { $gt: 0 }, i: ID }],
      ['/v1/leads', { s: '-createdAt', v: Number.MAX_SAFE_INTEGER, i: ID }],
      ['/v1/leads', { s: '-createdAt', v: -Number.MAX_SAFE_INTEGER, i: ID }],
      ['/v1/leads', { s: '-createdAt', v: 1, i: { $ne: null } }],
      ['/v1/leads?sort=companyName', { s: 'companyName', v: { $regex: '.*' }, i: ID }],
      ['/v1/opportunities', { s: '-createdAt', v: '2026-01-01', i: ID }],
      ['/v1/audit-events', { before: { $gt: 0 } }],
      ['/v1/audit-events', { s: 1e308 }],
    ])('refuses a forged cursor on %s (%j) with 400', async (path, cursor) => {
      const r = await raw('GET', `${path}${path.includes('?') ? '&' : '?'}cursor=${b64(cursor)}`);
      expectProblem(r, 400, 'validation_failed');
    });

    it.each([
      ['garbage', 'garbage'],
      ['a list with an operator', '"1" , {"$ne":1}'],
      ['a huge revision', '"99999999999999999999"'],
      ['a negative revision', '"-1"'],
      ['an exponent', '"1e3"'],
      ['5000 digits', `"${'9'.repeat(5000)}"`],
      ['a Latin-1 byte', '\u00ff'],
    ])('answers a hostile If-Match (%s) with 412 or 400, never 5xx, and changes nothing', async (_label, ifMatch) => {
      const before = await snapshot();
      const r = await raw('PATCH', `/v1/partners/${partnerId}`, '{"region":"X"}', { 'if-match': ifMatch });
      expect([400, 412]).toContain(r.status);
      expect(r.type).toBe(PROBLEM_TYPE);
      expect(await snapshot()).toBe(before);
    });
  });

  describe('search is a literal prefix', () => {
    beforeAll(async () => {
      for (const name of ['a.b Literal', 'axb Other', '(a+)+$ Parens', '[bracket', 'Ünïcode Straße', 'café Composed', 'Zeta 😀 Emoji']) {
        const r = await send('POST', '/v1/partners', { name });
        expect(r.status).toBe(201);
      }
    });

    async function names(q: string): Promise<string[]> {
      const r = await raw('GET', `/v1/partners?q=${encodeURIComponent(q)}`);
      expect(r.status).toBe(200);
      return (r.body.data as { name: string }[]).map((p) => p.name).sort();
    }

    it('matches metacharacters literally', async () => {
      expect(await names('.*')).toEqual([]);
      expect(await names('a.b')).toEqual(['a.b Literal']);
      expect(await names('(a+)+$')).toEqual(['(a+)+$ Parens']);
      expect(await names('[')).toEqual(['[bracket']);
      expect(await names('\\')).toEqual([]);
      expect(await names('^')).toEqual([]);
    });

    it('answers a catastrophic-backtracking pattern quickly, as plain text', async () => {
      const started = Date.now();
      expect(await names(`${'a'.repeat(60)}(a+)+$`)).toEqual([]);
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('compares Unicode in NFC, case-insensitively', async () => {
      expect(await names('u\u0308n')).toEqual(['Ünïcode Straße']); // decomposed Ü
      expect(await names('cafe\u0301')).toEqual(['café Composed']);
      expect(await names('zeta 😀')).toEqual(['Zeta 😀 Emoji']);
    });

    it('refuses control characters in q', async () => {
      expectProblem(await raw('GET', `/v1/partners?q=${encodeURIComponent('a\u0000')}`), 400, 'validation_failed');
    });
  });

  describe('ids in paths', () => {
    const HOSTILE_IDS = [
      '..%2F..%2Fpartners',
      '%2E%2E',
      encodeURIComponent('{"$ne":1}'),
      '%5Bobject%20Object%5D',
      'zzzzzzzzzzzzzzzzzzzzzzzz',
      'FFFFFFFFFFFFFFFFFFFFFFFF',
      'aaaaaaaaaaaa',
      'f'.repeat(25),
      'f'.repeat(5000),
      encodeURIComponent('ÿ'.repeat(12)),
      encodeURIComponent('😀'.repeat(6)),
      '%00',
      '1%20OR%201%3D1',
      'null',
      'undefined',
      '__proto__',
      'constructor',
      '0',
      '-1',
      `${'ffffffffffffffffffffffff'}:1`,
    ];

    it('answers every :id route with 404 for every hostile id, never 5xx, and changes nothing', async () => {
      const routes = routeTable()
        .filter((r) => /\/:[A-Za-z]+(\/|$)/.test(r.path) && !r.path.includes(':role'))
        .flatMap((r) => r.methods.filter((m) => m !== 'HEAD').map((method) => ({ path: r.path, method })));
      expect(routes.length).toBeGreaterThan(10);
      const before = await snapshot();
      const failures: string[] = [];
      for (const { path, method } of routes) {
        for (const id of HOSTILE_IDS) {
          const body = ['POST', 'PUT', 'PATCH'].includes(method) ? (/\/(reject|return)$/.test(path) ? '{"reason":"probe"}' : '{}') : undefined;
          const r = await raw(method, path.replace(/:[A-Za-z]+/g, id), body);
          if (r.status !== 404 || r.type !== PROBLEM_TYPE) failures.push(`${method} ${path} id=${id.slice(0, 40)} → ${r.status} ${String(r.body.code)}`);
        }
      }
      expect(failures).toEqual([]);
      expect(await snapshot()).toBe(before);
    });

    it('answers the upper-case or 12-character spelling of an existing id with 404: an id is its 24 lower-case hex digits', async () => {
      const existing: Record<string, string> = { members: a.admin.id, partners: partnerId, leads: leadId, opportunities: opportunityId };
      for (const [resource, id] of Object.entries(existing)) {
        expect((await raw('GET', `/v1/${resource}/${id}`)).status).toBe(200);
        expectProblem(await raw('GET', `/v1/${resource}/${id.toUpperCase()}`), 404, 'not_found');
        expectProblem(await raw('GET', `/v1/${resource}/${encodeURIComponent(Buffer.from(id, 'hex').toString('latin1'))}`), 404, 'not_found');
      }
    });

    it('answers an id that is not valid percent-encoding with 400, on every :id route', async () => {
      for (const path of ['/v1/partners/%E0%A4%A', '/v1/leads/%E0%A4%A/approve', '/v1/audit-events/%ZZ']) {
        expectProblem(await raw(path.endsWith('approve') ? 'POST' : 'GET', path, path.endsWith('approve') ? '{}' : undefined), 400);
      }
    });

    it('answers a hostile role name with 404', async () => {
      for (const role of ['admin%2F..', encodeURIComponent('{"$ne":1}'), '__proto__', 'constructor', 'x'.repeat(5000)]) {
        expectProblem(await raw('GET', `/v1/roles/${role}`), 404);
      }
    });
  });

  describe('Unicode text', () => {
    async function createName(name: string) {
      return send('POST', '/v1/partners', { name });
    }

    it('refuses unpaired surrogates anywhere in a body with 400, never 500 (isEmail threw on them: found by the fuzzer)', async () => {
      const before = await snapshot();
      for (const [path, body] of [
        ['/v1/members', '{"sub":"auth0|surrogate-1","role":"Staff","email":"\\ud800"}'],
        ['/v1/members', '{"sub":"auth0|surrogate-2","role":"Staff","email":"a\\ud800@x.example"}'],
        ['/v1/members', '{"sub":"auth0|surrogate\\udfff","role":"Staff"}'],
        ['/v1/partners', '{"name":"Lone \\ud800 Surrogate"}'],
      ] as const) {
        const reply = await raw('POST', path, body);
        expectProblem(reply, 400, 'validation_failed');
        expect(JSON.stringify(reply.body)).toContain('unpaired surrogate');
      }
      expect(await snapshot()).toBe(before);
      // A paired surrogate is a character like any other.
      expect((await createName('Smile \ud83d\ude00 Ltd')).status).toBe(201);
    });

    it('stores names in NFC', async () => {
      const r = await createName('Re\u0301sume\u0301 GmbH');
      expect(r.status).toBe(201);
      expect(r.body.name).toBe('Résumé GmbH');
    });

    it('counts length in code points: a 1-code-point emoji counts 1, combining marks count each', async () => {
      const max = 200;
      const probe = await createName('x'.repeat(max + 1));
      expectProblem(probe, 400, 'validation_failed');
      expect((await createName('x'.repeat(max))).status).toBe(201);
      const emoji = await createName('😀'.repeat(max));
      expect(emoji.status).toBe(201); // 400 UTF-16 units, 200 code points
      expectProblem(await createName('😀'.repeat(max + 1)), 400, 'validation_failed');
      // Variation selectors and other marks are code points too: they cannot pad a name past its bound.
      expectProblem(await createName(`a${'\uFE0F'.repeat(max)}`), 400, 'validation_failed');
      expectProblem(await createName(`x${'\u0301'.repeat(max)}`), 400, 'validation_failed'); // x + U+0301 has no composed form
      // Measured as sent (the documented maxLength), before NFC composes a + U+0301 into one.
      expectProblem(await createName(`a${'\u0301'.repeat(max)}`), 400, 'validation_failed');
      expect((await createName(`a${'\u0301'.repeat(max - 1)}`)).status).toBe(201);
    });

    it.each([
      ['NUL', 'a\u0000b'],
      ['a C0 control', 'a\u001Bb'],
      ['DEL', 'a\u007Fb'],
      ['a C1 control', 'a\u0085b'],
      ['a line break', 'a\nb'],
      ['a tab', 'a\tb'],
      ['right-to-left override', 'evil\u202Egnp.exe'],
      ['left-to-right embedding', 'a\u202Ab'],
      ['pop directional formatting', 'a\u202Cb'],
      ['right-to-left isolate', 'a\u2067b'],
      ['pop directional isolate', 'a\u2069b'],
      ['zero-width space', 'a\u200Bb'],
      ['byte-order mark', 'a\uFEFFb'],
      ['a lone surrogate', 'a\uD800b'],
    ])('refuses %s in a one-line name', async (_label, name) => {
      expectProblem(await createName(name), 400, 'validation_failed');
    });

    it('keeps zero-width joiners inside emoji sequences and accepts ordinary scripts', async () => {
      for (const name of ['👩‍💻 Devs', 'שלום Partners', 'مرحبا', '日本語の会社', 'Ørsted A/S']) {
        const r = await createName(name);
        expect({ name, status: r.status }).toEqual({ name, status: 201 });
      }
    });

    it('allows line breaks and tabs in multi-line notes, but not bidi overrides or other controls', async () => {
      expect((await send('PATCH', `/v1/leads/${leadId}`, { notes: 'line 1\nline 2\tend' })).status).toBe(200);
      expectProblem(await send('PATCH', `/v1/leads/${leadId}`, { notes: 'a\u202Eb' }), 400, 'validation_failed');
      expectProblem(await send('PATCH', `/v1/leads/${leadId}`, { notes: 'a\u0007b' }), 400, 'validation_failed');
    });
  });
});
