import { randomBytes } from 'node:crypto';
import { RequestContext } from '#src/kernel/context/request-context';
import { AddMember, Membership, Role } from '#src/modules/members';
import { CreateTenant, Tenant } from '#src/modules/tenants';
import type { TestApp } from '../utils/test-app';

/** A membership that has signed in (or was added by sub): it has a subject. */
export type ActiveMembership = Membership & { readonly sub: string };

export interface TenantFixture {
  readonly tenant: Tenant;
  readonly admin: ActiveMembership;
  /** A token for one of this tenant's users, from the app's real issuer. */
  tokenFor(sub: string, claims?: { amr?: string[]; email?: string; ttlSeconds?: number }): Promise<string>;
  adminToken(): Promise<string>;
  addMember(member: { sub: string; role: Role; email?: string; partnerId?: string }): Promise<Membership>;
}

const unique = (prefix: string): string => `${prefix}_${randomBytes(5).toString('hex')}`;

/** A tenant made through the same use case the operator CLI runs, with its first Admin. */
export async function aTenant(t: TestApp, options: { name?: string; orgId?: string } = {}): Promise<TenantFixture> {
  const context = t.app.get(RequestContext);
  const orgId = options.orgId ?? unique('org');
  const { tenant, admin } = await context.runAsSystem('test:factory', () =>
    t.app.get(CreateTenant).execute({ name: options.name ?? `Tenant ${orgId}`, orgId, adminSub: unique('auth0|admin') }),
  );
  const tokenFor: TenantFixture['tokenFor'] = (sub, claims = {}) => t.issuer.mint({ sub, orgId, ...claims });
  return {
    tenant,
    admin: admin as ActiveMembership,
    tokenFor,
    adminToken: () => tokenFor(admin.sub as string, { amr: ['mfa'] }),
    addMember: (member) => context.runInTenant(tenant.id, 'test:factory', () => t.app.get(AddMember).execute(member)),
  };
}
