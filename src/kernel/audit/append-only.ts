import type { Schema } from 'mongoose';

/** The only delete the trail allows: the retention job's, which names itself with this query option. */
export const RETENTION_DELETE_OPTION = 'auditRetention';

const UPDATES = ['updateOne', 'updateMany', 'findOneAndUpdate', 'findOneAndReplace', 'replaceOne'] as const;
const DELETES = ['deleteOne', 'deleteMany', 'findOneAndDelete'] as const;

/**
 * Makes a schema's documents insert-only: every update, replace, re-save and delete is refused
 * by a hook (no code path can change a stored record), except, where allowed, a delete that
 * carries RETENTION_DELETE_OPTION. The database role in docs/audit.md enforces the same below us.
 */
export function appendOnly(schema: Schema, what: string, options: { allowRetentionDelete?: boolean } = {}): void {
  const refuse = (op: string): never => {
    throw new Error(`${what} are append-only: ${op} refused`);
  };
  for (const op of UPDATES) schema.pre(op, () => refuse(op));
  for (const op of DELETES) {
    schema.pre(op, { document: false, query: true }, function refuseDelete(this: { getOptions(): Record<string, unknown> }) {
      if (!(options.allowRetentionDelete && this.getOptions()[RETENTION_DELETE_OPTION] === true)) refuse(op);
    });
  }
  schema.pre('save', function refuseResave(this: { isNew: boolean }) {
    if (!this.isNew) refuse('save of an existing record');
  });
  schema.pre('deleteOne', { document: true, query: false }, () => refuse('document deleteOne'));
}
