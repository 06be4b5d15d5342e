import { Injectable } from '@nestjs/common';
import { RevisionClaims } from '#src/kernel/concurrency/revision-claims';
import { DEFAULT_TENANT_SETTINGS, TenantSettings, TenantSettingsPatch, TenantSettingsRepository } from '../domain/tenant-settings';
import { CachedAccessRules } from '../infrastructure/cached-access-rules';

@Injectable()
export class GetTenantSettings {
  constructor(private readonly settings: TenantSettingsRepository) {}

  async execute(): Promise<TenantSettings> {
    return (await this.settings.find()) ?? DEFAULT_TENANT_SETTINGS;
  }
}

/** PATCH /v1/tenant/settings: merges the given knobs; If-Match guards against lost updates. */
@Injectable()
export class UpdateTenantSettings {
  constructor(
    private readonly settings: TenantSettingsRepository,
    private readonly claims: RevisionClaims,
    private readonly rules: CachedAccessRules,
  ) {}

  async execute(patch: TenantSettingsPatch, ifMatch: number | '*' | undefined): Promise<TenantSettings> {
    const saved = await this.claims.applyChange(
      'tenant-settings',
      ifMatch,
      async () => (await this.settings.find()) ?? DEFAULT_TENANT_SETTINGS,
      async (current, revision) => {
        const next: TenantSettings = { ...current, ...definedOnly(patch), revision };
        await this.settings.save(next);
        return next;
      },
    );
    this.rules.invalidate();
    return saved;
  }
}

function definedOnly(patch: TenantSettingsPatch): TenantSettingsPatch {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as TenantSettingsPatch;
}
