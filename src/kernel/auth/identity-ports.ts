import type { Role } from '../context/request-context';

export type TenantStatus = 'active' | 'suspended' | 'terminated';

export interface TenantIdentity {
  readonly id: string;
  readonly orgId: string;
  readonly name: string;
  readonly status: TenantStatus;
}

export interface MembershipIdentity {
  readonly id: string;
  readonly sub: string;
  readonly role: Role;
  readonly partnerId?: string;
  readonly email?: string;
}

/**
 * Ports the authentication guard resolves identities through. The kernel knows no feature: the
 * tenants and members features provide these, and may cache (bounded, seconds).
 */
export abstract class TenantDirectory {
  /** The tenant named by an Auth0 organization id, whatever its status. */
  abstract findByOrgId(orgId: string): Promise<TenantIdentity | undefined>;
  abstract findById(id: string): Promise<TenantIdentity | undefined>;
}

export abstract class MembershipDirectory {
  /** The active membership of `sub` in the tenant bound to the current context. */
  abstract findActive(sub: string): Promise<MembershipIdentity | undefined>;
}
