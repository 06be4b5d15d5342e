import { Injectable } from '@nestjs/common';
import { RowScope } from '#src/kernel/auth/row-scope';
import { DomainError } from '#src/kernel/errors/domain-error';
import { FindLeadForConversion, LeadForConversion, MarkLeadConverted } from '#src/modules/leads';
import { normalizeText, openingEntry, openingOf, Opportunity, OpportunityRepository } from '../domain/opportunity';
import { leadAlreadyConverted, leadNotApproved, tenantSideOnly } from '../domain/opportunity.errors';
import type { OpportunityStage } from '../domain/opportunity-stage';
import { OpportunityCaller } from './opportunity-caller';

/** What the caller may choose for the new opportunity; everything else comes from the lead. */
export interface ConversionOptions {
  /** Default: the lead's company name. */
  readonly name?: string;
  /** An open stage; default prospecting. */
  readonly stage?: OpportunityStage;
  /** Default: the stage's probability. */
  readonly probability?: number;
  /** Default: the lead's. */
  readonly expectedCloseDate?: string;
}

/**
 * Converts an approved lead into an opportunity that inherits its partner, owner, value and
 * currency. Staff and Admin only. The convert-once guarantee is the opportunity's insert against
 * the unique (tenantId, lead) index: of any number of concurrent conversions exactly one inserts,
 * the others get 409 lead_already_converted. The winner then records the conversion on the lead
 * (MarkLeadConverted, at the revision it read); if that fails, the opportunity is removed again
 * so the lead stays convertible, and the error is the answer.
 */
@Injectable()
export class ConvertLead {
  constructor(
    private readonly opportunities: OpportunityRepository,
    private readonly rowScope: RowScope,
    private readonly caller: OpportunityCaller,
    private readonly findLead: FindLeadForConversion,
    private readonly markConverted: MarkLeadConverted,
  ) {}

  async execute(leadId: string, options: ConversionOptions = {}): Promise<Opportunity> {
    this.rowScope.filter('opportunities:create');
    const opening = openingOf(options.stage, options.probability);
    const lead = await this.findLead.execute(leadId);
    // After the scoped lookup (404 first, like every id route).
    if (this.caller.partnerSide) throw tenantSideOnly('convert a lead into an opportunity');
    assertConvertible(lead);
    const by = this.caller.by;
    const expectedCloseDate = options.expectedCloseDate ?? lead.expectedCloseDate;
    const opportunity = await this.opportunities.insert({
      id: this.opportunities.newId(),
      name: options.name === undefined ? lead.companyName : normalizeText(options.name),
      amountMinor: lead.valueMinor,
      currency: lead.currency,
      ...opening,
      ...(expectedCloseDate === undefined ? {} : { expectedCloseDate }),
      partnerId: lead.partnerId,
      ownerId: lead.ownerId,
      leadId: lead.id,
      stageHistory: [openingEntry(opening.stage, { by, at: new Date() })],
    });
    try {
      await this.markConverted.execute(lead.id, opportunity.id, lead.revision);
    } catch (error) {
      await this.opportunities.discard(opportunity.id);
      throw leadChangedMeanwhile(error);
    }
    return opportunity;
  }
}

function assertConvertible(lead: LeadForConversion): void {
  if (lead.status === 'converted') throw leadAlreadyConverted();
  if (lead.status !== 'approved') throw leadNotApproved(lead.status);
}

/**
 * The lead moved on between our read and our write (an edit, an expiry): a 412 would puzzle a caller
 * that sent no If-Match, so it is a 409 asking to retry; other errors pass as they are.
 */
function leadChangedMeanwhile(error: unknown): unknown {
  if (error instanceof DomainError && error.code === 'precondition_failed') {
    return new DomainError('conflict', 'The lead changed while it was being converted; re-read it and retry.', { cause: error });
  }
  return error;
}
