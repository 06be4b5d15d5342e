import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema } from 'mongoose';
import { declareTenantPrefixedIds } from '../tenancy';

export const AUDIT_OUTBOX_COLLECTION = 'audit_outbox';

export type OutboxKind = 'intent' | 'outcome' | 'event';

/**
 * Audit records waiting to be chained (audit-relay.ts). Inserted, never updated; deleted once
 * the relay has appended the event they stand for. `_id` = `<tenantId>:<source>:<kind>`.
 * - intent: a mutation is about to run (written before the handler);
 * - outcome: how it ended, with its field changes (written before the response is sent);
 * - event: an access, denial or system event, complete as it is.
 * An intent whose outcome never comes (the process died) becomes an event with result `unknown`.
 */
@Schema({ collection: AUDIT_OUTBOX_COLLECTION, strict: 'throw', versionKey: false, minimize: false })
export class AuditOutboxRecord {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true, immutable: true })
  tenantId!: string;

  @Prop({ type: String, required: true })
  source!: string;

  @Prop({ type: String, required: true, enum: ['intent', 'outcome', 'event'] })
  kind!: OutboxKind;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  /** The AuditEventDraft (JSON). */
  @Prop({ type: MongooseSchema.Types.Mixed, required: true })
  draft!: Record<string, unknown>;
}

// No secondary index: the outbox holds only records in flight, every read of it is the relay's
// sweep over all of it, and each index would cost every insert on the request path.
export const AuditOutboxSchema = SchemaFactory.createForClass(AuditOutboxRecord);
declareTenantPrefixedIds(AuditOutboxSchema);
