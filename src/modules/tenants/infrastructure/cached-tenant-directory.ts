import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { TenantDirectory, TenantIdentity } from '#src/kernel/auth/identity-ports';
import { Tenant, TenantRepository } from '../domain/tenant';

// Every authenticated request resolves its tenant; a few seconds of caching keeps that off the
// database while a suspension still takes effect within seconds on every instance.
export const TENANT_CACHE_TTL_MS = 5_000;
const MISSING = Symbol('missing');

function toIdentity(tenant: Tenant): TenantIdentity {
  return { id: tenant.id, orgId: tenant.orgId, name: tenant.name, status: tenant.status };
}

@Injectable()
export class CachedTenantDirectory extends TenantDirectory {
  private readonly byOrgId = new LRUCache<string, TenantIdentity | typeof MISSING>({ max: 10_000, ttl: TENANT_CACHE_TTL_MS });
  private readonly byId = new LRUCache<string, TenantIdentity | typeof MISSING>({ max: 10_000, ttl: TENANT_CACHE_TTL_MS });

  constructor(private readonly tenants: TenantRepository) {
    super();
  }

  async findByOrgId(orgId: string): Promise<TenantIdentity | undefined> {
    return this.cached(this.byOrgId, orgId, () => this.tenants.findByOrgId(orgId));
  }

  async findById(id: string): Promise<TenantIdentity | undefined> {
    return this.cached(this.byId, id, () => this.tenants.findById(id));
  }

  /** Forget what this instance knows about a tenant (after a change made here). */
  invalidate(tenant: Pick<Tenant, 'id' | 'orgId'>): void {
    this.byOrgId.delete(tenant.orgId);
    this.byId.delete(tenant.id);
  }

  private async cached(
    cache: LRUCache<string, TenantIdentity | typeof MISSING>,
    key: string,
    load: () => Promise<Tenant | undefined>,
  ): Promise<TenantIdentity | undefined> {
    const hit = cache.get(key);
    if (hit !== undefined) return hit === MISSING ? undefined : hit;
    const tenant = await load();
    const value = tenant ? toIdentity(tenant) : MISSING;
    cache.set(key, value);
    return value === MISSING ? undefined : value;
  }
}
