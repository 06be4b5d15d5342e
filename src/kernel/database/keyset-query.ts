import { trusted } from 'mongoose';
import type { KeysetPosition, KeysetSort } from '../http/keyset-cursor';

// The database half of keyset pagination (the list half is src/kernel/http/keyset-page.ts): a
// page is "sorted by (key, _id), strictly after the last row of the previous page", never a skip,
// so a page costs the same wherever it starts and rows added meanwhile shift nothing.

/** Where each sort field is stored (e.g. `companyName` sorts by the folded `companyNameKey`). */
export type SortPaths<F extends string> = Readonly<Record<F, string>>;

/** Sort by the field's stored key, then by `_id` in the same direction: the order cursors assume. */
export function keysetSortSpec<F extends string>(sort: KeysetSort<F>, paths: SortPaths<F>): Record<string, 1 | -1> {
  return { [paths[sort.field]]: sort.direction, _id: sort.direction };
}

/** Rows strictly after `after` in that order: beyond its key, or on the same key and beyond its id. */
export function keysetAfter<F extends string>(sort: KeysetSort<F>, paths: SortPaths<F>, after: KeysetPosition): Record<string, unknown> {
  const path = paths[sort.field];
  const beyond = sort.direction === 1 ? '$gt' : '$lt';
  return { $or: [{ [path]: trusted({ [beyond]: after.value }) }, { [path]: { $eq: after.value }, _id: trusted({ [beyond]: after.id }) }] };
}
