import { Injectable } from '@nestjs/common';
import { RowScope } from '#src/kernel/auth/row-scope';
import { RevisionClaims } from '#src/kernel/concurrency/revision-claims';
import { assertIfMatch } from '#src/kernel/http/etag';
import { Opportunity, OpportunityRepository, planReopen } from '../domain/opportunity';
import { opportunityNotFound } from '../domain/opportunity.errors';
import { assertMayReopen, reopenStage } from '../domain/opportunity-stage';
import { OpportunityCaller } from './opportunity-caller';

/**
 * closed_won or closed_lost → negotiation (REOPEN_STAGE) at its default probability, clearing the
 * close reason, as the next revision (If-Match honoured). Staff and Admin only (403 for partner
 * users even when they hold opportunities:update, once the opportunity is found in their scope);
 * 409 invalid_transition from an open stage.
 */
@Injectable()
export class ReopenOpportunity {
  constructor(
    private readonly opportunities: OpportunityRepository,
    private readonly rowScope: RowScope,
    private readonly claims: RevisionClaims,
    private readonly caller: OpportunityCaller,
  ) {}

  async execute(id: string, reason: string | undefined, expected: number | '*' | undefined): Promise<Opportunity> {
    const scope = this.rowScope.filter('opportunities:update');
    const actor = this.caller.changeActor();
    return this.claims.applyChange(
      `opportunity:${id}`,
      expected,
      async () => {
        const opportunity = await this.opportunities.findById(id, scope);
        if (!opportunity) throw opportunityNotFound();
        // After the scoped read (404 first, like every id route), before the precondition and the state.
        assertMayReopen(actor.side);
        assertIfMatch(expected, opportunity.revision);
        reopenStage(opportunity.stage);
        return opportunity;
      },
      async (current, revision) => {
        const updated = await this.opportunities.applyRevision(current.id, revision, planReopen(current, reopenStage(current.stage), actor, reason));
        if (!updated) throw opportunityNotFound();
        return updated;
      },
    );
  }
}
