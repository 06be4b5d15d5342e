import { Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AccessRules } from '#src/kernel/auth/identity-ports';
import { GetRole } from './application/get-role.use-case';
import { ListRoles } from './application/list-roles.use-case';
import { ReplaceRoleGrants } from './application/replace-role-grants.use-case';
import { GetTenantSettings, UpdateTenantSettings } from './application/tenant-settings.use-cases';
import { RoleGrantsRepository } from './domain/role-grants';
import { TenantSettingsRepository } from './domain/tenant-settings';
import { RolesController } from './http/roles.controller';
import { TenantSettingsController } from './http/tenant-settings.controller';
import { CachedAccessRules } from './infrastructure/cached-access-rules';
import { MongooseRoleGrantsRepository, MongooseTenantSettingsRepository } from './infrastructure/mongoose-access.repositories';
import { RoleGrantsRecord, RoleGrantsSchema } from './infrastructure/role-grants.schema';
import { TenantSettingsRecord, TenantSettingsSchema } from './infrastructure/tenant-settings.schema';

/** Per-tenant access rules: role grants within ceilings, and tenant settings. Provides AccessRules. */
@Global()
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: RoleGrantsRecord.name, schema: RoleGrantsSchema },
      { name: TenantSettingsRecord.name, schema: TenantSettingsSchema },
    ]),
  ],
  controllers: [RolesController, TenantSettingsController],
  providers: [
    { provide: RoleGrantsRepository, useClass: MongooseRoleGrantsRepository },
    { provide: TenantSettingsRepository, useClass: MongooseTenantSettingsRepository },
    CachedAccessRules,
    { provide: AccessRules, useExisting: CachedAccessRules },
    ListRoles,
    GetRole,
    ReplaceRoleGrants,
    GetTenantSettings,
    UpdateTenantSettings,
  ],
  exports: [AccessRules, GetTenantSettings],
})
export class AccessModule {}
