import { Injectable } from '@nestjs/common';
import { RequestContext } from '#src/kernel/context/request-context';
import { Membership, MembershipRepository } from '../domain/membership';
import { membershipNotFound } from '../domain/membership.errors';
import { requireAdmin } from './require-admin';

@Injectable()
export class GetMember {
  constructor(
    private readonly memberships: MembershipRepository,
    private readonly context: RequestContext,
  ) {}

  async execute(id: string): Promise<Membership> {
    requireAdmin(this.context.requireActor());
    const membership = await this.memberships.findById(id);
    if (!membership) throw membershipNotFound();
    return membership;
  }
}
