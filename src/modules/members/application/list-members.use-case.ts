import { Injectable } from '@nestjs/common';
import { RequestContext } from '#src/kernel/context/request-context';
import { Page, PageRequest, toPage } from '#src/kernel/http/pagination';
import { Membership, MembershipRepository } from '../domain/membership';
import { requireAdmin } from './require-admin';

@Injectable()
export class ListMembers {
  constructor(
    private readonly memberships: MembershipRepository,
    private readonly context: RequestContext,
  ) {}

  async execute(page: PageRequest): Promise<Page<Membership>> {
    requireAdmin(this.context.requireActor());
    return toPage(await this.memberships.list(page), page);
  }
}
