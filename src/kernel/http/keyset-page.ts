import { DomainError } from '../errors/domain-error';
import { decodeKeysetCursor, encodeKeysetCursor, KeysetPosition, KeysetSort, KeysetValue, KeysetValueKind } from './keyset-cursor';
import { DEFAULT_PAGE_SIZE, Page } from './page';

// The list-side half of keyset pagination, shared by the features that sort their lists; the
// database half is src/kernel/database/keyset-query.ts. Free of framework imports (domain code uses it).

/** What a list query says about paging: `?sort=`, `?cursor=`, `?limit=`. */
export interface KeysetPageQuery {
  readonly sort?: string;
  readonly cursor?: string;
  readonly limit?: number;
}

/** What a repository needs to read one page: the sort, where to resume, and at most `limit` rows (it reads limit + 1). */
export interface KeysetPageRequest<F extends string = string> {
  readonly sort: KeysetSort<F>;
  /** Just after the row with this sort value and id (the tie-breaker); absent on the first page. */
  readonly after?: KeysetPosition;
  readonly limit: number;
}

/** How each sort field's value travels in a cursor. */
export type KeysetValueKinds<F extends string> = Readonly<Record<F, KeysetValueKind>>;

/** What `?sort=` accepts: each field, and each with `-` in front for descending. */
export function sortParamValues(fields: readonly string[]): string[] {
  return fields.flatMap((field) => [field, `-${field}`]);
}

/** The sort `value` names, or `fallback` ascending without one; anything off the whitelist is a 400 on `/sort`. */
export function parseKeysetSort<F extends string>(value: string | undefined, fields: readonly F[], fallback: F): KeysetSort<F> {
  const raw = value ?? fallback;
  const descending = raw.startsWith('-');
  const field = (descending ? raw.slice(1) : raw) as F;
  if (!fields.includes(field)) {
    throw new DomainError('validation_failed', 'One or more fields are invalid.', {
      errors: [{ field: '/sort', message: `must be one of ${sortParamValues(fields).join(', ')}` }],
    });
  }
  return { field, direction: descending ? -1 : 1 };
}

/** The page a query asks for under `sort`; its cursor must come from a list with the same sort. */
export function keysetPageRequest<F extends string>(sort: KeysetSort<F>, query: KeysetPageQuery, kinds: KeysetValueKinds<F>): KeysetPageRequest<F> {
  return {
    sort,
    after: query.cursor === undefined ? undefined : decodeKeysetCursor(query.cursor, sort, kinds[sort.field]),
    limit: query.limit ?? DEFAULT_PAGE_SIZE,
  };
}

/** A page from limit + 1 rows: the extra row only says "there is more"; the cursor names the last row shown. */
export function toKeysetPage<R extends { readonly id: string }, F extends string, T>(
  rows: readonly R[],
  request: KeysetPageRequest<F>,
  sortValueOf: (row: R, field: F) => KeysetValue,
  view: (row: R) => T,
): Page<T> {
  const data = rows.slice(0, request.limit);
  const more = rows.length > request.limit && data.length > 0;
  const last = data[data.length - 1];
  return {
    data: data.map(view),
    nextCursor: more ? encodeKeysetCursor(request.sort, { value: sortValueOf(last, request.sort.field), id: last.id }) : null,
  };
}
