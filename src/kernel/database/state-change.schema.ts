import { Schema } from 'mongoose';
import type { StateChange } from '../domain/state-history';
import { utf16Bound } from '../domain/text';

/** One state-history entry as stored (lead statuses, opportunity stages). */
export interface StateChangeRecord<S extends string> {
  from?: S;
  to: S;
  by: string;
  at: Date;
  reason?: string;
}

/**
 * The subdocument schema of a state history over `states`. Histories are arrays of these, never
 * nested arrays: FerretDB refuses those. `maxLength` is in code points, as the API bounds text.
 */
export function stateChangeSchema(states: readonly string[], maxLength: { by: number; reason: number }): Schema {
  return new Schema(
    {
      from: { type: String, enum: states },
      to: { type: String, required: true, enum: states },
      by: { type: String, required: true, maxlength: utf16Bound(maxLength.by) },
      at: { type: Date, required: true },
      reason: { type: String, maxlength: utf16Bound(maxLength.reason) },
    },
    { _id: false, strict: 'throw' },
  );
}

/** The domain entry; an empty or missing `from` / `reason` stays absent. */
export function toStateChange<S extends string>(record: StateChangeRecord<S>): StateChange<S> {
  return {
    ...(record.from ? { from: record.from } : {}),
    to: record.to,
    by: record.by,
    at: record.at,
    ...(record.reason ? { reason: record.reason } : {}),
  };
}
