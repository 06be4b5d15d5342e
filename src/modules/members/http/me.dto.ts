import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Permission, PERMISSIONS } from '#src/kernel/auth/permissions';
import { Role, ROLES } from '../domain/membership';
import type { Me } from '../application/get-me.use-case';

export class MeTenantDto {
  @ApiProperty({ pattern: '^[0-9a-f]{24}$', maxLength: 24 })
  id!: string;

  @ApiProperty({ maxLength: 200, pattern: '^.+$' })
  name!: string;

  @ApiProperty({ description: 'Auth0 Organization id.', maxLength: 128, pattern: '^\\S+$' })
  orgId!: string;
}

export class MeDto {
  @ApiProperty({ description: 'Token subject.', maxLength: 256, pattern: '^\\S+$' })
  sub!: string;

  @ApiPropertyOptional({ format: 'email', maxLength: 320 })
  email?: string;

  @ApiProperty({ type: MeTenantDto })
  tenant!: MeTenantDto;

  @ApiProperty({ pattern: '^[0-9a-f]{24}$', maxLength: 24 })
  membershipId!: string;

  @ApiProperty({ enum: ROLES })
  role!: Role;

  @ApiPropertyOptional({ pattern: '^[0-9a-f]{24}$', maxLength: 24 })
  partnerId?: string;

  @ApiProperty({ description: 'The token says the user passed multi-factor authentication.' })
  mfa!: boolean;

  @ApiProperty({ description: 'A machine client (client-credentials token), not a person.' })
  machine!: boolean;

  @ApiProperty({ description: 'Effective permissions: the role\'s grants in this tenant within its ceiling.', enum: PERMISSIONS, isArray: true, maxItems: PERMISSIONS.length })
  permissions!: Permission[];

  static from({ actor, tenant, permissions }: Me): MeDto {
    return {
      sub: actor.sub,
      email: actor.email,
      tenant,
      membershipId: actor.membershipId,
      role: actor.role,
      partnerId: actor.partnerId,
      mfa: actor.mfa,
      machine: actor.machine,
      permissions: [...permissions],
    };
  }
}
