/** One entry of a state history (a lead's statuses, an opportunity's stages); `from` is absent on the first. */
export interface StateChange<S extends string> {
  readonly from?: S;
  readonly to: S;
  /** The actor's `sub`, or a system actor's name. */
  readonly by: string;
  readonly at: Date;
  readonly reason?: string;
}

/**
 * `history` with `entry` appended, at most `limit` entries long: beyond it the first entry (how
 * the record started) and the latest changes stay, so a document never outgrows its size limit.
 */
export function appendCappedHistory<E>(history: readonly E[], entry: E, limit: number): E[] {
  const next = [...history, entry];
  if (next.length <= limit) return next;
  return [next[0], ...next.slice(next.length - (limit - 1))];
}
