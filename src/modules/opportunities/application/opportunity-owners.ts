import { Injectable } from '@nestjs/common';
import { MembershipDirectory } from '#src/kernel/auth/identity-ports';
import { ownerNotAssignable } from '../domain/opportunity.errors';

/**
 * Who may own an opportunity Staff create or reassign: an active Partner or Agent member of the
 * opportunity's partner organization, so that member's row scope then covers it. Looked up through
 * the kernel's MembershipDirectory port (the members feature is not a dependency of this one).
 */
@Injectable()
export class OpportunityOwners {
  constructor(private readonly memberships: MembershipDirectory) {}

  async assertAssignable(sub: string, partnerId: string): Promise<void> {
    const membership = await this.memberships.findActive(sub);
    const partnerSide = membership?.role === 'Partner' || membership?.role === 'Agent';
    if (!membership || !partnerSide || membership.partnerId !== partnerId) throw ownerNotAssignable();
  }
}
