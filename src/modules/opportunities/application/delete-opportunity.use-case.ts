import { Injectable } from '@nestjs/common';
import { RowScope } from '#src/kernel/auth/row-scope';
import { RevisionClaims } from '#src/kernel/concurrency/revision-claims';
import { assertIfMatch } from '#src/kernel/http/etag';
import { OpportunityRepository } from '../domain/opportunity';
import { opportunityNotFound } from '../domain/opportunity.errors';
import { isClosedStage, opportunityClosed } from '../domain/opportunity-stage';

/**
 * Soft-deletes an opportunity as its next revision, honouring If-Match; it then answers 404
 * everywhere. A closed opportunity is read-only, so it is not deleted either (reopen it first).
 */
@Injectable()
export class DeleteOpportunity {
  constructor(
    private readonly opportunities: OpportunityRepository,
    private readonly rowScope: RowScope,
    private readonly claims: RevisionClaims,
  ) {}

  async execute(id: string, expected: number | '*' | undefined): Promise<void> {
    const scope = this.rowScope.filter('opportunities:delete');
    await this.claims.applyChange(
      `opportunity:${id}`,
      expected,
      async () => {
        const opportunity = await this.opportunities.findById(id, scope);
        if (!opportunity) throw opportunityNotFound();
        assertIfMatch(expected, opportunity.revision);
        if (isClosedStage(opportunity.stage)) throw opportunityClosed(opportunity.stage);
        return opportunity;
      },
      (current, revision) => this.opportunities.markDeleted(current.id, revision, new Date()),
    );
  }
}
