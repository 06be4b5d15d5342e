import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const IDEMPOTENCY_CLAIMS_COLLECTION = 'idempotency_claims';

/**
 * One row per (tenant, caller, route, Idempotency-Key): inserting it is the atomic step that
 * decides which of several identical requests runs (docs/database.md). It is never updated; the
 * outcome goes to idempotent_responses, keyed by this claim's nonce.
 */
@Schema({ collection: IDEMPOTENCY_CLAIMS_COLLECTION, timestamps: { createdAt: true, updatedAt: false }, strict: 'throw', versionKey: false })
export class IdempotencyClaimRecord {
  /** `<tenantId>:<sha256 of caller, route and key>`: reads and deletes are `_id` lookups. */
  @Prop({ type: String, required: true })
  _id!: string;

  /** Stamped and enforced by the tenant plugin; never set from input. */
  @Prop({ type: String, required: true, immutable: true })
  tenantId!: string;

  /** The caller's `sub`. */
  @Prop({ type: String, required: true, maxlength: 256 })
  caller!: string;

  /** Method and route template, e.g. `POST /v1/leads/:id/approve`. */
  @Prop({ type: String, required: true, maxlength: 512 })
  route!: string;

  @Prop({ type: String, required: true, maxlength: 255 })
  key!: string;

  /** sha256 (hex) of the canonical JSON of the path parameters, query and body. */
  @Prop({ type: String, required: true, minlength: 64, maxlength: 64 })
  requestHash!: string;

  /** Names this claim's generation: its response row, and which claim a release may delete. */
  @Prop({ type: String, required: true, maxlength: 64 })
  nonce!: string;

  /** A claim still without a response after this is presumed abandoned (its process died). */
  @Prop({ type: Date, required: true })
  lockedUntil!: Date;

  /** Retention: past this the key may be used afresh (checked in code: no TTL indexes on FerretDB). */
  @Prop({ type: Date, required: true })
  expiresAt!: Date;

  createdAt!: Date;
}

export const IdempotencyClaimSchema = SchemaFactory.createForClass(IdempotencyClaimRecord);
IdempotencyClaimSchema.index({ tenantId: 1, caller: 1, route: 1, key: 1 }, { unique: true });
