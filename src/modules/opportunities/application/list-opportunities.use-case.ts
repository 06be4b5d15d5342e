import { Injectable } from '@nestjs/common';
import { RowScope } from '#src/kernel/auth/row-scope';
import type { KeysetPageQuery } from '#src/kernel/http/keyset-page';
import type { Page } from '#src/kernel/http/page';
import { Opportunity, OpportunityRepository } from '../domain/opportunity';
import { OpportunityListFilter, opportunityPageRequest, toOpportunityPage } from '../domain/opportunity-list';

/** One page of opportunities in the caller's row scope, in a stable order (sort key, then id). */
@Injectable()
export class ListOpportunities {
  constructor(
    private readonly opportunities: OpportunityRepository,
    private readonly rowScope: RowScope,
  ) {}

  /** `query.sort`: `createdAt`, `-createdAt`, `updatedAt`, `amountMinor`, `name`, `expectedCloseDate`, … */
  async execute(filter: OpportunityListFilter, query: KeysetPageQuery): Promise<Page<Opportunity>> {
    const scope = this.rowScope.filter('opportunities:read');
    const request = opportunityPageRequest(query);
    return toOpportunityPage(await this.opportunities.list(filter, request, scope), request);
  }
}
