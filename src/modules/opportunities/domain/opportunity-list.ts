import { foldedSortKey } from '#src/kernel/domain/text';
import type { KeysetSort, KeysetValue } from '#src/kernel/http/keyset-cursor';
import {
  KeysetPageQuery,
  KeysetPageRequest,
  keysetPageRequest,
  KeysetValueKinds,
  parseKeysetSort,
  sortParamValues,
  toKeysetPage,
} from '#src/kernel/http/keyset-page';
import type { Page } from '#src/kernel/http/page';
import type { Opportunity } from './opportunity';
import type { OpportunityStage } from './opportunity-stage';

/** Conditions a list (or an export) applies, ANDed together and with the caller's row scope. */
export interface OpportunityListFilter {
  readonly stage?: OpportunityStage;
  readonly partnerId?: string;
  readonly ownerId?: string;
  /** Inclusive. */
  readonly createdFrom?: Date;
  /** Exclusive. */
  readonly createdTo?: Date;
  readonly updatedFrom?: Date;
  readonly updatedTo?: Date;
  /** Case-insensitive prefix of the name. */
  readonly namePrefix?: string;
  /** Inclusive bounds on amountMinor (whatever the currency). */
  readonly minAmount?: number;
  readonly maxAmount?: number;
}

export const OPPORTUNITY_SORT_FIELDS = ['createdAt', 'updatedAt', 'amountMinor', 'name', 'expectedCloseDate'] as const;
export type OpportunitySortField = (typeof OPPORTUNITY_SORT_FIELDS)[number];
/** `createdAt` ascending (oldest first) unless the caller asks otherwise. */
export const DEFAULT_OPPORTUNITY_SORT: OpportunitySortField = 'createdAt';
/** What `?sort=` accepts: a field, optionally prefixed with `-` for descending. */
export const OPPORTUNITY_SORT_VALUES: readonly string[] = sortParamValues(OPPORTUNITY_SORT_FIELDS);

/**
 * How an opportunity without an expected close date sorts by expectedCloseDate: after every date
 * (`~` follows the digits), so ascending reads "soonest first, undated last".
 */
export const NO_CLOSE_DATE_KEY = '~';

export function closeDateSortKey(expectedCloseDate: string | undefined): string {
  return expectedCloseDate ?? NO_CLOSE_DATE_KEY;
}

export type OpportunitySort = KeysetSort<OpportunitySortField>;
export type OpportunityPageRequest = KeysetPageRequest<OpportunitySortField>;

export function parseOpportunitySort(value: string | undefined): OpportunitySort {
  return parseKeysetSort(value, OPPORTUNITY_SORT_FIELDS, DEFAULT_OPPORTUNITY_SORT);
}

/** The stored value an opportunity is sorted by. */
export function sortValueOf(opportunity: Opportunity, field: OpportunitySortField): KeysetValue {
  switch (field) {
    case 'createdAt':
      return opportunity.createdAt;
    case 'updatedAt':
      return opportunity.updatedAt;
    case 'amountMinor':
      return opportunity.amountMinor;
    case 'name':
      return foldedSortKey(opportunity.name);
    case 'expectedCloseDate':
      return closeDateSortKey(opportunity.expectedCloseDate);
  }
}

const OPPORTUNITY_CURSOR_KINDS: KeysetValueKinds<OpportunitySortField> = { createdAt: 'date', updatedAt: 'date', amountMinor: 'integer', name: 'string', expectedCloseDate: 'string' };

/** The page a list query asks for: its sort, where its cursor resumes (same sort only) and its size. */
export function opportunityPageRequest(query: KeysetPageQuery): OpportunityPageRequest {
  return keysetPageRequest(parseOpportunitySort(query.sort), query, OPPORTUNITY_CURSOR_KINDS);
}

/** Builds a page from limit+1 rows: the extra row only says "there is more". */
export function toOpportunityPage(rows: Opportunity[], request: OpportunityPageRequest): Page<Opportunity> {
  return toKeysetPage(rows, request, sortValueOf, (opportunity) => opportunity);
}
