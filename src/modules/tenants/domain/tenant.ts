import type { TenantStatus } from '#src/kernel/auth/identity-ports';

export type { TenantStatus };
export const TENANT_STATUSES: readonly TenantStatus[] = ['active', 'suspended', 'terminated'];

export interface Tenant {
  readonly id: string;
  readonly name: string;
  /** The Auth0 Organization id that names this tenant in tokens (`org_id`). */
  readonly orgId: string;
  readonly status: TenantStatus;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewTenant {
  readonly name: string;
  readonly orgId: string;
}

/** Port: tenants are a platform-level collection (no tenantId; the plugin does not apply). */
export abstract class TenantRepository {
  /** Inserts; a second tenant for the same orgId fails with the tenant_exists domain error. */
  abstract insert(tenant: NewTenant): Promise<Tenant>;
  abstract findByOrgId(orgId: string): Promise<Tenant | undefined>;
  abstract findById(id: string): Promise<Tenant | undefined>;
  abstract list(): Promise<Tenant[]>;
  abstract setStatus(orgId: string, status: TenantStatus): Promise<Tenant | undefined>;
  abstract remove(id: string): Promise<void>;
}
