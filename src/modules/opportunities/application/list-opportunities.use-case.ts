import { Injectable } from '@nestjs/common';
import { RowScope } from '#src/kernel/auth/row-scope';
import { DEFAULT_PAGE_SIZE } from '#src/kernel/http/pagination';
import { Opportunity, OpportunityRepository } from '../domain/opportunity';
import {
  decodeOpportunityCursor,
  OpportunityListFilter,
  OpportunityPage,
  OpportunityPageRequest,
  parseOpportunitySort,
  toOpportunityPage,
} from '../domain/opportunity-list';

export interface OpportunityPageQuery {
  /** `createdAt`, `-createdAt`, `updatedAt`, `amountMinor`, `name`, `expectedCloseDate`, … */
  readonly sort?: string;
  readonly cursor?: string;
  readonly limit?: number;
}

/** One page of opportunities in the caller's row scope, in a stable order (sort key, then id). */
@Injectable()
export class ListOpportunities {
  constructor(
    private readonly opportunities: OpportunityRepository,
    private readonly rowScope: RowScope,
  ) {}

  async execute(filter: OpportunityListFilter, query: OpportunityPageQuery): Promise<OpportunityPage<Opportunity>> {
    const scope = this.rowScope.filter('opportunities:read');
    const sort = parseOpportunitySort(query.sort);
    const request: OpportunityPageRequest = {
      sort,
      after: query.cursor === undefined ? undefined : decodeOpportunityCursor(query.cursor, sort),
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
    };
    return toOpportunityPage(await this.opportunities.list(filter, request, scope), request);
  }
}
