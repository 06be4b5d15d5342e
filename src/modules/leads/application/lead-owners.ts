import { Injectable } from '@nestjs/common';
import { MembershipDirectory } from '#src/kernel/auth/identity-ports';
import { ownerNotAssignable } from '../domain/lead.errors';

/**
 * Who may own a lead Staff register or reassign: an active Partner or Agent member of the lead's
 * partner organization, so the row scope of that member then covers it. Looked up through the
 * kernel's MembershipDirectory port (the members feature depends on partners, not on leads).
 */
@Injectable()
export class LeadOwners {
  constructor(private readonly memberships: MembershipDirectory) {}

  async assertAssignable(sub: string, partnerId: string): Promise<void> {
    const membership = await this.memberships.findActive(sub);
    const partnerSide = membership?.role === 'Partner' || membership?.role === 'Agent';
    if (!membership || !partnerSide || membership.partnerId !== partnerId) throw ownerNotAssignable();
  }
}
