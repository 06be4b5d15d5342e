import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * Generational leases: a lease is taken by inserting the next generation of its name, which
 * exactly one contender can do (unique index); it is released by marking that generation.
 * A holder that dies is outlived by expiresAt (checked in code: no TTL indexes on FerretDB).
 */
@Schema({ collection: 'leases', timestamps: false, strict: 'throw' })
export class LeaseRecord {
  @Prop({ type: String, required: true, immutable: true })
  tenantId!: string;

  @Prop({ type: String, required: true, maxlength: 200 })
  name!: string;

  @Prop({ type: Number, required: true, min: 1 })
  generation!: number;

  @Prop({ type: Date, required: true })
  expiresAt!: Date;

  @Prop({ type: Date, required: false })
  releasedAt?: Date;
}

export const LeaseSchema = SchemaFactory.createForClass(LeaseRecord);
LeaseSchema.index({ tenantId: 1, name: 1, generation: 1 }, { unique: true });
