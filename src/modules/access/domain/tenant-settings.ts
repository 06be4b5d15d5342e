export interface TenantSettings {
  /** roles:manage, members:manage and tenant:export need an MFA session. */
  readonly requireMfaForAdminActions: boolean;
  /** Days an approved deal registration stays protected before it expires. */
  readonly registrationProtectionDays: number;
  /** 0 while the defaults apply; +1 on every change. */
  readonly revision: number;
}

export const DEFAULT_TENANT_SETTINGS: TenantSettings = {
  requireMfaForAdminActions: true,
  registrationProtectionDays: 90,
  revision: 0,
};

export type TenantSettingsPatch = Partial<Omit<TenantSettings, 'revision'>>;

export abstract class TenantSettingsRepository {
  abstract find(): Promise<TenantSettings | undefined>;
  abstract save(settings: TenantSettings): Promise<void>;
}
