import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { PERMISSIONS, Permission, ROLES } from '#src/kernel/auth/permissions';
import type { Role } from '#src/kernel/context/request-context';

@Schema({ collection: 'role_grants', timestamps: true, strict: 'throw' })
export class RoleGrantsRecord {
  @Prop({ type: String, required: true, immutable: true })
  tenantId!: string;

  @Prop({ type: String, required: true, enum: ROLES })
  role!: Role;

  @Prop({ type: [String], enum: PERMISSIONS, default: [] })
  grants!: Permission[];

  @Prop({ type: Number, required: true, min: 1 })
  revision!: number;
}

export const RoleGrantsSchema = SchemaFactory.createForClass(RoleGrantsRecord);
RoleGrantsSchema.index({ tenantId: 1, role: 1 }, { unique: true });
