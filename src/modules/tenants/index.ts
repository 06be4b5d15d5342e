export { TenantsModule } from './tenants.module';
export { CreateTenant } from './application/create-tenant.use-case';
export type { CreateTenantCommand, CreatedTenant } from './application/create-tenant.use-case';
export { ListTenants } from './application/list-tenants.use-case';
export { ChangeTenantStatus } from './application/change-tenant-status.use-case';
export type { Tenant, TenantStatus } from './domain/tenant';
