import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument } from 'mongoose';
import { TENANT_STATUSES, TenantStatus } from '../domain/tenant';

export const TENANTS_COLLECTION = 'tenants';

/** Platform-level: one row per customer organization. Listed in PLATFORM_COLLECTIONS. */
@Schema({ collection: TENANTS_COLLECTION, timestamps: true, strict: 'throw' })
export class TenantRecord {
  @Prop({ type: String, required: true, maxlength: 200 })
  name!: string;

  @Prop({ type: String, required: true, maxlength: 128, unique: true })
  orgId!: string;

  @Prop({ type: String, required: true, enum: TENANT_STATUSES })
  status!: TenantStatus;

  createdAt!: Date;
  updatedAt!: Date;
}

export type TenantDocument = HydratedDocument<TenantRecord>;
export const TenantSchema = SchemaFactory.createForClass(TenantRecord);
