import { Injectable } from '@nestjs/common';
import { RequestContext } from '#src/kernel/context/request-context';
import { AddMember, Membership } from '#src/modules/members';
import { Tenant, TenantRepository } from '../domain/tenant';

export interface CreateTenantCommand {
  readonly name: string;
  readonly orgId: string;
  readonly adminSub: string;
  readonly adminEmail?: string;
}

export interface CreatedTenant {
  readonly tenant: Tenant;
  readonly admin: Membership;
}

/**
 * Creates a tenant for an Auth0 organization with its first Admin. The unique orgId decides a
 * race between two operators; if adding the Admin fails, the tenant is removed again so a retry
 * starts clean.
 */
@Injectable()
export class CreateTenant {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly addMember: AddMember,
    private readonly context: RequestContext,
  ) {}

  async execute(command: CreateTenantCommand): Promise<CreatedTenant> {
    const tenant = await this.tenants.insert({ name: command.name, orgId: command.orgId });
    const system = this.context.system ?? 'system:create-tenant';
    try {
      const admin = await this.context.runInTenant(tenant.id, system, () =>
        this.addMember.execute({ sub: command.adminSub, email: command.adminEmail, role: 'Admin' }),
      );
      return { tenant, admin };
    } catch (error) {
      await this.tenants.remove(tenant.id);
      throw error;
    }
  }
}
