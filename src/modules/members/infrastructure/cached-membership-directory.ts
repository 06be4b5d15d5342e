import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { RequestContext } from '#src/kernel/context/request-context';
import { MembershipDirectory, MembershipIdentity } from '#src/kernel/auth/identity-ports';
import { MembershipRepository } from '../domain/membership';

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

  constructor(
    private readonly memberships: MembershipRepository,
    private readonly context: RequestContext,
  ) {
    super();
  }

  async findActive(sub: string): Promise<MembershipIdentity | undefined> {
    const key = `${this.context.requireTenantId('membership lookup')}\u0000${sub}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit === MISSING ? undefined : hit;
    const membership = await this.memberships.findActiveBySub(sub);
    const value: MembershipIdentity | typeof MISSING = membership
      ? { id: membership.id, sub: membership.sub, role: membership.role, partnerId: membership.partnerId, email: membership.email }
      : MISSING;
    this.cache.set(key, value);
    return value === MISSING ? undefined : value;
  }

  invalidate(tenantId: string, sub: string): void {
    this.cache.delete(`${tenantId}\u0000${sub}`);
  }
}
