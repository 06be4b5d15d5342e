import { Injectable } from '@nestjs/common';
import { RowScope } from '#src/kernel/auth/row-scope';
import { STALE_REVISION_CLAIM_MS } from '#src/kernel/concurrency/revision-claims';
import { DomainError } from '#src/kernel/errors/domain-error';
import { FindLeadForConversion, LeadForConversion, MarkLeadConverted } from '#src/modules/leads';
import { NewOpportunity, normalizeText, openingEntry, openingOf, Opportunity, OpportunityRepository } from '../domain/opportunity';
import { leadAlreadyConverted, leadNotApproved, tenantSideOnly } from '../domain/opportunity.errors';
import type { OpportunityStage } from '../domain/opportunity-stage';
import { OpportunityCaller } from './opportunity-caller';

/** Older than this, an opportunity whose lead is still approved was left by a conversion that died. */
export const INTERRUPTED_CONVERSION_MS = STALE_REVISION_CLAIM_MS;

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
    const opportunity = await this.insertOnce(lead, {
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

  /** The insert that decides convert-once; on losing it, finishes a conversion that was cut off. */
  private async insertOnce(lead: LeadForConversion, opportunity: NewOpportunity): Promise<Opportunity> {
    try {
      return await this.opportunities.insert(opportunity);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'lead_already_converted') await this.finishInterrupted(lead);
      throw error;
    }
  }

  /**
   * The lead is still approved but an opportunity already holds it: either another conversion is
   * between its two steps right now, or one died there (a crash, a kill during deploy) and the lead
   * would otherwise stay approved, unconvertible and later expire. Once the opportunity is older
   * than any live conversion takes, record the conversion it stands for. A live one is left alone:
   * marking its lead first would make it discard its own opportunity.
   */
  private async finishInterrupted(lead: LeadForConversion): Promise<void> {
    const holder = await this.opportunities.findByLead(lead.id);
    if (!holder || Date.now() - holder.createdAt.getTime() < INTERRUPTED_CONVERSION_MS) return;
    try {
      await this.markConverted.execute(lead.id, holder.id, lead.revision);
    } catch {
      // Someone else finished it, or the lead moved on: either way the answer stays "already converted".
    }
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
