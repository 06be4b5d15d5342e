import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

@Schema({ collection: 'tenant_settings', timestamps: true, strict: 'throw' })
export class TenantSettingsRecord {
  @Prop({ type: String, required: true, immutable: true })
  tenantId!: string;

  @Prop({ type: Boolean, required: true })
  requireMfaForAdminActions!: boolean;

  @Prop({ type: Number, required: true, min: 1, max: 3650 })
  registrationProtectionDays!: number;

  @Prop({ type: Number, required: true, min: 1 })
  revision!: number;
}

export const TenantSettingsSchema = SchemaFactory.createForClass(TenantSettingsRecord);
TenantSettingsSchema.index({ tenantId: 1 }, { unique: true });
