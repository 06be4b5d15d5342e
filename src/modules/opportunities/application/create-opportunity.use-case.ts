import { Injectable } from '@nestjs/common';
import { RowScope } from '#src/kernel/auth/row-scope';
import { FindActivePartner } from '#src/modules/partners';
import { normalizeDraft, openingEntry, Opportunity, OpportunityDraft, OpportunityRepository, SERVER_OWNED_FIELDS } from '../domain/opportunity';
import { fieldsNotAllowed, partnerRequired, partnerSuspended, unknownPartner } from '../domain/opportunity.errors';
import { OpportunityCaller } from './opportunity-caller';
import { OpportunityOwners } from './opportunity-owners';

/**
 * Opens an opportunity at revision 1 in an open stage (default prospecting, probability from the
 * stage unless given). Partner-side callers (when granted opportunities:create) open it for their own
 * partner organization as themselves; Staff and Admin name the partner and may name the owner.
 */
@Injectable()
export class CreateOpportunity {
  constructor(
    private readonly opportunities: OpportunityRepository,
    private readonly rowScope: RowScope,
    private readonly caller: OpportunityCaller,
    private readonly partners: FindActivePartner,
    private readonly owners: OpportunityOwners,
  ) {}

  async execute(draft: OpportunityDraft): Promise<Opportunity> {
    this.rowScope.filter('opportunities:create');
    const { partnerId, ownerId } = await this.partyOf(draft);
    const fields = normalizeDraft(draft);
    const partner = await this.partners.execute(partnerId);
    if (!partner) throw this.caller.partnerSide ? partnerSuspended() : unknownPartner();
    if (partner.status === 'suspended') throw partnerSuspended();
    if (!this.caller.partnerSide && draft.ownerId !== undefined) await this.owners.assertAssignable(draft.ownerId, partnerId);
    const by = this.caller.by;
    return this.opportunities.insert({
      ...fields,
      id: this.opportunities.newId(),
      partnerId,
      ownerId,
      stageHistory: [openingEntry(fields.stage, { by, at: new Date() })],
    });
  }

  private async partyOf(draft: OpportunityDraft): Promise<{ partnerId: string; ownerId: string }> {
    const actor = this.caller.partnerSide;
    if (actor) {
      const serverOwned = SERVER_OWNED_FIELDS.filter((f) => draft[f] !== undefined);
      if (serverOwned.length > 0) throw fieldsNotAllowed(serverOwned, 'is set by the server for partner users');
      if (actor.partnerId === undefined) throw partnerSuspended();
      return { partnerId: actor.partnerId, ownerId: actor.sub };
    }
    if (draft.partnerId === undefined) throw partnerRequired();
    return { partnerId: draft.partnerId, ownerId: draft.ownerId ?? this.caller.by };
  }
}
