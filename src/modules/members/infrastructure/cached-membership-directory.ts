import { Injectable, Logger } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { RevisionClaims } from '#src/kernel/concurrency/revision-claims';
import { DomainError } from '#src/kernel/errors/domain-error';
import { RequestContext } from '#src/kernel/context/request-context';
import { MembershipDirectory, MembershipIdentity } from '#src/kernel/auth/identity-ports';
import { Membership, MembershipRepository } from '../domain/membership';

// Looked up on every authenticated request; cached briefly so changes reach every instance
// within seconds, and dropped at once on the instance that made a change.
export const MEMBERSHIP_CACHE_TTL_MS = 2_000;
const MISSING = Symbol('missing');

@Injectable()
export class CachedMembershipDirectory extends MembershipDirectory {
  private readonly cache = new LRUCache<string, MembershipIdentity | typeof MISSING>({
    max: 50_000,
    ttl: MEMBERSHIP_CACHE_TTL_MS,
  });

  private readonly logger = new Logger('Memberships');

  constructor(
    private readonly memberships: MembershipRepository,
    private readonly context: RequestContext,
    private readonly claims: RevisionClaims,
  ) {
    super();
  }

  async findActive(sub: string, verifiedEmail?: string): Promise<MembershipIdentity | undefined> {
    const key = this.key(sub);
    const hit = this.cache.get(key);
    // A remembered miss does not stand in the way of a verified email that may bind an invitation.
    if (hit !== undefined && !(hit === MISSING && verifiedEmail)) return hit === MISSING ? undefined : hit;
    let membership = await this.memberships.findActiveBySub(sub);
    if (!membership && verifiedEmail) membership = await this.bindPending(sub, verifiedEmail);
    const value: MembershipIdentity | typeof MISSING = membership
      ? { id: membership.id, sub, role: membership.role, partnerId: membership.partnerId, email: membership.email }
      : MISSING;
    this.cache.set(key, value);
    return value === MISSING ? undefined : value;
  }

  /** Forget a member on this instance at once (after a change made here). */
  forget(sub: string): void {
    this.cache.delete(this.key(sub));
  }

  /**
   * Binds a membership invited by email to the first signed-in subject with that verified email.
   * The revision claim lets exactly one binding win if two sign-ins race.
   */
  private async bindPending(sub: string, email: string): Promise<Membership | undefined> {
    const pending = await this.memberships.findPendingByEmail(email);
    if (!pending) return undefined;
    try {
      await this.claims.applyChange(
        `membership:${pending.id}`,
        pending.revision,
        async () => (await this.memberships.findById(pending.id)) ?? pending,
        (_current, revision) => this.memberships.update(pending.id, { sub, status: 'active' }, revision),
      );
      this.logger.log({ membershipId: pending.id, sub }, 'pending membership bound to its first sign-in');
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'precondition_failed')) throw error;
    }
    return this.memberships.findActiveBySub(sub);
  }

  private key(sub: string): string {
    return `${this.context.requireTenantId('membership lookup')}\u0000${sub}`;
  }
}
