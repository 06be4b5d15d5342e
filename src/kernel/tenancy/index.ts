export { createTenantPlugin, declareTenantPrefixedIds, hasTenantPath, isTenantScoped } from './tenant.plugin';
export type { TenantScope, TenantScopeLogger } from './tenant.plugin';
export { PLATFORM_COLLECTIONS, assertEveryModelIsScoped } from './tenant-models';
export { TENANT_PATH } from './tenant-guards';
export { TenantScopeError } from './tenant-scope.error';
export type { TenantScopeSite } from './tenant-scope.error';
