import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { declareTenantPrefixedIds } from '../tenancy';

export const AUDIT_HEADS_COLLECTION = 'audit_heads';

/**
 * Hints for finding a stream's head without scanning: `<tenantId>:head` holds a sequence number
 * the head is known to have reached (written now and then, possibly stale, never ahead), and
 * `<tenantId>:floor` the last sequence number retention removed (the chain continues above it).
 * The true head is found by probing `_id`s forward from the larger of the two.
 */
@Schema({ collection: AUDIT_HEADS_COLLECTION, strict: 'throw', versionKey: false })
export class AuditHeadRecord {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true, immutable: true })
  tenantId!: string;

  @Prop({ type: Number, required: true, min: 0 })
  seq!: number;
}

export const AuditHeadSchema = SchemaFactory.createForClass(AuditHeadRecord);
declareTenantPrefixedIds(AuditHeadSchema);
