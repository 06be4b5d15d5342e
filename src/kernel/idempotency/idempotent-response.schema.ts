import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const IDEMPOTENT_RESPONSES_COLLECTION = 'idempotent_responses';

export const RESPONSE_BODY_KINDS = ['json', 'text', 'empty', 'problem'] as const;
export type ResponseBodyKind = (typeof RESPONSE_BODY_KINDS)[number];

@Schema({ _id: false, strict: 'throw' })
export class StoredFieldErrorRecord {
  @Prop({ type: String, required: true })
  field!: string;

  @Prop({ type: String, required: true })
  message!: string;
}

const StoredFieldErrorSchema = SchemaFactory.createForClass(StoredFieldErrorRecord);

/** A domain error, kept as what the problem+json filter needs to answer it again. */
@Schema({ _id: false, strict: 'throw' })
export class StoredProblemRecord {
  @Prop({ type: String, required: true, maxlength: 100 })
  code!: string;

  @Prop({ type: String, required: true })
  detail!: string;

  /** The problem's `errors` (a reserved path name in mongoose, hence the longer name). */
  @Prop({ type: [StoredFieldErrorSchema], default: undefined })
  fieldErrors?: StoredFieldErrorRecord[];

  @Prop({ type: [String], default: undefined })
  allow?: string[];
}

const StoredProblemSchema = SchemaFactory.createForClass(StoredProblemRecord);

/**
 * The answer a claimed request gave, inserted once when it completes (append-only: FerretDB
 * updates are slow and not atomic). Its presence is what makes a claim "completed".
 */
@Schema({ collection: IDEMPOTENT_RESPONSES_COLLECTION, timestamps: { createdAt: true, updatedAt: false }, strict: 'throw', versionKey: false })
export class IdempotentResponseRecord {
  /** `<tenantId>:<claim nonce>`. */
  @Prop({ type: String, required: true })
  _id!: string;

  /** Stamped and enforced by the tenant plugin; never set from input. */
  @Prop({ type: String, required: true, immutable: true })
  tenantId!: string;

  @Prop({ type: Number, required: true, min: 100, max: 499 })
  status!: number;

  @Prop({ type: String, required: true, enum: RESPONSE_BODY_KINDS })
  bodyKind!: ResponseBodyKind;

  /** The serialised body (JSON text or plain text); a string, so any key survives storage. */
  @Prop({ type: String })
  body?: string;

  @Prop({ type: StoredProblemSchema })
  problem?: StoredProblemRecord;

  @Prop({ type: String })
  location?: string;

  @Prop({ type: String })
  etag?: string;

  @Prop({ type: String })
  contentType?: string;

  @Prop({ type: Date, required: true })
  expiresAt!: Date;

  createdAt!: Date;
}

export const IdempotentResponseSchema = SchemaFactory.createForClass(IdempotentResponseRecord);
