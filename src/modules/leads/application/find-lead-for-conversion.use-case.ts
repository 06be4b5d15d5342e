import { Injectable } from '@nestjs/common';
import { RowScope } from '#src/kernel/auth/row-scope';
import { Lead, LeadContact, LeadRepository } from '../domain/lead';
import { leadNotFound } from '../domain/lead.errors';
import type { LeadStatus } from '../domain/lead-status';

/** What the opportunities feature needs to open an opportunity from a lead. */
export interface LeadForConversion {
  readonly id: string;
  readonly status: LeadStatus;
  readonly partnerId: string;
  readonly ownerId: string;
  readonly companyName: string;
  readonly companyDomain: string;
  readonly contact: LeadContact;
  readonly valueMinor: number;
  readonly currency: string;
  /** `YYYY-MM-DD`. */
  readonly expectedCloseDate?: string;
  /** Pass it back to MarkLeadConverted as the expected revision. */
  readonly revision: number;
  /** Set once converted. */
  readonly convertedOpportunityId?: string;
}

export function leadForConversion(lead: Lead): LeadForConversion {
  return {
    id: lead.id,
    status: lead.status,
    partnerId: lead.partnerId,
    ownerId: lead.ownerId,
    companyName: lead.companyName,
    companyDomain: lead.companyDomain,
    contact: lead.contact,
    valueMinor: lead.valueMinor,
    currency: lead.currency,
    ...(lead.expectedCloseDate === undefined ? {} : { expectedCloseDate: lead.expectedCloseDate }),
    revision: lead.revision,
    ...(lead.convertedOpportunityId === undefined ? {} : { convertedOpportunityId: lead.convertedOpportunityId }),
  };
}

/**
 * For the opportunities feature: the lead with this id, if the caller may change it (row scope of
 * leads:update: Partner users their partner's leads, Agents their own, Staff and Admin all,
 * system actors all). Any status: the caller decides, MarkLeadConverted enforces `approved`.
 * Throws not_found (404) otherwise, exactly as GET /v1/leads/{id} would.
 */
@Injectable()
export class FindLeadForConversion {
  constructor(
    private readonly leads: LeadRepository,
    private readonly rowScope: RowScope,
  ) {}

  async execute(id: string): Promise<LeadForConversion> {
    const lead = await this.leads.findById(id, this.rowScope.filter('leads:update'));
    if (!lead) throw leadNotFound();
    return leadForConversion(lead);
  }
}
