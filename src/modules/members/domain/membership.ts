import type { Role } from '#src/kernel/context/request-context';
import type { PageRequest } from '#src/kernel/http/pagination';

export type { Role };
export const ROLES: readonly Role[] = ['Admin', 'Staff', 'Partner', 'Agent'];

export type MembershipStatus = 'active' | 'inactive';
export const MEMBERSHIP_STATUSES: readonly MembershipStatus[] = ['active', 'inactive'];

/** A user's (or machine client's) place in one tenant. Tenant-owned: the plugin scopes it. */
export interface Membership {
  readonly id: string;
  readonly sub: string;
  readonly email?: string;
  readonly role: Role;
  readonly partnerId?: string;
  readonly status: MembershipStatus;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewMembership {
  readonly sub: string;
  readonly email?: string;
  readonly role: Role;
  readonly partnerId?: string;
}

/** Port; every method works inside the tenant bound to the current context. */
export abstract class MembershipRepository {
  /** Inserts; the same sub twice in one tenant fails with membership_exists. */
  abstract insert(membership: NewMembership): Promise<Membership>;
  abstract findById(id: string): Promise<Membership | undefined>;
  abstract findActiveBySub(sub: string): Promise<Membership | undefined>;
  abstract list(page: PageRequest): Promise<Membership[]>;
}
