import { Injectable } from '@nestjs/common';
import { Page, PageRequest, toPage } from '#src/kernel/http/pagination';
import { Membership, MembershipRepository } from '../domain/membership';

@Injectable()
export class ListMembers {
  constructor(
    private readonly memberships: MembershipRepository,
  ) {}

  async execute(page: PageRequest): Promise<Page<Membership>> {
    return toPage(await this.memberships.list(page), page);
  }
}
