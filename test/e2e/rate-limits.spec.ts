// Rate limits through the whole app (in-process storage): per client IP for requests without
// credentials and for failed authentications, checked before any token is verified; per user and
// per tenant for authenticated traffic; stricter per-user limits for exports and the audit
// endpoints; RateLimit headers, 429 problem+json with Retry-After, and the audit trail's denial.
import { getModelToken } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { AuditRelay } from '#src/kernel/audit/audit-relay';
import { AuditWriter } from '#src/kernel/audit/audit-writer';
import { AuditEvent, PLATFORM_STREAM } from '#src/kernel/audit/audit-event';
import { AuditEventRecord } from '#src/kernel/audit/audit-event.schema';
import { RequestContext } from '#src/kernel/context/request-context';
import { BASELINE_SECURITY_HEADERS } from '#src/kernel/http/security-headers';
import { aTenant } from '../factories/tenants';
import { inSequence, RawReply, requestFrom } from '../utils/http-from';
import { startTestApp, TestApp } from '../utils/test-app';

const LIMITS = { RATE_LIMIT_IP: '5', RATE_LIMIT_USER: '8', RATE_LIMIT_TENANT: '12', RATE_LIMIT_EXPORT: '2', RATE_LIMIT_AUDIT: '3', RATE_LIMIT_WINDOW_SECONDS: '60' };

describe('rate limits', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ label: 'rate_limits', env: LIMITS });
  });
  afterAll(() => t.close());

  const get = (from: string, path: string, headers: Record<string, string> = {}): Promise<RawReply> => requestFrom(from, `${t.baseUrl}${path}`, { headers });
  const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
  const statuses = (replies: RawReply[]): number[] => replies.map((r) => r.status);

  async function stream(tenantId: string): Promise<AuditEvent[]> {
    await t.app.get(AuditWriter).flush();
    await t.app.get(AuditRelay).settled();
    const events = t.app.get<Model<AuditEventRecord>>(getModelToken(AuditEventRecord.name));
    return t.app.get(RequestContext).runInTenant(tenantId, 'test:audit', async () => {
      const docs = await events.find({}).lean();
      return docs.map(({ _id, ...event }) => event as unknown as AuditEvent).sort((a, b) => a.seq - b.seq);
    });
  }

  it('limits requests without credentials per client IP, and says so in RateLimit headers and a 429 problem with Retry-After', async () => {
    const replies = await inSequence(6, () => get('127.0.0.11', '/version'));
    expect(statuses(replies)).toEqual([200, 200, 200, 200, 200, 429]);
    expect(replies.map((r) => r.headers['ratelimit-policy'])).toEqual(Array(6).fill('"ip";q=5;w=60'));
    expect(replies.map((r) => /^"ip";r=(\d+);t=\d+$/.exec(String(r.headers.ratelimit))?.[1])).toEqual(['4', '3', '2', '1', '0', '0']);
    const refused = replies[5];
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ status: 429, code: 'rate_limited', type: 'https://partnerportal.dev/problems/rate-limited' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    // A 429 carries the full security header set, like every other response.
    for (const [name, value] of Object.entries(BASELINE_SECURITY_HEADERS)) expect([name, refused.headers[name.toLowerCase()]]).toEqual([name, value]);
    expect(refused.headers['x-powered-by']).toBeUndefined();
    // Another address has its own allowance; the probes are never limited.
    expect((await get('127.0.0.12', '/version')).status).toBe(200);
    const probes = await inSequence(8, () => get('127.0.0.11', '/health/live'));
    expect(statuses(probes)).toEqual(Array(8).fill(200));
    expect(probes[0].headers['ratelimit-policy']).toBeUndefined();
    // Nor are CORS preflights (whatever the API answers them).
    const preflights = await inSequence(8, () =>
      requestFrom('127.0.0.11', `${t.baseUrl}/v1/partners`, { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'GET' } }),
    );
    expect(statuses(preflights).includes(429)).toBe(false);
  });

  it('keys on the connection\'s address: rotating X-Forwarded-For, X-Real-IP, Forwarded or User-Agent does not reset the limit', async () => {
    const replies = await inSequence(9, (i) =>
      get('127.0.0.13', '/version', {
        'x-forwarded-for': `203.0.113.${i}`,
        'x-real-ip': `198.51.100.${i}`,
        forwarded: `for=192.0.2.${i}`,
        'user-agent': i % 2 === 0 ? `Googlebot/2.${i}` : `curl/8.${i}`,
      }),
    );
    expect(statuses(replies)).toEqual([200, 200, 200, 200, 200, 429, 429, 429, 429]);
  });

  it('throttles a flood of bad tokens from one IP: after the limit, 429 before any signature is checked', async () => {
    const acme = await aTenant(t);
    const good = await acme.adminToken();
    const [head, payload, signature] = good.split('.');
    const forged = `${head}.${payload}.${signature.slice(0, -6)}${signature.slice(-6).split('').reverse().join('')}`;
    const replies = await inSequence(10, () => get('127.0.0.14', '/v1/me', bearer(forged)));
    expect(statuses(replies)).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);
    // Only the first five were verified (and refused); the rest never reached the token check.
    const ids = new Set(replies.map((r) => String(r.body.requestId)));
    const checked = t.logs.filter((l) => l.msg === 'request refused' && ids.has(String(l.requestId)));
    expect(checked.map((l) => l.code)).toEqual([...Array(5).fill('unauthenticated'), ...Array(5).fill('rate_limited')]);
    expect(checked.slice(0, 5).every((l) => String(l.reason).startsWith('invalid_token'))).toBe(true);
    expect(replies[4].headers.ratelimit).toMatch(/^"ip";r=0;t=\d+$/);
    // While that IP is over its limit, even a good token from it waits; other addresses are unaffected.
    expect((await get('127.0.0.14', '/v1/me', bearer(good))).status).toBe(429);
    expect((await get('127.0.0.15', '/v1/me', bearer(good))).status).toBe(200);
  });

  it('counts a valid token whose organization is no tenant against the IP as well', async () => {
    const stranger = await t.issuer.mint({ sub: 'auth0|rl-stranger', orgId: 'org_rl_unknown' });
    const replies = await inSequence(7, () => get('127.0.0.21', '/v1/me', bearer(stranger)));
    expect(statuses(replies)).toEqual([403, 403, 403, 403, 403, 429, 429]);
    expect(replies[0].body).toMatchObject({ code: 'tenant_not_found' });
  });

  it('counts credentials that no guard accepted (on a public route) against the IP too', async () => {
    const replies = await inSequence(5, () => get('127.0.0.16', '/version', bearer('not-a-token')));
    expect(statuses(replies)).toEqual([200, 200, 200, 200, 200]);
    // Those are counted when each response ends; give the last one a moment.
    await new Promise((r) => setTimeout(r, 100));
    expect((await get('127.0.0.16', '/version', bearer('not-a-token'))).status).toBe(429);
    expect((await get('127.0.0.16', '/version')).status).toBe(429);
  });

  it('limits each user, then the tenant; a user over its own limit does not use up its tenant\'s', async () => {
    const acme = await aTenant(t);
    await acme.addMember({ sub: 'auth0|rl-one', role: 'Staff' });
    await acme.addMember({ sub: 'auth0|rl-two', role: 'Staff' });
    const [one, two] = await Promise.all([acme.tokenFor('auth0|rl-one'), acme.tokenFor('auth0|rl-two')]);

    // Same IP as the bad-token flood's neighbour: authenticated traffic is not counted per IP.
    const first = await inSequence(10, () => get('127.0.0.17', '/v1/me', bearer(one)));
    expect(statuses(first)).toEqual([...Array(8).fill(200), 429, 429]);
    expect(first[0].headers['ratelimit-policy']).toBe('"user";q=8;w=60, "tenant";q=12;w=60');
    expect(first[0].headers.ratelimit).toMatch(/^"user";r=7;t=\d+, "tenant";r=11;t=\d+$/);
    expect(first[8].body).toMatchObject({ code: 'rate_limited' });
    expect(Number(first[8].headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Refused on its own limit: the tenant's is neither touched nor shown.
    expect(first[8].headers.ratelimit).toMatch(/^"user";r=0;t=\d+$/);

    // The tenant has 12 - 8 = 4 left for everyone else.
    const second = await inSequence(6, () => get('127.0.0.17', '/v1/me', bearer(two)));
    expect(statuses(second)).toEqual([200, 200, 200, 200, 429, 429]);
    expect(second[3].headers.ratelimit).toMatch(/^"user";r=4;t=\d+, "tenant";r=0;t=\d+$/);

    // Another tenant is untouched.
    const other = await aTenant(t);
    expect((await get('127.0.0.17', '/v1/me', bearer(await other.adminToken()))).status).toBe(200);
  });

  it('applies stricter per-user limits to exports and to the audit endpoints', async () => {
    const acme = await aTenant(t);
    await acme.addMember({ sub: 'auth0|rl-auditor', role: 'Admin' });
    const admin = await acme.adminToken();
    const auditor = await acme.tokenFor('auth0|rl-auditor', { amr: ['mfa'] });

    const exports = await inSequence(3, () => get('127.0.0.18', '/v1/leads/export', bearer(admin)));
    expect(statuses(exports)).toEqual([200, 200, 429]);
    expect(exports[0].headers['ratelimit-policy']).toBe('"user";q=8;w=60, "export";q=2;w=60, "tenant";q=12;w=60');
    expect(exports[2].body).toMatchObject({ code: 'rate_limited' });
    // Other routes are still open to the same user.
    expect((await get('127.0.0.18', '/v1/partners', bearer(admin))).status).toBe(200);

    const audits = await inSequence(4, (i) => get('127.0.0.18', i % 2 === 0 ? '/v1/audit-events' : '/v1/audit-events/keys', bearer(auditor)));
    expect(statuses(audits)).toEqual([200, 200, 200, 429]);
    expect(audits[0].headers['ratelimit-policy']).toBe('"user";q=8;w=60, "audit";q=3;w=60, "tenant";q=12;w=60');
  });

  it('puts the headers on errors too: an unknown route, a refused token, an invalid request', async () => {
    const acme = await aTenant(t);
    const admin = await acme.adminToken();
    const miss = await get('127.0.0.22', '/v1/no-such-route');
    expect([miss.status, miss.headers['ratelimit-policy'], miss.headers.ratelimit]).toEqual([404, '"ip";q=5;w=60', expect.stringMatching(/^"ip";r=4;t=\d+$/)]);
    const refused = await get('127.0.0.22', '/v1/me', bearer('garbage'));
    expect([refused.status, refused.headers['ratelimit-policy'], refused.headers.ratelimit]).toEqual([401, '"ip";q=5;w=60', expect.stringMatching(/^"ip";r=3;t=\d+$/)]);
    const invalid = await get('127.0.0.22', '/v1/partners?limit=0', bearer(admin));
    expect([invalid.status, invalid.headers['ratelimit-policy']]).toEqual([400, '"user";q=8;w=60, "tenant";q=12;w=60']);
  });

  it('records each 429 as a denial with its reason, coalesced per minute like other denials', async () => {
    const acme = await aTenant(t);
    await acme.addMember({ sub: 'auth0|rl-flood', role: 'Staff' });
    const token = await acme.tokenFor('auth0|rl-flood');
    const replies = await inSequence(12, () => get('127.0.0.19', '/v1/me', { ...bearer(token), 'user-agent': 'rl-flood' }));
    expect(statuses(replies)).toEqual([...Array(8).fill(200), 429, 429, 429, 429]);
    // /version is not an API call the trail records; an API route without a token is.
    const anonymous = await inSequence(9, () => get('127.0.0.20', '/v1/partners', { 'user-agent': 'rl-anonymous' }));
    expect(statuses(anonymous)).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429]);

    // Close the denial windows as if a minute had passed.
    const writer = t.app.get(AuditWriter);
    const probe = (await stream(PLATFORM_STREAM))[0];
    writer.recordDenial(PLATFORM_STREAM, 'unrelated', { ...probe, source: 'unrelated-probe' }, Date.now() + 61_000);

    const tenantDenials = (await stream(acme.tenant.id)).filter((e) => e.type === 'denial' && e.outcome.status === 429);
    expect(tenantDenials).toHaveLength(2);
    expect(tenantDenials[0]).toMatchObject({ actor: { id: 'auth0|rl-flood' }, outcome: { result: 'denied', reason: 'rate_limited: user limit of 8 per 60 s' } });
    expect(tenantDenials[0].outcome.count).toBeUndefined();
    expect(tenantDenials[1].outcome.count).toBe(3);

    const platformDenials = (await stream(PLATFORM_STREAM)).filter((e) => e.type === 'denial' && e.context.userAgent === 'rl-anonymous' && e.outcome.status === 429);
    expect(platformDenials.map((e) => [e.outcome.status, e.outcome.reason, e.outcome.count])).toEqual([
      [429, 'rate_limited: ip limit of 5 per 60 s', undefined],
      [429, 'rate_limited: ip limit of 5 per 60 s', 3],
    ]);
  });
});
