import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument } from 'mongoose';
import { DeletedAtProp, RevisionProp, TenantIdProp } from '#src/kernel/database/record-fields';
import { StateChangeRecord, stateChangeSchema } from '#src/kernel/database/state-change.schema';
import { LEAD_LIMITS, LEAD_SOURCES, LeadSource } from '../domain/lead';
import { LEAD_STATUSES, LeadStatus } from '../domain/lead-status';
import { utf16Bound } from '#src/kernel/domain/text';

export const LEADS_COLLECTION = 'leads';

@Schema({ _id: false, strict: 'throw' })
export class LeadContactRecord {
  @Prop({ type: String, required: true, maxlength: utf16Bound(LEAD_LIMITS.contactName) })
  name!: string;

  @Prop({ type: String, required: true, maxlength: LEAD_LIMITS.email })
  email!: string;

  @Prop({ type: String, maxlength: LEAD_LIMITS.phone })
  phone?: string;

  @Prop({ type: String, maxlength: utf16Bound(LEAD_LIMITS.title) })
  title?: string;
}

const LeadContactSchema = SchemaFactory.createForClass(LeadContactRecord);

const LeadStatusChangeSchema = stateChangeSchema(LEAD_STATUSES, { by: LEAD_LIMITS.sub, reason: LEAD_LIMITS.reason });

@Schema({ collection: LEADS_COLLECTION, timestamps: true, strict: 'throw' })
export class LeadRecord {
  // An ObjectId's hex as a string, chosen before the insert (registration keys name it first).
  @Prop({ type: String, required: true })
  _id!: string;

  @TenantIdProp()
  tenantId!: string;

  @Prop({ type: String, required: true, maxlength: utf16Bound(LEAD_LIMITS.companyName) })
  companyName!: string;

  /** The company name folded to lower case: what sorting and the `q` prefix compare. */
  @Prop({ type: String, required: true, maxlength: LEAD_LIMITS.companyName * 2 })
  companyNameKey!: string;

  @Prop({ type: String, required: true, maxlength: utf16Bound(LEAD_LIMITS.companyDomain) })
  companyDomain!: string;

  @Prop({ type: LeadContactSchema, required: true })
  contact!: LeadContactRecord;

  @Prop({ type: Number, required: true, min: 0, max: LEAD_LIMITS.valueMinor, validate: Number.isSafeInteger })
  valueMinor!: number;

  @Prop({ type: String, required: true, match: /^[A-Z]{3}$/ })
  currency!: string;

  @Prop({ type: String, match: /^\d{4}-\d{2}-\d{2}$/ })
  expectedCloseDate?: string;

  @Prop({ type: String, required: true, maxlength: 24 })
  partnerId!: string;

  @Prop({ type: String, required: true, maxlength: utf16Bound(LEAD_LIMITS.sub) })
  ownerId!: string;

  @Prop({ type: String, enum: LEAD_SOURCES })
  source?: LeadSource;

  @Prop({ type: String, maxlength: utf16Bound(LEAD_LIMITS.notes) })
  notes?: string;

  @Prop({ type: String, maxlength: utf16Bound(LEAD_LIMITS.internalNotes) })
  internalNotes?: string;

  @Prop({ type: Number, min: 0, max: LEAD_LIMITS.commissionBasisPoints, validate: Number.isSafeInteger })
  commissionBasisPoints?: number;

  @Prop({ type: String, required: true, enum: LEAD_STATUSES })
  status!: LeadStatus;

  @Prop({ type: [LeadStatusChangeSchema], required: true })
  statusHistory!: StateChangeRecord<LeadStatus>[];

  @Prop({ type: [String], required: true })
  conflictsWith!: string[];

  @Prop({ type: [String], required: true })
  registrationKeys!: string[];

  @Prop({ type: Date })
  approvedAt?: Date;

  @Prop({ type: String, maxlength: 200 })
  convertedOpportunityId?: string;

  @RevisionProp()
  revision!: number;

  @DeletedAtProp()
  deletedAt?: Date;

  createdAt!: Date;
  updatedAt!: Date;
}

export type LeadDocument = HydratedDocument<LeadRecord>;
export const LeadSchema = SchemaFactory.createForClass(LeadRecord);
// Lists: one per sort key, each with the id tie-breaker the cursor uses; then the row scopes and
// the expiry job. Every index starts with tenantId (docs/tenancy.md).
LeadSchema.index({ tenantId: 1, createdAt: 1, _id: 1 });
LeadSchema.index({ tenantId: 1, updatedAt: 1, _id: 1 });
LeadSchema.index({ tenantId: 1, valueMinor: 1, _id: 1 });
LeadSchema.index({ tenantId: 1, companyNameKey: 1, _id: 1 });
LeadSchema.index({ tenantId: 1, partnerId: 1, ownerId: 1 });
LeadSchema.index({ tenantId: 1, status: 1, approvedAt: 1 });
