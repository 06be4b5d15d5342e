import { Injectable } from '@nestjs/common';
import { TenantDirectory } from '#src/kernel/auth/identity-ports';
import type { Permission } from '#src/kernel/auth/permissions';
import { Actor, RequestContext } from '#src/kernel/context/request-context';

export interface Me {
  readonly actor: Actor;
  readonly tenant: { readonly id: string; readonly name: string; readonly orgId: string };
  readonly permissions: readonly Permission[];
}

/** Who the caller is, as this API sees them: identity, tenant and membership. */
@Injectable()
export class GetMe {
  constructor(
    private readonly context: RequestContext,
    private readonly tenants: TenantDirectory,
  ) {}

  async execute(): Promise<Me> {
    const actor = this.context.requireActor();
    const tenantId = this.context.requireTenantId('GET /v1/me');
    const tenant = await this.tenants.findById(tenantId);
    if (!tenant) throw new Error(`tenant ${tenantId} vanished during the request`);
    const permissions = this.context.permissions ?? [];
    return { actor, tenant: { id: tenant.id, name: tenant.name, orgId: tenant.orgId }, permissions };
  }
}
