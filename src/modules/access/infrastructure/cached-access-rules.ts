import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { AccessRules } from '#src/kernel/auth/identity-ports';
import { effectivePermissions, Permission } from '#src/kernel/auth/permissions';
import { Actor, RequestContext, Role } from '#src/kernel/context/request-context';
import { defaultRoleGrants, RoleGrants, RoleGrantsRepository } from '../domain/role-grants';
import { DEFAULT_TENANT_SETTINGS, TenantSettings, TenantSettingsRepository } from '../domain/tenant-settings';

// Read on every authenticated request. Cached per tenant for a bounded time, so a change made on
// another instance applies within seconds; the instance that made it forgets its copy at once.
export const ACCESS_RULES_CACHE_TTL_MS = 2_000;

interface TenantRules {
  readonly grants: ReadonlyMap<Role, RoleGrants>;
  readonly settings: TenantSettings;
}

@Injectable()
export class CachedAccessRules extends AccessRules {
  private readonly cache = new LRUCache<string, TenantRules>({ max: 10_000, ttl: ACCESS_RULES_CACHE_TTL_MS });

  constructor(
    private readonly context: RequestContext,
    private readonly grants: RoleGrantsRepository,
    private readonly settings: TenantSettingsRepository,
  ) {
    super();
  }

  async permissionsFor(actor: Actor): Promise<Permission[]> {
    const rules = await this.rules();
    const grants = rules.grants.get(actor.role) ?? defaultRoleGrants(actor.role);
    return effectivePermissions(actor.role, grants.grants, actor.machine);
  }

  async stepUpRequired(): Promise<boolean> {
    return (await this.rules()).settings.requireMfaForAdminActions;
  }

  /** Drops this tenant's cached rules (after a change made through this instance). */
  invalidate(): void {
    this.cache.delete(this.context.requireTenantId('access rules'));
  }

  private async rules(): Promise<TenantRules> {
    const tenantId = this.context.requireTenantId('access rules');
    const cached = this.cache.get(tenantId);
    if (cached) return cached;
    const [rows, settings] = await Promise.all([this.grants.findAll(), this.settings.find()]);
    const rules: TenantRules = {
      grants: new Map(rows.map((row) => [row.role, row])),
      settings: settings ?? DEFAULT_TENANT_SETTINGS,
    };
    this.cache.set(tenantId, rules);
    return rules;
  }
}
