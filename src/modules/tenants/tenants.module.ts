import { Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { TenantDirectory } from '#src/kernel/auth/identity-ports';
import { ChangeTenantStatus } from './application/change-tenant-status.use-case';
import { CreateTenant } from './application/create-tenant.use-case';
import { ListTenants } from './application/list-tenants.use-case';
import { TenantRepository } from './domain/tenant';
import { CachedTenantDirectory } from './infrastructure/cached-tenant-directory';
import { MongooseTenantRepository } from './infrastructure/mongoose-tenant.repository';
import { TenantRecord, TenantSchema } from './infrastructure/tenant.schema';

/** Tenants (platform level): the operator CLI's use cases and the TenantDirectory port. */
@Global()
@Module({
  imports: [MongooseModule.forFeature([{ name: TenantRecord.name, schema: TenantSchema }])],
  providers: [
    { provide: TenantRepository, useClass: MongooseTenantRepository },
    CachedTenantDirectory,
    { provide: TenantDirectory, useExisting: CachedTenantDirectory },
    CreateTenant,
    ListTenants,
    ChangeTenantStatus,
  ],
  exports: [TenantDirectory, CreateTenant, ListTenants, ChangeTenantStatus],
})
export class TenantsModule {}
