import type { INestApplicationContext } from '@nestjs/common';
import { SystemAudit } from '../kernel/audit/system-audit';
import { ChangeTenantStatus, CreateTenant, ListTenants, Tenant } from '../modules/tenants';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Flags = Record<string, string | undefined>;
type Command = (app: INestApplicationContext, flags: Flags) => Promise<unknown>;

function required(flags: Flags, name: string): string {
  const value = flags[name];
  if (value === undefined || value.trim() === '') throw new UsageError(`--${name} is required`);
  return value.trim();
}

const tenantView = (t: Tenant) => ({ id: t.id, name: t.name, orgId: t.orgId, status: t.status });

/** Every command that changes something leaves a system event in the tenant's stream, as operator:<name>. */
async function audited(app: INestApplicationContext, action: string, tenant: Tenant): Promise<Tenant> {
  await app.get(SystemAudit).record(tenant.id, action, { type: 'tenant', id: tenant.id }, { status: tenant.status, orgId: tenant.orgId });
  return tenant;
}

const changeStatus = (status: 'active' | 'suspended' | 'terminated', action: string) => ({
  flags: ['org-id'],
  run: async (app: INestApplicationContext, flags: Flags) => ({
    tenant: tenantView(await audited(app, action, await app.get(ChangeTenantStatus).execute(required(flags, 'org-id'), status))),
  }),
});

/** Operator commands: each takes parsed flags and resolves to the JSON it prints. */
export const COMMANDS: Record<string, { flags: string[]; run: Command }> = {
  'tenants:create': {
    flags: ['name', 'org-id', 'admin-sub', 'admin-email'],
    run: async (app, flags) => {
      const { tenant, admin } = await app.get(CreateTenant).execute({
        name: required(flags, 'name'),
        orgId: required(flags, 'org-id'),
        adminSub: required(flags, 'admin-sub'),
        adminEmail: flags['admin-email'],
      });
      await audited(app, 'tenant.create', tenant);
      return { tenant: tenantView(tenant), admin: { id: admin.id, sub: admin.sub, role: admin.role } };
    },
  },
  'tenants:list': {
    flags: [],
    run: async (app) => ({ tenants: (await app.get(ListTenants).execute()).map(tenantView) }),
  },
  'tenants:suspend': changeStatus('suspended', 'tenant.suspend'),
  'tenants:reactivate': changeStatus('active', 'tenant.reactivate'),
  'tenants:terminate': changeStatus('terminated', 'tenant.terminate'),
};
