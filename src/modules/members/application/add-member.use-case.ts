import { Injectable } from '@nestjs/common';
import { DomainError } from '#src/kernel/errors/domain-error';
import { Membership, MembershipRepository, NewMembership } from '../domain/membership';
import { MemberRules } from './member-rules';

/**
 * Adds a member to the tenant in context: by `sub` (active at once) or by email only (pending
 * until that email first signs in with a verified token). Used by the members API and by the
 * operator CLI for a tenant's first Admin.
 */
@Injectable()
export class AddMember {
  constructor(
    private readonly memberships: MembershipRepository,
    private readonly rules: MemberRules,
  ) {}

  async execute(member: NewMembership): Promise<Membership> {
    if (member.sub === undefined && member.email === undefined) {
      throw new DomainError('validation_failed', 'Name the user by sub or by email.', {
        errors: [{ field: '/sub', message: 'sub or email is required' }],
      });
    }
    await this.rules.assertAffiliation(member.role, member.partnerId);
    return this.memberships.insert(member);
  }
}
