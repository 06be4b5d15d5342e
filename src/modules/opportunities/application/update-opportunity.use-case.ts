import { Injectable } from '@nestjs/common';
import { RowScope } from '#src/kernel/auth/row-scope';
import { RevisionClaims } from '#src/kernel/concurrency/revision-claims';
import { assertIfMatch } from '#src/kernel/http/etag';
import {
  hasChanges,
  normalizeChanges,
  Opportunity,
  OpportunityChanges,
  OpportunityRepository,
  OpportunityWrite,
  planChanges,
  RowFilter,
} from '../domain/opportunity';
import { fieldsNotAllowed, opportunityNotFound } from '../domain/opportunity.errors';
import { OpportunityCaller } from './opportunity-caller';
import { OpportunityOwners } from './opportunity-owners';

interface Planned {
  readonly current: Opportunity;
  readonly write: OpportunityWrite;
  readonly revision: number;
}

/**
 * Applies a partial change as the next revision, honouring If-Match (checked first: 412). Stage
 * changes go through the domain state machine (planChanges); closed opportunities are read-only
 * (409 opportunity_closed). Partner-side users never set the owner.
 */
@Injectable()
export class UpdateOpportunity {
  constructor(
    private readonly opportunities: OpportunityRepository,
    private readonly rowScope: RowScope,
    private readonly claims: RevisionClaims,
    private readonly caller: OpportunityCaller,
    private readonly owners: OpportunityOwners,
  ) {}

  async execute(id: string, requested: OpportunityChanges, expected: number | '*' | undefined): Promise<Opportunity> {
    const scope = this.rowScope.filter('opportunities:update');
    if (this.caller.partnerSide && requested.ownerId !== undefined) throw fieldsNotAllowed(['ownerId'], 'may be set only by Staff or Admin');
    const changes = normalizeChanges(requested);
    // A first look, so a change that writes nothing (empty, or the current stage restated) makes no revision.
    const first = await this.plan(id, scope, changes, expected);
    if (!hasChanges(first.write)) return first.current;
    return this.claims.applyChange(
      `opportunity:${id}`,
      expected,
      () => this.plan(id, scope, changes, expected),
      async (planned, revision) => {
        const updated = await this.opportunities.applyRevision(planned.current.id, revision, planned.write);
        if (!updated) throw opportunityNotFound();
        return updated;
      },
    );
  }

  private async plan(id: string, scope: RowFilter, changes: OpportunityChanges, expected: number | '*' | undefined): Promise<Planned> {
    const current = await this.opportunities.findById(id, scope);
    if (!current) throw opportunityNotFound();
    // Before the state machine, so a stale ETag is a 412 whatever the stage now is.
    assertIfMatch(expected, current.revision);
    const write = planChanges(current, changes, this.caller.changeActor());
    if (write.ownerId !== undefined) await this.owners.assertAssignable(write.ownerId, current.partnerId);
    return { current, write, revision: current.revision };
  }
}
