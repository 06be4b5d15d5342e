import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema } from 'mongoose';
import { declareTenantPrefixedIds } from '../tenancy';
import { appendOnly } from './append-only';

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
declareTenantPrefixedIds(AuditEventSchema);

appendOnly(AuditEventSchema, 'audit events', { allowRetentionDelete: true });
