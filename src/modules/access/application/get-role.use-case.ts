import { Injectable } from '@nestjs/common';
import type { Role } from '#src/kernel/context/request-context';
import { defaultRoleGrants, RoleGrantsRepository } from '../domain/role-grants';
import { RoleView, toRoleView } from './list-roles.use-case';

@Injectable()
export class GetRole {
  constructor(private readonly grants: RoleGrantsRepository) {}

  async execute(role: Role): Promise<RoleView> {
    return toRoleView((await this.grants.find(role)) ?? defaultRoleGrants(role));
  }
}
