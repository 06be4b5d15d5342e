import { Injectable } from '@nestjs/common';
import { RowScope } from '#src/kernel/auth/row-scope';
import { Page, PageRequest, toPage } from '#src/kernel/http/pagination';
import { Partner, PartnerListFilter, PartnerRepository } from '../domain/partner';

@Injectable()
export class ListPartners {
  constructor(
    private readonly partners: PartnerRepository,
    private readonly rowScope: RowScope,
  ) {}

  async execute(filter: PartnerListFilter, page: PageRequest): Promise<Page<Partner>> {
    const scope = this.rowScope.filter('partners:read');
    return toPage(await this.partners.list(filter, page, scope), page);
  }
}
