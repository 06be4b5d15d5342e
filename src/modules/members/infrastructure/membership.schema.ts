import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument } from 'mongoose';
import { utf16Bound } from '#src/kernel/domain/text';
import { MEMBERSHIP_STATUSES, MembershipStatus, Role, ROLES } from '../domain/membership';

export const MEMBERSHIPS_COLLECTION = 'memberships';

@Schema({ collection: MEMBERSHIPS_COLLECTION, timestamps: true, strict: 'throw' })
export class MembershipRecord {
  /** Stamped and enforced by the tenant plugin; never set from input. */
  @Prop({ type: String, required: true, immutable: true })
  tenantId!: string;

  @Prop({ type: String, required: true, maxlength: utf16Bound(256) })
  sub!: string;

  @Prop({ type: String, maxlength: 320 })
  email?: string;

  @Prop({ type: String, required: true, enum: ROLES })
  role!: Role;

  @Prop({ type: String, maxlength: 64 })
  partnerId?: string;

  @Prop({ type: String, required: true, enum: MEMBERSHIP_STATUSES })
  status!: MembershipStatus;

  @Prop({ type: Number, required: true, min: 1, default: 1 })
  revision!: number;

  createdAt!: Date;
  updatedAt!: Date;
}

export type MembershipDocument = HydratedDocument<MembershipRecord>;
export const MembershipSchema = SchemaFactory.createForClass(MembershipRecord);
// Per tenant: the same sub may belong to several tenants, once each.
MembershipSchema.index({ tenantId: 1, sub: 1 }, { unique: true });
