import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument } from 'mongoose';
import { DeletedAtProp, RevisionProp, TenantIdProp } from '#src/kernel/database/record-fields';
import { StateChangeRecord, stateChangeSchema } from '#src/kernel/database/state-change.schema';
import { OPPORTUNITY_LIMITS } from '../domain/opportunity';
import { OPPORTUNITY_STAGES, OpportunityStage } from '../domain/opportunity-stage';
import { utf16Bound } from '#src/kernel/domain/text';

export const OPPORTUNITIES_COLLECTION = 'opportunities';

const StageChangeSchema = stateChangeSchema(OPPORTUNITY_STAGES, { by: OPPORTUNITY_LIMITS.sub, reason: OPPORTUNITY_LIMITS.closeReason });

@Schema({ collection: OPPORTUNITIES_COLLECTION, timestamps: true, strict: 'throw' })
export class OpportunityRecord {
  // An ObjectId's hex as a string, chosen before the insert.
  @Prop({ type: String, required: true })
  _id!: string;

  @TenantIdProp()
  tenantId!: string;

  @Prop({ type: String, required: true, maxlength: utf16Bound(OPPORTUNITY_LIMITS.name) })
  name!: string;

  /** The name folded to lower case: what sorting and the `q` prefix compare. */
  @Prop({ type: String, required: true, maxlength: OPPORTUNITY_LIMITS.name * 2 })
  nameKey!: string;

  @Prop({ type: Number, required: true, min: 0, max: OPPORTUNITY_LIMITS.amountMinor, validate: Number.isSafeInteger })
  amountMinor!: number;

  @Prop({ type: String, required: true, match: /^[A-Z]{3}$/ })
  currency!: string;

  @Prop({ type: String, required: true, enum: OPPORTUNITY_STAGES })
  stage!: OpportunityStage;

  @Prop({ type: Number, required: true, min: 0, max: OPPORTUNITY_LIMITS.probability, validate: Number.isSafeInteger })
  probability!: number;

  @Prop({ type: String, match: /^\d{4}-\d{2}-\d{2}$/ })
  expectedCloseDate?: string;

  /** expectedCloseDate, or `~` without one: always present, so it sorts and pages like any key. */
  @Prop({ type: String, required: true, maxlength: 10 })
  expectedCloseKey!: string;

  @Prop({ type: String, required: true, maxlength: 24 })
  partnerId!: string;

  @Prop({ type: String, required: true, maxlength: utf16Bound(OPPORTUNITY_LIMITS.sub) })
  ownerId!: string;

  @Prop({ type: String, maxlength: 24 })
  leadId?: string;

  /**
   * `lead:<leadId>` for a converted opportunity, `own:<_id>` otherwise. Unique per tenant: the
   * atomic convert-once guard. Always present, because every field of a unique index must be
   * (on MongoDB a missing leadId would count as null and collide; docs/database.md).
   */
  @Prop({ type: String, required: true, maxlength: 40 })
  leadKey!: string;

  @Prop({ type: String, maxlength: utf16Bound(OPPORTUNITY_LIMITS.closeReason) })
  closeReason?: string;

  @Prop({ type: [StageChangeSchema], required: true })
  stageHistory!: StateChangeRecord<OpportunityStage>[];

  @RevisionProp()
  revision!: number;

  @DeletedAtProp()
  deletedAt?: Date;

  createdAt!: Date;
  updatedAt!: Date;
}

export type OpportunityDocument = HydratedDocument<OpportunityRecord>;
export const OpportunitySchema = SchemaFactory.createForClass(OpportunityRecord);
// Convert-once: one opportunity per lead and tenant (an insert against this index is atomic).
OpportunitySchema.index({ tenantId: 1, leadKey: 1 }, { unique: true });
// Lists: one per sort key, each with the id tie-breaker the cursor uses; then the row scopes.
// Every index starts with tenantId (docs/tenancy.md).
OpportunitySchema.index({ tenantId: 1, createdAt: 1, _id: 1 });
OpportunitySchema.index({ tenantId: 1, updatedAt: 1, _id: 1 });
OpportunitySchema.index({ tenantId: 1, amountMinor: 1, _id: 1 });
OpportunitySchema.index({ tenantId: 1, nameKey: 1, _id: 1 });
OpportunitySchema.index({ tenantId: 1, expectedCloseKey: 1, _id: 1 });
OpportunitySchema.index({ tenantId: 1, partnerId: 1, ownerId: 1 });
