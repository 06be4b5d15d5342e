import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Types } from 'mongoose';
import { DeletedAtProp, RevisionProp, TenantIdProp } from '#src/kernel/database/record-fields';
import { PARTNER_LIMITS, PARTNER_STATUSES, PARTNER_TIERS, PartnerStatus, PartnerTier } from '../domain/partner';
import { utf16Bound } from '#src/kernel/domain/text';

export const PARTNERS_COLLECTION = 'partners';

@Schema({ _id: false, strict: 'throw' })
export class PartnerContactRecord {
  @Prop({ type: String, required: true, maxlength: utf16Bound(PARTNER_LIMITS.contactName) })
  name!: string;

  @Prop({ type: String, maxlength: PARTNER_LIMITS.email })
  email?: string;

  @Prop({ type: String, maxlength: PARTNER_LIMITS.phone })
  phone?: string;
}

const PartnerContactSchema = SchemaFactory.createForClass(PartnerContactRecord);

@Schema({ collection: PARTNERS_COLLECTION, timestamps: true, strict: 'throw' })
export class PartnerRecord {
  // A string holding an ObjectId's hex, so row-scope conditions (`{ _id: actor.partnerId }`) and
  // other features' partnerId references compare as plain strings, with no cast that could fail.
  @Prop({ type: String, default: () => new Types.ObjectId().toHexString() })
  _id!: string;

  @TenantIdProp()
  tenantId!: string;

  @Prop({ type: String, required: true, maxlength: utf16Bound(PARTNER_LIMITS.name) })
  name!: string;

  @Prop({ type: String, maxlength: utf16Bound(PARTNER_LIMITS.website) })
  website?: string;

  @Prop({ type: String, maxlength: utf16Bound(PARTNER_LIMITS.domain) })
  domain?: string;

  @Prop({ type: String, required: true, enum: PARTNER_TIERS })
  tier!: PartnerTier;

  @Prop({ type: String, required: true, enum: PARTNER_STATUSES })
  status!: PartnerStatus;

  @Prop({ type: String, maxlength: utf16Bound(PARTNER_LIMITS.region) })
  region?: string;

  @Prop({ type: PartnerContactSchema })
  primaryContact?: PartnerContactRecord;

  @Prop({ type: String, maxlength: utf16Bound(PARTNER_LIMITS.ownerId) })
  ownerId?: string;

  @RevisionProp()
  revision!: number;

  @DeletedAtProp()
  deletedAt?: Date;

  createdAt!: Date;
  updatedAt!: Date;
}

export type PartnerDocument = HydratedDocument<PartnerRecord>;
export const PartnerSchema = SchemaFactory.createForClass(PartnerRecord);
// Lists read one tenant in id order. Names may repeat, so nothing here is unique.
PartnerSchema.index({ tenantId: 1, _id: 1 });
