import type { Actor, Role } from '../context/request-context';
import type { Permission } from './permissions';

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
  /**
   * The active membership of `sub` in the tenant bound to the current context. With a verified
   * email, a pending membership invited by that email is bound to `sub` first.
   */
  abstract findActive(sub: string, verifiedEmail?: string): Promise<MembershipIdentity | undefined>;
}

/** The tenant's access rules, configured by its Admins; provided by the access feature. */
export abstract class AccessRules {
  /** The actor's effective permissions in the tenant bound to the current context. */
  abstract permissionsFor(actor: Actor): Promise<Permission[]>;
  /** Whether roles:manage, members:manage and tenant:export need an MFA token (tenant setting). */
  abstract stepUpRequired(): Promise<boolean>;
}
