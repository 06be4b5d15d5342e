import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const REVISION_CLAIMS_COLLECTION = 'revision_claims';

/**
 * One row per accepted change of a versioned resource. Inserting (resource, revision) is the
 * atomic step — on FerretDB and MongoDB alike — that decides which of two concurrent writers
 * holding the same ETag wins; conditional updates cannot (docs/database.md).
 */
@Schema({ collection: REVISION_CLAIMS_COLLECTION, timestamps: { createdAt: true, updatedAt: false }, strict: 'throw' })
export class RevisionClaimRecord {
  @Prop({ type: String, required: true, immutable: true })
  tenantId!: string;

  /** `<kind>:<id>`, e.g. `partner:65f0…` or `tenant-settings`. */
  @Prop({ type: String, required: true, maxlength: 200 })
  resource!: string;

  @Prop({ type: Number, required: true, min: 1 })
  revision!: number;

  createdAt!: Date;
}

export const RevisionClaimSchema = SchemaFactory.createForClass(RevisionClaimRecord);
RevisionClaimSchema.index({ tenantId: 1, resource: 1, revision: 1 }, { unique: true });
