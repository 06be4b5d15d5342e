import type { StateChange } from '../domain/state-history';

/** A state-history entry (statuses, stages) as responses show it: the instant in ISO 8601. */
export interface StateChangeView<S extends string> {
  from?: S;
  to: S;
  by: string;
  at: string;
  reason?: string;
}

export function toStateChangeView<S extends string>(change: StateChange<S>): StateChangeView<S> {
  return { from: change.from, to: change.to, by: change.by, at: change.at.toISOString(), reason: change.reason };
}
