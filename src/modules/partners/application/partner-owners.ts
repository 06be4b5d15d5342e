import { Injectable } from '@nestjs/common';
import { MembershipDirectory } from '#src/kernel/auth/identity-ports';
import { ownerNotAssignable } from '../domain/partner.errors';

const OWNER_ROLES: ReadonlySet<string> = new Set(['Admin', 'Staff']);

/**
 * Who may own a partner: an active Staff or Admin member of the tenant in context. Looked up
 * through the kernel's MembershipDirectory port rather than the members feature, which itself
 * depends on partners (one-way module graph).
 */
@Injectable()
export class PartnerOwners {
  constructor(private readonly memberships: MembershipDirectory) {}

  async assertAssignable(sub: string): Promise<void> {
    const membership = await this.memberships.findActive(sub);
    if (!membership || !OWNER_ROLES.has(membership.role)) throw ownerNotAssignable();
  }
}
