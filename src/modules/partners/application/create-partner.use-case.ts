import { Injectable } from '@nestjs/common';
import { newPartnerFrom, Partner, PartnerDraft, PartnerRepository } from '../domain/partner';
import { PartnerOwners } from './partner-owners';

/** Adds a partner organization to the tenant in context, at revision 1. */
@Injectable()
export class CreatePartner {
  constructor(
    private readonly partners: PartnerRepository,
    private readonly owners: PartnerOwners,
  ) {}

  async execute(draft: PartnerDraft): Promise<Partner> {
    const partner = newPartnerFrom(draft);
    if (partner.ownerId !== undefined) await this.owners.assertAssignable(partner.ownerId);
    return this.partners.insert(partner);
  }
}
