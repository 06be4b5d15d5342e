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
import type { Lead } from './lead';
import type { LeadStatus } from './lead-status';

export interface LeadListFilter {
  readonly status?: LeadStatus;
  readonly partnerId?: string;
  readonly ownerId?: string;
  /** Inclusive. */
  readonly createdFrom?: Date;
  /** Exclusive. */
  readonly createdTo?: Date;
  readonly updatedFrom?: Date;
  readonly updatedTo?: Date;
  /** Case-insensitive prefix of the company name. */
  readonly namePrefix?: string;
  /** Inclusive bounds on valueMinor (whatever the currency). */
  readonly minValue?: number;
  readonly maxValue?: number;
}

export const LEAD_SORT_FIELDS = ['createdAt', 'updatedAt', 'valueMinor', 'companyName'] as const;
export type LeadSortField = (typeof LEAD_SORT_FIELDS)[number];
/** `createdAt` ascending (oldest first) unless the caller asks otherwise. */
export const DEFAULT_LEAD_SORT: LeadSortField = 'createdAt';
/** What `?sort=` accepts: a field, optionally prefixed with `-` for descending. */
export const LEAD_SORT_VALUES: readonly string[] = sortParamValues(LEAD_SORT_FIELDS);

export type LeadSort = KeysetSort<LeadSortField>;
export type LeadPageRequest = KeysetPageRequest<LeadSortField>;

export function parseLeadSort(value: string | undefined): LeadSort {
  return parseKeysetSort(value, LEAD_SORT_FIELDS, DEFAULT_LEAD_SORT);
}

/** The stored value a lead is sorted by. */
export function sortValueOf(lead: Lead, field: LeadSortField): KeysetValue {
  switch (field) {
    case 'createdAt':
      return lead.createdAt;
    case 'updatedAt':
      return lead.updatedAt;
    case 'valueMinor':
      return lead.valueMinor;
    case 'companyName':
      return foldedSortKey(lead.companyName);
  }
}

const LEAD_CURSOR_KINDS: KeysetValueKinds<LeadSortField> = { createdAt: 'date', updatedAt: 'date', valueMinor: 'integer', companyName: 'string' };

/** The page a list query asks for: its sort, where its cursor resumes (same sort only) and its size. */
export function leadPageRequest(query: KeysetPageQuery): LeadPageRequest {
  return keysetPageRequest(parseLeadSort(query.sort), query, LEAD_CURSOR_KINDS);
}

/** Builds a page from limit+1 rows: the extra row only says "there is more". */
export function toLeadPage<T>(rows: Lead[], request: LeadPageRequest, view: (lead: Lead) => T): Page<T> {
  return toKeysetPage(rows, request, sortValueOf, view);
}
