import { Injectable } from '@nestjs/common';
import { Tenant, TenantRepository, TenantStatus } from '../domain/tenant';
import { tenantNotFound, tenantTerminated } from '../domain/tenant.errors';
import { CachedTenantDirectory } from '../infrastructure/cached-tenant-directory';

/**
 * Suspends, reactivates or terminates a tenant. Idempotent: asking for the status a tenant
 * already has succeeds. Termination is final. This instance forgets its cached copy at once;
 * others within the directory's TTL.
 */
@Injectable()
export class ChangeTenantStatus {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly directory: CachedTenantDirectory,
  ) {}

  async execute(orgId: string, status: TenantStatus): Promise<Tenant> {
    const current = await this.tenants.findByOrgId(orgId);
    if (!current) throw tenantNotFound(orgId);
    if (current.status === status) return current;
    if (current.status === 'terminated') throw tenantTerminated(orgId);
    const updated = await this.tenants.setStatus(orgId, status);
    if (!updated) throw tenantNotFound(orgId);
    this.directory.invalidate(updated);
    return updated;
  }
}
