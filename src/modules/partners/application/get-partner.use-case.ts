import { Injectable } from '@nestjs/common';
import { RowScope } from '#src/kernel/auth/row-scope';
import { Partner, PartnerRepository } from '../domain/partner';
import { partnerNotFound } from '../domain/partner.errors';

@Injectable()
export class GetPartner {
  constructor(
    private readonly partners: PartnerRepository,
    private readonly rowScope: RowScope,
  ) {}

  async execute(id: string): Promise<Partner> {
    const partner = await this.partners.findById(id, this.rowScope.filter('partners:read'));
    if (!partner) throw partnerNotFound();
    return partner;
  }
}
