import fc from 'fast-check';
import { ROUTE_TABLE, RouteTableRef } from '#src/kernel/errors/problem-details.filter';
import { aTenant } from '../factories/tenants';
import { startTestApp, TestApp } from '../utils/test-app';

// Property-based fuzzing over real HTTP (issue 7, hostile input): arbitrary JSON bodies on every
// mutating route of partners, leads and opportunities, and arbitrary query strings on every list
// route. Whatever arrives, the answer is never a 5xx, and every 4xx is problem+json.
// Runs are bounded (FUZZ_RUNS, default 150 per property) and seeded: FC_SEED (and FC_PATH, as
// fast-check prints them on failure) replays a failing run exactly; without FC_SEED each run
// explores new inputs. FUZZ_SLOW_MS=n prints every request slower than n ms.

const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';
const NUM_RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const SEED = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
const PATH = process.env.FC_PATH;
// A request that hangs is a failure too (the shrunk case is reported), not a jest timeout.
const REQUEST_TIMEOUT_MS = 10_000;

const FIELD_NAMES = [
  'name', 'website', 'domain', 'tier', 'status', 'region', 'primaryContact', 'ownerId', 'partnerId',
  'companyName', 'companyDomain', 'contact', 'email', 'phone', 'title', 'valueMinor', 'currency',
  'expectedCloseDate', 'source', 'notes', 'internalNotes', 'commissionPercent', 'reason', 'amountMinor',
  'stage', 'closeReason', 'leadId', 'probability',
  // hostile and server-owned names
  'tenantId', '_id', 'id', 'revision', 'createdAt', 'updatedAt', 'deletedAt', '__v', '__proto__', 'constructor',
  'prototype', '$where', '$ne', '$gt', 'a.b', 'contact.email', '', ' ',
];

// Text that tends to break things: operators as text, patterns, Unicode edge cases.
const nastyString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom(
    '$ne', '{"$gt":""}', '.*', '(a+)+$', '[', '\\', '%00', '\u0000', '\u202Eevil', '\uD800', '\uFEFF', 'e\u0301',
    '😀'.repeat(150), 'a'.repeat(300), 'x\uFE0F'.repeat(120), '0'.repeat(24), 'ffffffffffffffffffffffff',
    'acme.example', 'xn--bcher-kva.example', '😀.example', 'https://acme.example', 'javascript:alert(1)', 'EUR',
    '2026-02-30', '2026-09-30', 'auth0|x', 'null', 'true', '-1', '1e309', '__proto__',
  ),
);

// Text right at the bounds, in units that count differently: astral emoji (2 UTF-16 units),
// decomposed letters (NFC shrinks them), variation selectors, plain ASCII.
const boundaryText = fc
  .tuple(fc.constantFrom(64, 120, 200, 201, 256, 4000), fc.constantFrom('😀', 'e\u0301', 'é', 'a\uFE0F', 'a', 'İ', 'ß'), fc.constantFrom('', '', '.example', '@x.example'))
  .map(([n, unit, suffix]) => Array.from({ length: n }, () => unit).join('') + suffix);

const leaf: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 2, arbitrary: nastyString },
  { weight: 3, arbitrary: boundaryText },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 1e21, Number.MAX_SAFE_INTEGER, 2 ** 53 + 1, 1.005, 100.001, null, true, false) },
);

const fieldName = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...FIELD_NAMES) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) });

/** A JSON text, written by hand so keys such as `__proto__` stay own keys, exactly as a client could send them. */
const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string; object: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf.map((v) => JSON.stringify(v) ?? 'null'),
    fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
    tie('object'),
  ),
  object: fc
    .array(fc.tuple(fieldName, tie('value')), { maxLength: 6 })
    .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
})).object;

/**
 * A valid body for the route (made unique by a salt, so creates do not just conflict with each
 * other) with some of its fields replaced by hostile values, rarely one removed or one added:
 * reaches the database far more often than noise does.
 */
function nearValid(base: (salt: number) => Record<string, unknown>): fc.Arbitrary<string> {
  const keys = Object.keys(base(0));
  return fc
    .tuple(
      fc.nat(),
      fc.oneof({ weight: 3, arbitrary: fc.subarray(keys, { minLength: 1, maxLength: 1 }) }, { weight: 1, arbitrary: fc.subarray(keys, { minLength: Math.min(2, keys.length), maxLength: Math.min(2, keys.length) }) }),
      fc.array(leaf, { minLength: 2, maxLength: 2 }),
      // Mostly nothing dropped or added, so most bodies stay valid enough to reach the database.
      fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(...keys) }),
      fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.tuple(fieldName, leaf) }),
    )
    .map(([salt, replaced, values, dropped, added]) => {
      const body = base(salt);
      replaced.forEach((key, i) => (body[key] = values[i]));
      if (dropped !== null) delete body[dropped];
      if (added !== null) body[added[0]] = added[1];
      return JSON.stringify(body);
    });
}

describe('hostile input, fuzzed', () => {
  let t: TestApp;
  let token: string;
  const ids: Record<string, string> = {};
  let validBodies: Record<string, (salt: number) => Record<string, unknown>>;

  beforeAll(async () => {
    t = await startTestApp({ label: 'hostile-fuzz' });
    const a = await aTenant(t, { name: 'Fuzz' });
    token = await a.adminToken();
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${t.baseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status).toBe(201);
      return ((await res.json()) as { id: string }).id;
    };
    ids.partners = await post('/v1/partners', { name: 'Fuzz Channel', domain: 'fuzz-channel.example' });
    validBodies = {
      partners: (salt) => ({
        name: 'Acme',
        website: 'https://acme.example',
        domain: `acme-${salt}.example`,
        region: 'EMEA',
        primaryContact: { name: 'Ana', email: 'ana@acme.example' },
      }),
      leads: (salt) => ({
        partnerId: ids.partners,
        companyName: 'Globex',
        companyDomain: `globex-${salt}.example`,
        contact: { name: 'Pat', email: `pat@globex-${salt}.example`, title: 'CTO' },
        valueMinor: 100,
        currency: 'EUR',
        notes: 'n',
      }),
      opportunities: () => ({ partnerId: ids.partners, name: 'Deal', amountMinor: 100, currency: 'EUR' }),
    };
    ids.leads = await post('/v1/leads', validBodies.leads(-1));
    ids.opportunities = await post('/v1/opportunities', validBodies.opportunities(-1));
    ids.member = await post('/v1/members', { sub: 'auth0|fuzz-staff', role: 'Staff' });
  });
  afterAll(() => t.close());

  function routes(filter: (path: string, method: string) => boolean): { path: string; method: string }[] {
    const table = t.app.get<RouteTableRef>(ROUTE_TABLE).current!;
    return table
      .list()
      .flatMap((r) => r.methods.map((method) => ({ path: r.path, method })))
      .filter(({ path, method }) => filter(path, method));
  }

  async function expectSane(method: string, url: string, body?: string): Promise<void> {
    const started = Date.now();
    const res = await fetch(url, {
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body,
    });
    const text = await res.text();
    const where = `${method} ${url} ${body ?? ''}`.slice(0, 500);
    if (process.env.FUZZ_SLOW_MS && Date.now() - started > Number(process.env.FUZZ_SLOW_MS)) process.stderr.write(`slow ${Date.now() - started} ms: ${where}\n`);
    if (res.status >= 500) throw new Error(`${res.status} for ${where}: ${text.slice(0, 300)}`);
    if (res.status >= 400) {
      if (res.headers.get('content-type') !== PROBLEM_TYPE) throw new Error(`${res.status} without problem+json for ${where}`);
      const problem = JSON.parse(text) as { status?: unknown; code?: unknown };
      if (problem.status !== res.status || typeof problem.code !== 'string') throw new Error(`malformed problem for ${where}: ${text.slice(0, 300)}`);
    }
  }

  const params = { numRuns: NUM_RUNS, seed: SEED, path: PATH, endOnFailure: true };

  describe.each(['partners', 'leads', 'opportunities'])('every mutating route of %s', (resource) => {
    it('answers any JSON body without a 5xx, and every 4xx as problem+json', async () => {
      const mutating = routes((path, method) => ['POST', 'PATCH', 'PUT'].includes(method) && path.startsWith(`/v1/${resource}`));
      expect(mutating.length).toBeGreaterThan(0);
      const route = fc.constantFrom(...mutating);
      const body = fc.oneof(
        { weight: 1, arbitrary: jsonText },
        { weight: 4, arbitrary: nearValid(validBodies[resource]) },
        { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
      );
      await fc.assert(
        fc.asyncProperty(route, body, async ({ path, method }, text) => {
          await expectSane(method, `${t.baseUrl}${path.replace(/:id/g, ids[resource])}`, text);
        }),
        params,
      );
    });
  });

  it('answers any JSON body on the members, roles and tenant settings routes without a 5xx, and every 4xx as problem+json', async () => {
    const mutating = routes((path, method) => ['POST', 'PATCH', 'PUT'].includes(method) && /^\/v1\/(members|roles|tenant)\b/.test(path));
    expect(mutating.length).toBeGreaterThanOrEqual(4);
    const base: Record<string, (salt: number) => Record<string, unknown>> = {
      members: (salt) => ({ sub: `auth0|fuzz-${salt}`, role: 'Staff', email: `fuzz-${salt}@fuzz.example` }),
      roles: () => ({ grants: ['leads:read', 'partners:read'] }),
      tenant: () => ({ requireMfaForAdminActions: false, registrationProtectionDays: 90 }),
    };
    const request = fc
      .constantFrom(...mutating)
      .chain((route) => fc.tuple(fc.constant(route), fc.oneof({ weight: 1, arbitrary: jsonText }, { weight: 3, arbitrary: nearValid(base[route.path.split('/')[2]]) })));
    await fc.assert(
      fc.asyncProperty(request, async ([{ path, method }, text]) => {
        // A Staff member of its own (never the only Admin), and a role whose grants may change.
        await expectSane(method, `${t.baseUrl}${path.replace(':id', ids.member).replace(':role', 'Agent')}`, text);
      }),
      params,
    );
  });

  it('answers any query string on every list route without a 5xx, and every 4xx as problem+json', async () => {
    const lists = routes((path, method) => method === 'GET' && path.startsWith('/v1/') && !path.includes('/:'));
    expect(lists.length).toBeGreaterThan(5);
    const names = [
      'limit', 'cursor', 'sort', 'q', 'status', 'stage', 'tier', 'partnerId', 'ownerId', 'createdFrom', 'createdTo', 'updatedFrom',
      'minValue', 'maxValue', 'minAmount', 'maxAmount', 'format', 'from', 'to', 'actorId', 'action', 'targetType', 'targetId', 'result',
      'ip', 'allowConflict', 'tenantId', '__proto__', 'constructor', '$where',
    ];
    const key = fc.tuple(
      fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) }),
      fc.constantFrom('', '', '', '[]', '[$ne]', '[$gt]', '[0]', '.x'),
    );
    const value = fc.oneof(nastyString, fc.integer().map(String), fc.constantFrom('-createdAt', 'companyName', 'eyJhZnRlciI6IngifQ', 'open', 'csv', 'ndjson', '2026-01-01'));
    // Raw bytes no encoder would produce: bad escapes, an encoded surrogate, invalid UTF-8.
    const raw = fc.constantFrom('%', '%zz', '&&', '=', '==', '&=&', 'a=%E0%A4%A', '%5B%5D=1', 'q=%00', 'q=%ED%A0%80', 'q=%FF%FE', 'sort=%C0%AE', 'limit=1&limit=2');
    // A URL carries UTF-8, which has no lone surrogates: the client's encoder makes them U+FFFD.
    const encode = (text: string) => encodeURIComponent(text.toWellFormed());
    const query = fc.array(fc.oneof({ weight: 5, arbitrary: fc.tuple(key, value).map(([[k, suffix], v]) => `${encode(k)}${suffix}=${encode(v)}`) }, { weight: 1, arbitrary: raw }), {
      maxLength: 4,
    });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...lists), query, async ({ path }, parts) => {
        await expectSane('GET', `${t.baseUrl}${path}?${parts.join('&')}`);
      }),
      params,
    );
  });
});
