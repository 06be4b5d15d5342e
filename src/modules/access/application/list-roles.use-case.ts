import { Injectable } from '@nestjs/common';
import { DEFAULT_GRANTS, Permission, ROLE_CEILINGS, ROLES } from '#src/kernel/auth/permissions';
import type { Role } from '#src/kernel/context/request-context';
import { defaultRoleGrants, RoleGrantsRepository } from '../domain/role-grants';

export interface RoleView {
  readonly role: Role;
  readonly grants: readonly Permission[];
  readonly defaults: readonly Permission[];
  readonly ceiling: readonly Permission[];
  readonly revision: number;
}

/** Each role's current grants, with its defaults and its ceiling so clients can show both. */
@Injectable()
export class ListRoles {
  constructor(private readonly grants: RoleGrantsRepository) {}

  async execute(): Promise<RoleView[]> {
    const stored = new Map((await this.grants.findAll()).map((row) => [row.role, row]));
    return ROLES.map((role) => toRoleView(stored.get(role) ?? defaultRoleGrants(role)));
  }
}

export function toRoleView({ role, grants, revision }: { role: Role; grants: readonly Permission[]; revision: number }): RoleView {
  return { role, grants, defaults: DEFAULT_GRANTS[role], ceiling: ROLE_CEILINGS[role], revision };
}
