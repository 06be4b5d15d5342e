import type { Role } from '#src/kernel/context/request-context';
import type { PageRequest } from '#src/kernel/http/pagination';

export type { Role };
export const ROLES: readonly Role[] = ['Admin', 'Staff', 'Partner', 'Agent'];

/** pending: added by email, not signed in yet; bound to the first matching verified token. */
export type MembershipStatus = 'pending' | 'active' | 'inactive';
export const MEMBERSHIP_STATUSES: readonly MembershipStatus[] = ['pending', 'active', 'inactive'];

// A pending membership has no subject yet; this stand-in keeps (tenantId, sub) unique and
// makes inviting the same email twice a duplicate.
export const PENDING_SUB_PREFIX = 'pending|';
export const pendingSubFor = (email: string): string => `${PENDING_SUB_PREFIX}${email.toLowerCase()}`;

/** A user's (or machine client's) place in one tenant. Tenant-owned: the plugin scopes it. */
export interface Membership {
  readonly id: string;
  /** Undefined while pending. */
  readonly sub?: string;
  readonly email?: string;
  readonly role: Role;
  readonly partnerId?: string;
  readonly status: MembershipStatus;
  readonly revision: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewMembership {
  /** Without a sub, the membership is pending until its email signs in. */
  readonly sub?: string;
  readonly email?: string;
  readonly role: Role;
  readonly partnerId?: string;
}

export interface MembershipChange {
  readonly sub?: string;
  readonly role?: Role;
  /** null removes the partner. */
  readonly partnerId?: string | null;
  readonly status?: MembershipStatus;
}

/** Partner-side roles belong to exactly one partner organization; tenant-side roles to none. */
export function needsPartner(role: Role): boolean {
  return role === 'Partner' || role === 'Agent';
}

/** Port; every method works inside the tenant bound to the current context. */
export abstract class MembershipRepository {
  /** Inserts; the same sub twice in one tenant fails with membership_exists. */
  abstract insert(membership: NewMembership): Promise<Membership>;
  abstract findById(id: string): Promise<Membership | undefined>;
  abstract findActiveBySub(sub: string): Promise<Membership | undefined>;
  abstract findPendingByEmail(email: string): Promise<Membership | undefined>;
  abstract list(page: PageRequest): Promise<Membership[]>;
  abstract countActiveAdmins(): Promise<number>;
  /** Writes a change at `revision`, which the caller has claimed. */
  abstract update(id: string, change: MembershipChange, revision: number): Promise<Membership>;
}
