import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { PERMISSIONS, Permission, ROLES } from '#src/kernel/auth/permissions';
import type { Role } from '#src/kernel/context/request-context';
import type { RoleView } from '../application/list-roles.use-case';
import type { TenantSettings } from '../domain/tenant-settings';

export class RoleDto {
  @ApiProperty({ enum: ROLES })
  role!: Role;

  @ApiProperty({ description: 'Permissions the role holds in this tenant.', enum: PERMISSIONS, isArray: true, maxItems: PERMISSIONS.length })
  grants!: Permission[];

  @ApiProperty({ description: 'The catalogue defaults for this role.', enum: PERMISSIONS, isArray: true, maxItems: PERMISSIONS.length })
  defaults!: Permission[];

  @ApiProperty({ description: 'The most this role can ever be granted.', enum: PERMISSIONS, isArray: true, maxItems: PERMISSIONS.length })
  ceiling!: Permission[];

  static from(view: RoleView): RoleDto {
    return { role: view.role, grants: [...view.grants], defaults: [...view.defaults], ceiling: [...view.ceiling] };
  }
}

export class RoleListDto {
  @ApiProperty({ type: [RoleDto], maxItems: 4 })
  data!: RoleDto[];
}

export class ReplaceRoleGrantsDto {
  @ApiProperty({ description: 'The complete new grant set (replaces the current one).', enum: PERMISSIONS, isArray: true, maxItems: 100 })
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  grants!: string[];
}

export class TenantSettingsDto {
  @ApiProperty({ description: 'roles:manage, members:manage and tenant:export need a session that passed MFA.' })
  requireMfaForAdminActions!: boolean;

  @ApiProperty({ description: 'Days an approved deal registration stays protected.', type: 'integer', minimum: 1, maximum: 3650, format: 'int32' })
  registrationProtectionDays!: number;

  static from(settings: TenantSettings): TenantSettingsDto {
    return { requireMfaForAdminActions: settings.requireMfaForAdminActions, registrationProtectionDays: settings.registrationProtectionDays };
  }
}

export class UpdateTenantSettingsDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  requireMfaForAdminActions?: boolean;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 3650, format: 'int32' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  registrationProtectionDays?: number;
}
