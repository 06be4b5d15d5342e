import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema } from 'mongoose';

export const AUDIT_EVENTS_COLLECTION = 'audit_events';

/**
 * One chained audit event (audit-event.ts): `_id` = `<tenantId>:<seq>`, so reserving a sequence
 * number is an insert on `_id` (atomic on FerretDB and MongoDB alike), and the unique
 * (tenantId, source) index makes each source appear once per stream. `minimize: false` keeps
 * empty objects, which the hash covers. Append-only: see refuseChanges below.
 */
@Schema({ collection: AUDIT_EVENTS_COLLECTION, strict: 'throw', versionKey: false, minimize: false })
export class AuditEventRecord {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true, immutable: true })
  tenantId!: string;

  @Prop({ type: String, required: true })
  id!: string;

  @Prop({ type: Number, required: true, min: 1 })
  seq!: number;

  @Prop({ type: String, required: true })
  time!: string;

  @Prop({ type: String, required: true })
  type!: string;

  @Prop({ type: String, required: true })
  action!: string;

  @Prop({ type: MongooseSchema.Types.Mixed, required: true })
  actor!: Record<string, unknown>;

  @Prop({ type: MongooseSchema.Types.Mixed, default: undefined })
  target!: Record<string, unknown> | null;

  @Prop({ type: MongooseSchema.Types.Mixed, required: true })
  context!: Record<string, unknown>;

  @Prop({ type: MongooseSchema.Types.Mixed, required: true })
  outcome!: Record<string, unknown>;

  @Prop({ type: MongooseSchema.Types.Mixed, default: undefined })
  changes?: unknown[];

  @Prop({ type: MongooseSchema.Types.Mixed, default: undefined })
  data?: Record<string, unknown>;

  @Prop({ type: String, required: true })
  source!: string;

  @Prop({ type: String, required: true })
  prevHash!: string;

  @Prop({ type: String, required: true })
  hash!: string;
}

export const AuditEventSchema = SchemaFactory.createForClass(AuditEventRecord);
AuditEventSchema.index({ tenantId: 1, source: 1 }, { unique: true });
AuditEventSchema.index({ tenantId: 1, seq: -1 });

/** The only delete the trail allows: the retention job's, which names itself with this option. */
export const RETENTION_DELETE_OPTION = 'auditRetention';

const UPDATES = ['updateOne', 'updateMany', 'findOneAndUpdate', 'findOneAndReplace', 'replaceOne'] as const;
const DELETES = ['deleteOne', 'deleteMany', 'findOneAndDelete'] as const;

function refuseChanges(schema: MongooseSchema): void {
  for (const op of UPDATES) {
    schema.pre(op, function refuseUpdate() {
      throw new Error(`audit events are append-only: ${op} refused`);
    });
  }
  for (const op of DELETES) {
    schema.pre(op, { document: false, query: true }, function refuseDelete(this: { getOptions(): Record<string, unknown> }) {
      if (this.getOptions()[RETENTION_DELETE_OPTION] !== true) throw new Error(`audit events are append-only: ${op} refused`);
    });
  }
  schema.pre('save', function refuseResave(this: { isNew: boolean }) {
    if (!this.isNew) throw new Error('audit events are append-only: save of an existing event refused');
  });
  schema.pre('deleteOne', { document: true, query: false }, function refuseDocumentDelete() {
    throw new Error('audit events are append-only: document deleteOne refused');
  });
}
refuseChanges(AuditEventSchema);
