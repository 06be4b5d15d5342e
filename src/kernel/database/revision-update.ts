/** A `$set` (and `$unset` when something is cleared) for one write. */
export interface RevisionUpdate {
  $set: Record<string, unknown>;
  $unset?: Record<string, ''>;
}

/**
 * The update that writes `changes` as `revision`: null clears a field (PATCH's `null`), any other
 * value sets it. `derived` are stored fields computed from the changes (sort keys), set beside them.
 */
export function revisionUpdate(revision: number, changes: object, derived: Record<string, unknown> = {}): RevisionUpdate {
  const $set: Record<string, unknown> = { revision };
  const $unset: Record<string, ''> = {};
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) $unset[key] = '';
    else $set[key] = value;
  }
  Object.assign($set, derived);
  return Object.keys($unset).length > 0 ? { $set, $unset } : { $set };
}
