import { foldedSortKey } from '#src/kernel/domain/text';
import { DomainError } from '#src/kernel/errors/domain-error';
import { decodeKeysetCursor, encodeKeysetCursor, KeysetValueKind } from '#src/kernel/http/keyset-cursor';
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
export const DEFAULT_LEAD_SORT = 'createdAt';
/** What `?sort=` accepts: a field, optionally prefixed with `-` for descending. */
export const LEAD_SORT_VALUES: readonly string[] = LEAD_SORT_FIELDS.flatMap((f) => [f, `-${f}`]);

export interface LeadSort {
  readonly field: LeadSortField;
  readonly direction: 1 | -1;
}

export function parseLeadSort(value: string | undefined): LeadSort {
  const raw = value ?? DEFAULT_LEAD_SORT;
  const descending = raw.startsWith('-');
  const field = (descending ? raw.slice(1) : raw) as LeadSortField;
  if (!LEAD_SORT_FIELDS.includes(field)) {
    throw new DomainError('validation_failed', 'One or more fields are invalid.', { errors: [{ field: '/sort', message: `must be one of ${LEAD_SORT_VALUES.join(', ')}` }] });
  }
  return { field, direction: descending ? -1 : 1 };
}

/** A sort key as compared in the database: dates, integers, or the folded company name. */
export type SortValue = Date | number | string;

/** Where a page starts: just after the row with this sort value and id (the tie-breaker). */
export interface LeadCursorPosition {
  readonly value: SortValue;
  readonly id: string;
}

export interface LeadPageRequest {
  readonly sort: LeadSort;
  readonly after?: LeadCursorPosition;
  readonly limit: number;
}

export interface LeadPage<T> {
  readonly data: T[];
  readonly nextCursor: string | null;
}

/** The stored value a lead is sorted by. */
export function sortValueOf(lead: Lead, field: LeadSortField): SortValue {
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

const LEAD_CURSOR_KINDS: Readonly<Record<LeadSort['field'], KeysetValueKind>> = { createdAt: 'date', updatedAt: 'date', valueMinor: 'integer', companyName: 'string' };

export function encodeLeadCursor(sort: LeadSort, position: LeadCursorPosition): string {
  return encodeKeysetCursor(sort, position);
}

/** The position a cursor names; it must come from a list with the same sort. */
export function decodeLeadCursor(cursor: string, sort: LeadSort): LeadCursorPosition {
  return decodeKeysetCursor(cursor, sort, LEAD_CURSOR_KINDS[sort.field]);
}

/** Builds a page from limit+1 rows: the extra row only says "there is more". */
export function toLeadPage<T>(rows: Lead[], request: LeadPageRequest, view: (lead: Lead) => T): LeadPage<T> {
  const data = rows.slice(0, request.limit);
  const more = rows.length > request.limit && data.length > 0;
  const last = data[data.length - 1];
  return {
    data: data.map(view),
    nextCursor: more ? encodeLeadCursor(request.sort, { value: sortValueOf(last, request.sort.field), id: last.id }) : null,
  };
}
