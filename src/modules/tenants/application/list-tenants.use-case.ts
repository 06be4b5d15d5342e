import { Injectable } from '@nestjs/common';
import { Tenant, TenantRepository } from '../domain/tenant';

@Injectable()
export class ListTenants {
  constructor(private readonly tenants: TenantRepository) {}

  execute(): Promise<Tenant[]> {
    return this.tenants.list();
  }
}
