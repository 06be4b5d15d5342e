import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { declareTenantPrefixedIds } from '../tenancy';
import { appendOnly } from './append-only';

export const AUDIT_DIGESTS_COLLECTION = 'audit_digests';

/**
 * A signed digest (audit-signing.ts AuditDigest): `_id` = `<tenantId>:d<digestSeq>`, so two
 * processes sealing the same stream cannot both take a digest number. Append-only like events.
 */
@Schema({ collection: AUDIT_DIGESTS_COLLECTION, strict: 'throw', versionKey: false })
export class AuditDigestRecord {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true, immutable: true })
  tenantId!: string;

  @Prop({ type: String, required: true })
  id!: string;

  @Prop({ type: Number, required: true, min: 1 })
  digestSeq!: number;

  @Prop({ type: String, required: true })
  time!: string;

  @Prop({ type: Number, required: true, min: 1 })
  headSeq!: number;

  @Prop({ type: String, required: true })
  headHash!: string;

  @Prop({ type: String, default: null })
  prevSignature!: string | null;

  @Prop({ type: String, required: true })
  keyId!: string;

  @Prop({ type: String, required: true })
  signature!: string;
}

export const AuditDigestSchema = SchemaFactory.createForClass(AuditDigestRecord);
AuditDigestSchema.index({ tenantId: 1, digestSeq: -1 });
declareTenantPrefixedIds(AuditDigestSchema);
appendOnly(AuditDigestSchema, 'audit digests');
