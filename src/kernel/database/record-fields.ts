import { Prop } from '@nestjs/mongoose';

// The bookkeeping fields every tenant-owned, revisioned, soft-deletable record carries, declared
// once. Timestamps come from the schema's `timestamps: true`; a record class still declares
// `createdAt!: Date` and `updatedAt!: Date` for the type.

/** Stamped and enforced by the tenant plugin; never set from input. */
export const TenantIdProp = (): PropertyDecorator => Prop({ type: String, required: true, immutable: true });

/** Starts at 1 and goes up by one with every change; the ETag carries it. */
export const RevisionProp = (): PropertyDecorator => Prop({ type: Number, required: true, min: 1 });

/** Set once by a soft delete; from then on every read leaves the record out (NOT_DELETED). */
export const DeletedAtProp = (): PropertyDecorator => Prop({ type: Date });

/** What every read of a soft-deletable record ANDs in; null also matches a missing field. */
export const NOT_DELETED = Object.freeze({ deletedAt: null });
