import { CURSOR_EXPORT_BATCH_SIZE } from '#src/kernel/export';
import { Injectable } from '@nestjs/common';
import { RowScope } from '#src/kernel/auth/row-scope';
import { OpportunityRepository, OpportunityView } from '../domain/opportunity';
import { OpportunityListFilter, parseOpportunitySort } from '../domain/opportunity-list';

/** Opportunities are read from the database this many at a time while an export streams (see the kernel's reason). */
export const OPPORTUNITY_EXPORT_BATCH_SIZE = CURSOR_EXPORT_BATCH_SIZE;

export interface OpportunityStreamOptions {
  /** A list sort (`createdAt`, `-amountMinor`, …); without one, id order (cheapest on FerretDB). */
  readonly sort?: string;
}

/**
 * For CSV export: every opportunity matching `filter` in the caller's row scope for
 * opportunities:export (Partner users: their partner's; Agents: their own), deleted ones left out.
 * The permission and scope are checked when execute() is called, in the request context (403
 * permission_denied, 400 for an unknown sort); rows are read lazily, OPPORTUNITY_EXPORT_BATCH_SIZE
 * per database batch, as the iterable is consumed, which must happen in that same context. Stopping
 * early (return()) closes the database cursor.
 */
@Injectable()
export class StreamOpportunities {
  constructor(
    private readonly opportunities: OpportunityRepository,
    private readonly rowScope: RowScope,
  ) {}

  execute(filter: OpportunityListFilter, options: OpportunityStreamOptions = {}): AsyncIterable<OpportunityView> {
    const scope = this.rowScope.filter('opportunities:export');
    const sort = options.sort === undefined ? undefined : parseOpportunitySort(options.sort);
    return this.opportunities.stream(filter, sort, scope, OPPORTUNITY_EXPORT_BATCH_SIZE);
  }
}
