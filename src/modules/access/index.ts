export { AccessModule } from './access.module';
export { GetTenantSettings } from './application/tenant-settings.use-cases';
export type { TenantSettings } from './domain/tenant-settings';
