import { Injectable } from '@nestjs/common';
import { Membership, MembershipRepository } from '../domain/membership';
import { membershipNotFound } from '../domain/membership.errors';

@Injectable()
export class GetMember {
  constructor(
    private readonly memberships: MembershipRepository,
  ) {}

  async execute(id: string): Promise<Membership> {
    const membership = await this.memberships.findById(id);
    if (!membership) throw membershipNotFound();
    return membership;
  }
}
