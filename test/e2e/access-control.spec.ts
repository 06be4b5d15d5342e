import { DEFAULT_GRANTS, Permission, ROLE_CEILINGS } from '#src/kernel/auth/permissions';
import type { Role } from '#src/kernel/context/request-context';
import { aTenant, TenantFixture } from '../factories/tenants';
import { registeredRoutes } from '../utils/routes';
import { startTestApp, TestApp } from '../utils/test-app';

const NONEXISTENT_ID = 'ffffffffffffffffffffffff';

interface RouteUnderTest {
  readonly method: string;
  readonly path: string;
  readonly permission: Permission;
}

describe('access control', () => {
  let t: TestApp;
  let acme: TenantFixture;
  let partnerId: string;
  const tokens: Partial<Record<Role | 'NoGrants', string>> = {};

  async function http(method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${t.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    // NDJSON exports (application/x-ndjson) are many JSON texts, not one: kept as text.
    const json = /^application\/(problem\+)?json\b/.test(res.headers.get('content-type') ?? '');
    return { status: res.status, headers: res.headers, body: (json ? JSON.parse(text) : { text }) as Record<string, unknown> };
  }

  beforeAll(async () => {
    t = await startTestApp({ label: 'access-control' });
    acme = await aTenant(t, { name: 'Acme' });
    const admin = await acme.adminToken();
    const partner = await http('POST', '/v1/partners', admin, { name: 'Channel One' });
    expect(partner.status).toBe(201);
    partnerId = partner.body.id as string;
    tokens.Admin = admin;
    for (const [role, sub] of [['Staff', 'auth0|staff'], ['Partner', 'auth0|partner'], ['Agent', 'auth0|agent']] as const) {
      await acme.addMember({ sub, role, partnerId: role === 'Staff' ? undefined : partnerId });
      tokens[role] = await acme.tokenFor(sub, { amr: ['mfa'] });
    }
  });
  afterAll(() => t.close());

  /** Every @RequirePermission route of the running app, with its permission, ids filled in. */
  function permissionRoutes(): RouteUnderTest[] {
    return registeredRoutes(t.app).flatMap(({ method, path, access }) =>
      access?.kind === 'permission'
        ? [{ method, path: path.replace(':role', 'Agent').replace(/:[A-Za-z]+/g, NONEXISTENT_ID), permission: access.permission }]
        : [],
    );
  }

  describe('the matrix: every permission route × every role, generated from the catalogue', () => {
    it('covers the routes', () => {
      expect(permissionRoutes().length).toBeGreaterThanOrEqual(10);
    });

    for (const role of ['Admin', 'Staff', 'Partner', 'Agent'] as const) {
      it(`answers ${role} exactly as the default grants say`, async () => {
        const outcomes: string[] = [];
        const expected: string[] = [];
        for (const route of permissionRoutes()) {
          // Bodies are empty: an allowed call then fails validation or finds nothing, a denied one is 403 first.
          const body = ['POST', 'PUT', 'PATCH'].includes(route.method) ? {} : undefined;
          const r = await http(route.method, route.path, tokens[role] as string, body);
          const allowed = DEFAULT_GRANTS[role].includes(route.permission);
          outcomes.push(`${route.method} ${route.path} → ${r.status === 403 ? 'denied' : r.status === 401 ? 'unauthenticated' : 'allowed'}`);
          expected.push(`${route.method} ${route.path} → ${allowed ? 'allowed' : 'denied'}`);
          if (!allowed) expect(r.body).toMatchObject({ code: 'permission_denied' });
        }
        expect(outcomes).toEqual(expected);
      });
    }

    it('denies every permission route to a member whose role holds no grants', async () => {
      const admin = tokens.Admin as string;
      const cleared = await http('PUT', '/v1/roles/Agent', admin, { grants: [] });
      expect(cleared.status).toBe(200);
      try {
        for (const route of permissionRoutes()) {
          const body = ['POST', 'PUT', 'PATCH'].includes(route.method) ? {} : undefined;
          const r = await http(route.method, route.path, tokens.Agent as string, body);
          expect(`${route.method} ${route.path} ${r.status}`).toBe(`${route.method} ${route.path} 403`);
        }
      } finally {
        await http('PUT', '/v1/roles/Agent', admin, { grants: DEFAULT_GRANTS.Agent });
      }
    });
  });

  describe('configurable grants', () => {
    it('reports each role with grants, defaults and ceiling', async () => {
      const r = await http('GET', '/v1/roles', tokens.Admin as string);
      expect(r.status).toBe(200);
      const staff = (r.body.data as { role: string; ceiling: string[] }[]).find((x) => x.role === 'Staff');
      expect(staff?.ceiling).toEqual(ROLE_CEILINGS.Staff);
    });

    it('takes effect on the next request: grant Staff audit:read, observe, revoke, observe', async () => {
      const admin = tokens.Admin as string;
      const staffPerms = async () => (await http('GET', '/v1/me', tokens.Staff as string)).body.permissions as string[];
      expect(await staffPerms()).not.toContain('audit:read');
      const current = await http('GET', '/v1/roles/Staff', admin);
      const granted = await http('PUT', '/v1/roles/Staff', admin, { grants: [...DEFAULT_GRANTS.Staff, 'audit:read'] }, { 'if-match': current.headers.get('etag') as string });
      expect(granted.status).toBe(200);
      expect(await staffPerms()).toContain('audit:read');
      const revoked = await http('PUT', '/v1/roles/Staff', admin, { grants: DEFAULT_GRANTS.Staff });
      expect(revoked.status).toBe(200);
      expect(await staffPerms()).not.toContain('audit:read');
    });

    it('refuses a stale If-Match with 412', async () => {
      const admin = tokens.Admin as string;
      const stale = (await http('GET', '/v1/roles/Partner', admin)).headers.get('etag') as string;
      expect((await http('PUT', '/v1/roles/Partner', admin, { grants: DEFAULT_GRANTS.Partner })).status).toBe(200);
      const r = await http('PUT', '/v1/roles/Partner', admin, { grants: DEFAULT_GRANTS.Partner }, { 'if-match': stale });
      expect(r.status).toBe(412);
      expect(r.body).toMatchObject({ code: 'precondition_failed' });
    });

    it('holds the ceilings', async () => {
      const admin = tokens.Admin as string;
      const partner = await http('PUT', '/v1/roles/Partner', admin, { grants: ['leads:read', 'members:read', 'audit:read'] });
      expect(partner.status).toBe(400);
      expect(partner.body.errors).toEqual([
        { field: '/grants/1', message: 'members:read is beyond the Partner ceiling' },
        { field: '/grants/2', message: 'audit:read is beyond the Partner ceiling' },
      ]);
      const staff = await http('PUT', '/v1/roles/Staff', admin, { grants: ['roles:manage'] });
      expect(staff.status).toBe(400);
      const unknown = await http('PUT', '/v1/roles/Staff', admin, { grants: ['leads:fly'] });
      expect(unknown.status).toBe(400);
      expect((await http('PUT', '/v1/roles/Overlord', admin, { grants: [] })).status).toBe(404);
    });

    it('refuses to take roles:manage away from Admin (no lock-out)', async () => {
      const r = await http('PUT', '/v1/roles/Admin', tokens.Admin as string, { grants: ['members:read'] });
      expect(r.status).toBe(409);
      expect(r.body).toMatchObject({ code: 'lockout_refused' });
    });
  });

  describe('the last Admin', () => {
    it('cannot be demoted or deactivated', async () => {
      const tenant = await aTenant(t);
      const admin = await tenant.adminToken();
      const demote = await http('PATCH', `/v1/members/${tenant.admin.id}`, admin, { role: 'Staff' });
      expect(demote.status).toBe(409);
      expect(demote.body).toMatchObject({ code: 'last_admin' });
      expect((await http('DELETE', `/v1/members/${tenant.admin.id}`, admin)).status).toBe(409);
    });

    it('survives 20 Admins demoting each other at once: never fewer than one Admin, 19 demoted when none was refused for its own demotion (5 rounds)', async () => {
      for (let round = 0; round < 5; round++) {
        const tenant = await aTenant(t);
        const admins = [tenant.admin, ...(await Promise.all(Array.from({ length: 19 }, (_, i) => tenant.addMember({ sub: `auth0|adm-${round}-${i}`, role: 'Admin' }))))];
        const adminTokens = await Promise.all(admins.map((a) => tenant.tokenFor(a.sub as string, { amr: ['mfa'] })));
        // Admin i demotes Admin i+1: every admin is targeted once, every request is valid on its own.
        const statuses = await Promise.all(
          admins.map((_, i) => http('PATCH', `/v1/members/${admins[(i + 1) % admins.length].id}`, adminTokens[i], { role: 'Staff' }).then((r) => r.status)),
        );
        const remaining = (await http('GET', '/v1/members?limit=200', adminTokens[0])).body.data as { role: string; status: string }[];
        const activeAdmins = remaining.filter((m) => m.role === 'Admin' && m.status === 'active').length;
        const ok = statuses.filter((s) => s === 200).length;
        // Every success demoted a different Admin, and never the last one.
        expect({ round, demotedPlusLeft: ok + activeAdmins, someAdminLeft: activeAdmins >= 1 }).toEqual({ round, demotedPlusLeft: 20, someAdminLeft: true });
        // Refusals are the last-Admin rule (409), or 403 for an Admin whose own demotion landed
        // before its request was authorised (timing: more likely on a loaded machine). Without
        // such a 403, every Admin but one was demoted.
        expect(statuses.filter((s) => s !== 200).every((s) => s === 409 || s === 403)).toBe(true);
        if (!statuses.includes(403)) expect({ round, ok, activeAdmins }).toEqual({ round, ok: 19, activeAdmins: 1 });
      }
    }, 120_000);
  });

  describe('step-up', () => {
    it('needs an MFA session for members:manage while the tenant requires it, and not once it does not', async () => {
      const tenant = await aTenant(t);
      const noMfa = await tenant.tokenFor(tenant.admin.sub);
      const denied = await http('POST', '/v1/members', noMfa, { sub: 'auth0|new', role: 'Staff' });
      expect(denied.status).toBe(403);
      expect(denied.body).toMatchObject({ code: 'mfa_required', type: 'https://partnerportal.dev/problems/mfa-required' });
      const off = await http('PATCH', '/v1/tenant/settings', await tenant.adminToken(), { requireMfaForAdminActions: false });
      expect(off.body).toMatchObject({ requireMfaForAdminActions: false });
      expect((await http('POST', '/v1/members', noMfa, { sub: 'auth0|new', role: 'Staff' })).status).toBe(201);
    });
  });

  describe('machine clients', () => {
    it('never hold members:manage or roles:manage, even as Admin', async () => {
      await acme.addMember({ sub: 'svc-sync@clients', role: 'Admin' });
      const token = await acme.tokenFor('svc-sync@clients');
      const me = await http('GET', '/v1/me', token);
      expect(me.body).toMatchObject({ machine: true, role: 'Admin' });
      expect(me.body.permissions).not.toContain('members:manage');
      expect(me.body.permissions).toContain('members:read');
      expect((await http('POST', '/v1/members', token, { sub: 'auth0|x', role: 'Staff' })).status).toBe(403);
    });
  });

  describe('members API', () => {
    it('adds by sub with Location and ETag, refuses mass assignment and bad affiliations', async () => {
      const admin = tokens.Admin as string;
      const added = await http('POST', '/v1/members', admin, { sub: 'auth0|newbie', email: 'New@Acme.example', role: 'Staff' });
      expect(added.status).toBe(201);
      expect(added.headers.get('location')).toBe(`/v1/members/${added.body.id}`);
      expect(added.headers.get('etag')).toBe('"1"');
      expect(added.body).toMatchObject({ sub: 'auth0|newbie', email: 'new@acme.example', role: 'Staff', status: 'active' });
      for (const smuggled of [{ tenantId: 'x' }, { status: 'active' }, { id: 'x' }, { revision: 9 }]) {
        expect((await http('POST', '/v1/members', admin, { sub: 'auth0|m', role: 'Staff', ...smuggled })).status).toBe(400);
      }
      expect((await http('POST', '/v1/members', admin, { sub: 'auth0|p', role: 'Partner' })).body).toMatchObject({ code: 'validation_failed', errors: [{ field: '/partnerId' }] });
      expect((await http('POST', '/v1/members', admin, { sub: 'auth0|p', role: 'Partner', partnerId: NONEXISTENT_ID })).status).toBe(400);
      expect((await http('POST', '/v1/members', admin, { sub: 'auth0|s', role: 'Staff', partnerId })).status).toBe(400);
      expect((await http('POST', '/v1/members', admin, { sub: 'auth0|newbie', role: 'Staff' })).body).toMatchObject({ code: 'membership_exists' });
    });

    it('invites by email: pending until a verified token with that email signs in, then bound', async () => {
      const admin = tokens.Admin as string;
      const invited = await http('POST', '/v1/members', admin, { email: 'Invitee@Acme.example', role: 'Staff' });
      expect(invited.body).toMatchObject({ sub: null, status: 'pending', email: 'invitee@acme.example' });
      const unverified = await acme.tokenFor('auth0|invitee', { email: 'invitee@acme.example' });
      expect((await http('GET', '/v1/me', unverified)).status).toBe(403);
      const verified = await t.issuer.mint({ sub: 'auth0|invitee', orgId: acme.tenant.orgId, email: 'INVITEE@acme.example', extra: { email_verified: true } });
      const me = await http('GET', '/v1/me', verified);
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ sub: 'auth0|invitee', role: 'Staff', membershipId: invited.body.id });
      expect((await http('GET', `/v1/members/${invited.body.id as string}`, admin)).body).toMatchObject({ sub: 'auth0|invitee', status: 'active' });
    });

    it('deactivates: the member is refused from the next request on', async () => {
      const admin = tokens.Admin as string;
      const member = await acme.addMember({ sub: 'auth0|leaver', role: 'Staff' });
      const token = await acme.tokenFor('auth0|leaver');
      expect((await http('GET', '/v1/me', token)).status).toBe(200);
      expect((await http('DELETE', `/v1/members/${member.id}`, admin)).status).toBe(204);
      expect((await http('GET', '/v1/me', token)).body).toMatchObject({ code: 'membership_required' });
    });
  });
});

describe('tenant settings', () => {
  let t: TestApp;
  let tenant: TenantFixture;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ label: 'tenant-settings' });
    tenant = await aTenant(t);
    admin = await tenant.adminToken();
  });
  afterAll(() => t.close());

  const call = async (method: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${t.baseUrl}/v1/tenant/settings`, {
      method,
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, etag: res.headers.get('etag'), body: (await res.json()) as Record<string, unknown> };
  };

  it('starts from the documented defaults with an ETag', async () => {
    expect(await call('GET')).toEqual({ status: 200, etag: '"0"', body: { requireMfaForAdminActions: true, registrationProtectionDays: 90 } });
  });

  it('changes only what is sent, bumps the ETag, and refuses a stale If-Match with 412', async () => {
    const changed = await call('PATCH', { registrationProtectionDays: 30 }, { 'if-match': '"0"' });
    expect(changed).toEqual({ status: 200, etag: '"1"', body: { requireMfaForAdminActions: true, registrationProtectionDays: 30 } });
    const stale = await call('PATCH', { registrationProtectionDays: 60 }, { 'if-match': '"0"' });
    expect(stale.status).toBe(412);
    expect((await call('GET')).body).toMatchObject({ registrationProtectionDays: 30 });
  });

  it('validates every field and refuses unknown ones', async () => {
    const bad = await call('PATCH', { registrationProtectionDays: 0, requireMfaForAdminActions: 'yes', tenantId: 'x' });
    expect(bad.status).toBe(400);
    expect((bad.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(['/registrationProtectionDays', '/requireMfaForAdminActions', '/tenantId']);
  });

  it('lets exactly one of 20 concurrent writers with the same ETag win (5 rounds)', async () => {
    for (let round = 0; round < 5; round++) {
      const { etag } = await call('GET');
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => call('PATCH', { registrationProtectionDays: 100 + i }, { 'if-match': etag as string })),
      );
      const statuses = results.map((r) => r.status).sort();
      expect({ round, ok: statuses.filter((s) => s === 200).length, stale: statuses.filter((s) => s === 412).length }).toEqual({ round, ok: 1, stale: 19 });
    }
  });
});
