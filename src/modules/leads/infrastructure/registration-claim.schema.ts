import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const REGISTRATION_CLAIMS_COLLECTION = 'lead_registration_claims';
export const REGISTRATION_HOLDERS_COLLECTION = 'lead_registration_holders';

/**
 * Which partner owns a registration key in a tenant. `_id` is `<tenantId>|<key>`: the insert of that
 * id is the atomic step that decides between partners registering the same prospect at once, and
 * lookups stay `_id` equality (the fast path on FerretDB).
 */
@Schema({ collection: REGISTRATION_CLAIMS_COLLECTION, timestamps: { createdAt: true, updatedAt: false }, strict: 'throw' })
export class RegistrationClaimRecord {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true, immutable: true })
  tenantId!: string;

  /** `domain:acme.co.uk` or `email:jane@acme.co.uk`. */
  @Prop({ type: String, required: true, maxlength: 400 })
  key!: string;

  @Prop({ type: String, required: true, maxlength: 24 })
  partnerId!: string;

  @Prop({ type: String, required: true, maxlength: 24 })
  leadId!: string;

  createdAt!: Date;
}

export const RegistrationClaimSchema = SchemaFactory.createForClass(RegistrationClaimRecord);
RegistrationClaimSchema.index({ tenantId: 1, key: 1 }, { unique: true });

/** An active lead holding a registration key; `_id` is `<tenantId>|<key>|<leadId>`. */
@Schema({ collection: REGISTRATION_HOLDERS_COLLECTION, timestamps: { createdAt: true, updatedAt: false }, strict: 'throw' })
export class RegistrationHolderRecord {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true, immutable: true })
  tenantId!: string;

  @Prop({ type: String, required: true, maxlength: 400 })
  key!: string;

  @Prop({ type: String, required: true, maxlength: 24 })
  leadId!: string;

  @Prop({ type: String, required: true, maxlength: 24 })
  partnerId!: string;

  createdAt!: Date;
}

export const RegistrationHolderSchema = SchemaFactory.createForClass(RegistrationHolderRecord);
RegistrationHolderSchema.index({ tenantId: 1, key: 1, leadId: 1 }, { unique: true });
