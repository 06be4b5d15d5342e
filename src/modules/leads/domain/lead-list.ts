import { DomainError } from '#src/kernel/errors/domain-error';
import type { Lead } from './lead';
import { nameSortKey } from './lead';
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
      return nameSortKey(lead.companyName);
  }
}

interface CursorBody {
  /** Sort the cursor belongs to, e.g. `-createdAt`. */
  s: string;
  /** Sort value: epoch ms for dates, the number, or the folded name. */
  v: number | string;
  i: string;
}

const sortName = (sort: LeadSort): string => `${sort.direction === -1 ? '-' : ''}${sort.field}`;

export function encodeLeadCursor(sort: LeadSort, position: LeadCursorPosition): string {
  const v = position.value instanceof Date ? position.value.getTime() : position.value;
  const body: CursorBody = { s: sortName(sort), v, i: position.id };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

function invalidCursor(message: string): DomainError {
  return new DomainError('validation_failed', 'The cursor is not valid.', { errors: [{ field: '/cursor', message }] });
}

/** The position a cursor names; it must come from a list with the same sort. */
export function decodeLeadCursor(cursor: string, sort: LeadSort): LeadCursorPosition {
  let body: Partial<CursorBody>;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorBody>;
  } catch {
    throw invalidCursor('is not a cursor this API issued');
  }
  if (body === null || typeof body !== 'object' || typeof body.i !== 'string' || !/^[0-9a-f]{24}$/.test(body.i)) {
    throw invalidCursor('is not a cursor this API issued');
  }
  if (body.s !== sortName(sort)) throw invalidCursor('belongs to a list with another sort order');
  const { v } = body;
  switch (sort.field) {
    case 'createdAt':
    case 'updatedAt':
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw invalidCursor('is not a cursor this API issued');
      return { value: new Date(v), id: body.i };
    case 'valueMinor':
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw invalidCursor('is not a cursor this API issued');
      return { value: v, id: body.i };
    case 'companyName':
      if (typeof v !== 'string') throw invalidCursor('is not a cursor this API issued');
      return { value: v, id: body.i };
  }
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
