import { createHmac, randomBytes } from 'node:crypto';
import { DevIssuer } from '../../tools/dev-issuer/dev-issuer.ts';
import { PERMISSIONS } from '#src/kernel/auth/permissions';
import { RequestContext } from '#src/kernel/context/request-context';
import { ChangeTenantStatus } from '#src/modules/tenants';
import { aTenant, TenantFixture } from '../factories/tenants';
import { startTestApp, TestApp } from '../utils/test-app';

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = (): number => Math.floor(Date.now() / 1000);

describe('authentication: who may call the API', () => {
  let t: TestApp;
  let acme: TenantFixture;

  beforeAll(async () => {
    t = await startTestApp({ label: 'authentication' });
    acme = await aTenant(t, { name: 'Acme' });
  });
  afterAll(() => t.close());

  async function me(authorization?: string, extraHeaders: Record<string, string> = {}) {
    const headers: Record<string, string> = { ...extraHeaders };
    if (authorization !== undefined) headers.authorization = authorization;
    const res = await fetch(`${t.baseUrl}/v1/me`, { headers });
    const body = (await res.json()) as Record<string, unknown>;
    return { res, body };
  }

  /** A token claiming acme's admin, built by hand (header and payload as given). */
  function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      iss: t.issuerServer.url,
      aud: 'https://api.partnerportal.local',
      sub: acme.admin.sub,
      org_id: acme.tenant.orgId,
      iat: now(),
      exp: now() + 600,
      ...overrides,
    };
  }

  async function expect401(authorization: string | undefined, reason: RegExp | string) {
    const before = t.logs.length;
    const { res, body } = await me(authorization);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(body).toMatchObject({ status: 401, code: 'unauthenticated' });
    expect(body.detail).toBe('Send a valid access token in the Authorization header (Bearer).');
    // The reason is logged for operators, never echoed to the caller.
    const logged = t.logs.slice(before).find((l) => l.msg === 'request refused' && l.requestId === body.requestId);
    expect(String(logged?.reason)).toMatch(reason);
    expect(JSON.stringify(body)).not.toContain(String(logged?.reason));
  }

  it('accepts a valid token and resolves identity, tenant and membership', async () => {
    const token = await acme.tokenFor(acme.admin.sub, { amr: ['pwd', 'mfa'], email: 'root@acme.example' });
    const { res, body } = await me(`Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(body).toEqual({
      sub: acme.admin.sub,
      email: 'root@acme.example',
      tenant: { id: acme.tenant.id, name: 'Acme', orgId: acme.tenant.orgId },
      membershipId: acme.admin.id,
      role: 'Admin',
      mfa: true,
      machine: false,
      permissions: [...PERMISSIONS],
    });
  });

  it('accepts an audience array that contains the configured audience, and the scheme in any case', async () => {
    const token = await t.issuer.signWith(claims({ aud: ['https://other.example', 'https://api.partnerportal.local'] }));
    expect((await me(`bearer ${token}`)).res.status).toBe(200);
  });

  describe('refuses with 401 problem+json and logs why', () => {
    it('no token', () => expect401(undefined, 'missing_token'));
    it('a token in the query string instead of the header', async () => {
      const token = await acme.adminToken();
      const res = await fetch(`${t.baseUrl}/v1/me?access_token=${token}`);
      expect(res.status).toBe(401);
    });
    it('a malformed token', () => expect401('Bearer not.a.jwt', /invalid_token|malformed/));
    it('another scheme', async () => expect401(`Basic ${Buffer.from('a:b').toString('base64')}`, 'missing_token'));
    it('alg none', () => expect401(`Bearer ${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims())}.`, /algorithm_not_allowed|malformed/));
    it('HS256 signed with the public key as the HMAC secret', async () => {
      const publicPem = (await import('node:crypto')).createPublicKey({ key: t.issuer.jwks().keys[0] as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
      const signingInput = `${b64url({ alg: 'HS256', typ: 'JWT', kid: t.issuer.kid })}.${b64url(claims())}`;
      const signature = createHmac('sha256', publicPem).update(signingInput).digest('base64url');
      await expect401(`Bearer ${signingInput}.${signature}`, 'algorithm_not_allowed:HS256');
    });
    it('a token signed by another key that claims our kid', async () => {
      const impostor = await DevIssuer.ephemeral(t.issuerServer.url);
      await expect401(`Bearer ${await impostor.signWith(claims(), { kid: t.issuer.kid })}`, /invalid signature/);
    });
    it('a token without kid', async () => expect401(`Bearer ${await t.issuer.signWith(claims(), { kid: undefined })}`, 'missing_kid'));
    it('an expired token', async () => expect401(`Bearer ${await t.issuer.signWith(claims({ exp: now() - 60 }))}`, 'expired'));
    it('a token without exp', async () => {
      const { exp: _exp, ...noExp } = claims();
      await expect401(`Bearer ${await t.issuer.signWith(noExp)}`, 'missing_exp');
    });
    it('a token not valid yet (nbf beyond the 5 s tolerance)', async () =>
      expect401(`Bearer ${await t.issuer.signWith(claims({ nbf: now() + 60 }))}`, 'not_yet_valid'));
    it('an issuer without its trailing slash', async () =>
      expect401(`Bearer ${await t.issuer.signWith(claims({ iss: t.issuerServer.url.slice(0, -1) }))}`, /issuer invalid/));
    it('another issuer', async () =>
      expect401(`Bearer ${await t.issuer.signWith(claims({ iss: 'https://evil.example/' }))}`, /issuer invalid/));
    it('another audience', async () =>
      expect401(`Bearer ${await t.issuer.signWith(claims({ aud: 'https://api.other.example' }))}`, /audience invalid/));
    it('a tampered payload', async () => {
      const [header, , signature] = (await acme.adminToken()).split('.');
      await expect401(`Bearer ${header}.${b64url(claims({ sub: 'auth0|someone-else' }))}.${signature}`, /invalid signature/);
    });
    it('a token without org_id', async () => {
      const { org_id: _org, ...noOrg } = claims();
      await expect401(`Bearer ${await t.issuer.signWith(noOrg)}`, 'missing_org_id');
    });
    it('an Authorization header over 8 kB', async () =>
      expect401(`Bearer ${'a'.repeat(9 * 1024)}`, 'authorization_header_too_large'));
  });

  it('answers headers beyond the server limit with 431 problem+json and security headers', async () => {
    const { res, body } = await me(`Bearer ${'a'.repeat(20 * 1024)}`);
    expect(res.status).toBe(431);
    expect(res.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('strict-transport-security')).toContain('max-age=');
    expect(body).toMatchObject({ status: 431, code: 'request_header_fields_too_large' });
  });

  it('does not let a storm of unknown kids hammer the issuer', async () => {
    const before = t.issuerServer.jwksRequests();
    const tokens = await Promise.all(
      Array.from({ length: 60 }, () => t.issuer.signWith(claims(), { kid: randomBytes(8).toString('hex') })),
    );
    const statuses = await Promise.all(tokens.map(async (token) => (await me(`Bearer ${token}`)).res.status));
    expect(new Set(statuses)).toEqual(new Set([401]));
    expect(t.issuerServer.jwksRequests() - before).toBeLessThanOrEqual(11);
  });

  describe('refuses valid tokens with 403 when the organization or membership does not allow access', () => {
    const FORBIDDEN = 'Your organization or membership does not grant access to this API.';

    it('an unknown organization', async () => {
      const { res, body } = await me(`Bearer ${await t.issuer.mint({ sub: 'auth0|x', orgId: 'org_unknown' })}`);
      expect(res.status).toBe(403);
      expect(body).toMatchObject({ code: 'tenant_not_found', detail: FORBIDDEN });
    });

    it('a user with no membership in the tenant', async () => {
      const { res, body } = await me(`Bearer ${await acme.tokenFor('auth0|stranger')}`);
      expect(res.status).toBe(403);
      expect(body).toMatchObject({ code: 'membership_required', detail: FORBIDDEN });
    });

    it('a member of one tenant presenting another organization', async () => {
      const other = await aTenant(t);
      const { res, body } = await me(`Bearer ${await other.tokenFor(acme.admin.sub)}`);
      expect(res.status).toBe(403);
      expect(body).toMatchObject({ code: 'membership_required' });
    });

    it('a suspended, then a terminated tenant, at once on this instance', async () => {
      const tenant = await aTenant(t);
      const token = await tenant.adminToken();
      expect((await me(`Bearer ${token}`)).res.status).toBe(200);
      const change = (status: 'suspended' | 'terminated') =>
        t.app.get(RequestContext).runAsSystem('test', () => t.app.get(ChangeTenantStatus).execute(tenant.tenant.orgId, status));

      await change('suspended');
      const suspended = await me(`Bearer ${token}`);
      expect(suspended.res.status).toBe(403);
      expect(suspended.body).toMatchObject({ code: 'tenant_suspended', detail: FORBIDDEN });

      await change('terminated');
      const terminated = await me(`Bearer ${token}`);
      expect(terminated.body).toMatchObject({ code: 'tenant_terminated', detail: FORBIDDEN });
    });
  });

  it('answers 503 problem+json, quickly and without a stack, when the JWKS cannot be reached', async () => {
    const offline = await startTestApp({ label: 'authentication-jwks-down', env: { AUTH_JWKS_URI: 'http://127.0.0.1:9/jwks.json' } });
    try {
      const tenant = await aTenant(offline);
      const res = await fetch(`${offline.baseUrl}/v1/me`, { headers: { authorization: `Bearer ${await tenant.adminToken()}` } });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(await res.json()).toMatchObject({ code: 'identity_provider_unavailable' });
    } finally {
      await offline.close();
    }
  });
});
