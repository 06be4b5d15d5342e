import { DomainError } from '../errors/domain-error';

/** A sort key's value as compared in the database: a date, an integer or a (folded or keyed) string. */
export type KeysetValue = Date | number | string;

/** A list position: the sort key's value and the id that breaks ties. */
export interface KeysetPosition {
  readonly value: KeysetValue;
  readonly id: string;
}

/** A list's sort: one of its whitelisted fields, ascending (1) or descending (-1). */
export interface KeysetSort<F extends string = string> {
  readonly field: F;
  readonly direction: 1 | -1;
}

/** How a sort field's value travels in a cursor: dates as epoch ms, integers, strings. */
export type KeysetValueKind = 'date' | 'integer' | 'string';

interface CursorBody {
  /** Sort the cursor belongs to, e.g. `-createdAt`. */
  s: string;
  v: number | string;
  i: string;
}

const sortName = (sort: KeysetSort): string => `${sort.direction === -1 ? '-' : ''}${sort.field}`;

function invalidCursor(message: string): DomainError {
  return new DomainError('validation_failed', 'The cursor is not valid.', { errors: [{ field: '/cursor', message }] });
}

/** An opaque cursor for keyset pagination (sort key, then id): stable while rows are added. */
export function encodeKeysetCursor(sort: KeysetSort, position: KeysetPosition): string {
  const v = position.value instanceof Date ? position.value.getTime() : position.value;
  const body: CursorBody = { s: sortName(sort), v, i: position.id };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

/** The position a cursor names; it must come from a list with the same sort. */
export function decodeKeysetCursor(cursor: string, sort: KeysetSort, kind: KeysetValueKind): KeysetPosition {
  let body: Partial<CursorBody> | null;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorBody> | null;
  } catch {
    throw invalidCursor('is not a cursor this API issued');
  }
  if (body === null || typeof body !== 'object' || typeof body.i !== 'string' || !/^[0-9a-f]{24}$/.test(body.i)) {
    throw invalidCursor('is not a cursor this API issued');
  }
  if (body.s !== sortName(sort)) throw invalidCursor('belongs to a list with another sort order');
  const { v } = body;
  if (kind === 'string') {
    if (typeof v !== 'string') throw invalidCursor('is not a cursor this API issued');
    return { value: v, id: body.i };
  }
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw invalidCursor('is not a cursor this API issued');
  return { value: kind === 'date' ? new Date(v) : v, id: body.i };
}
