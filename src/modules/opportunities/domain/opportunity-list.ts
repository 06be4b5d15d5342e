import { foldedSortKey } from '#src/kernel/domain/text';
import { DomainError } from '#src/kernel/errors/domain-error';
import { decodeKeysetCursor, encodeKeysetCursor, KeysetValueKind } from '#src/kernel/http/keyset-cursor';
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
export const DEFAULT_OPPORTUNITY_SORT = 'createdAt';
/** What `?sort=` accepts: a field, optionally prefixed with `-` for descending. */
export const OPPORTUNITY_SORT_VALUES: readonly string[] = OPPORTUNITY_SORT_FIELDS.flatMap((f) => [f, `-${f}`]);

/**
 * How an opportunity without an expected close date sorts by expectedCloseDate: after every date
 * (`~` follows the digits), so ascending reads "soonest first, undated last".
 */
export const NO_CLOSE_DATE_KEY = '~';

export function closeDateSortKey(expectedCloseDate: string | undefined): string {
  return expectedCloseDate ?? NO_CLOSE_DATE_KEY;
}

export interface OpportunitySort {
  readonly field: OpportunitySortField;
  readonly direction: 1 | -1;
}

function invalidSort(): DomainError {
  return new DomainError('validation_failed', 'One or more fields are invalid.', {
    errors: [{ field: '/sort', message: `must be one of ${OPPORTUNITY_SORT_VALUES.join(', ')}` }],
  });
}

export function parseOpportunitySort(value: string | undefined): OpportunitySort {
  const raw = value ?? DEFAULT_OPPORTUNITY_SORT;
  const descending = raw.startsWith('-');
  const field = (descending ? raw.slice(1) : raw) as OpportunitySortField;
  if (!OPPORTUNITY_SORT_FIELDS.includes(field)) throw invalidSort();
  return { field, direction: descending ? -1 : 1 };
}

/** A sort key as compared in the database: dates, integers, or folded / keyed strings. */
export type SortValue = Date | number | string;

/** Where a page starts: just after the row with this sort value and id (the tie-breaker). */
export interface OpportunityCursorPosition {
  readonly value: SortValue;
  readonly id: string;
}

export interface OpportunityPageRequest {
  readonly sort: OpportunitySort;
  readonly after?: OpportunityCursorPosition;
  readonly limit: number;
}

export interface OpportunityPage<T> {
  readonly data: T[];
  readonly nextCursor: string | null;
}

/** The stored value an opportunity is sorted by. */
export function sortValueOf(opportunity: Opportunity, field: OpportunitySortField): SortValue {
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

const OPPORTUNITY_CURSOR_KINDS: Readonly<Record<OpportunitySort['field'], KeysetValueKind>> = { createdAt: 'date', updatedAt: 'date', amountMinor: 'integer', name: 'string', expectedCloseDate: 'string' };

export function encodeOpportunityCursor(sort: OpportunitySort, position: OpportunityCursorPosition): string {
  return encodeKeysetCursor(sort, position);
}

/** The position a cursor names; it must come from a list with the same sort. */
export function decodeOpportunityCursor(cursor: string, sort: OpportunitySort): OpportunityCursorPosition {
  return decodeKeysetCursor(cursor, sort, OPPORTUNITY_CURSOR_KINDS[sort.field]);
}

/** Builds a page from limit+1 rows: the extra row only says "there is more". */
export function toOpportunityPage(rows: Opportunity[], request: OpportunityPageRequest): OpportunityPage<Opportunity> {
  const data = rows.slice(0, request.limit);
  const more = rows.length > request.limit && data.length > 0;
  const last = data[data.length - 1];
  return {
    data,
    nextCursor: more ? encodeOpportunityCursor(request.sort, { value: sortValueOf(last, request.sort.field), id: last.id }) : null,
  };
}
