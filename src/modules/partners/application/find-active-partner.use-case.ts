import { Injectable } from '@nestjs/common';
import { NO_ROW_SCOPE, PartnerRepository, PartnerStatus } from '../domain/partner';

export interface PartnerReference {
  readonly id: string;
  readonly status: PartnerStatus;
}

/**
 * For other features: the partner with this id in the tenant in context, unless it is deleted
 * (any status, so callers can refuse suspended ones themselves); undefined otherwise. Ignores the
 * caller's row scope on purpose: it validates references, it does not show partners to anyone.
 */
@Injectable()
export class FindActivePartner {
  constructor(private readonly partners: PartnerRepository) {}

  async execute(id: string): Promise<PartnerReference | undefined> {
    const partner = await this.partners.findById(id, NO_ROW_SCOPE);
    return partner && { id: partner.id, status: partner.status };
  }
}
