import { Injectable } from '@nestjs/common';
import { Membership, MembershipRepository, NewMembership } from '../domain/membership';

/** Adds a member to the tenant in context (the operator CLI's first Admin, later the members API). */
@Injectable()
export class AddMember {
  constructor(private readonly memberships: MembershipRepository) {}

  execute(member: NewMembership): Promise<Membership> {
    return this.memberships.insert(member);
  }
}
