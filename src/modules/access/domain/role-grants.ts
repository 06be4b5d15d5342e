import type { Role } from '#src/kernel/context/request-context';
import { DomainError, FieldError } from '#src/kernel/errors/domain-error';
import { DEFAULT_GRANTS, isPermission, LOCKOUT_GUARD, Permission, PERMISSIONS, ROLE_CEILINGS } from '#src/kernel/auth/permissions';

/** A role's grants in one tenant; absent rows mean the catalogue defaults. */
export interface RoleGrants {
  readonly role: Role;
  readonly grants: readonly Permission[];
  /** 0 while the defaults apply; +1 on every change. */
  readonly revision: number;
}

export function defaultRoleGrants(role: Role): RoleGrants {
  return { role, grants: DEFAULT_GRANTS[role], revision: 0 };
}

/**
 * Checks a requested grant set: known permissions only, within the role's ceiling, and the Admin
 * role keeps roles:manage (otherwise nobody could ever change grants again).
 */
export function validateGrants(role: Role, requested: readonly string[]): Permission[] {
  const errors: FieldError[] = [];
  requested.forEach((value, index) => {
    if (!isPermission(value)) errors.push({ field: `/grants/${index}`, message: `${value} is not a permission` });
    else if (!ROLE_CEILINGS[role].includes(value)) {
      errors.push({ field: `/grants/${index}`, message: `${value} is beyond the ${role} ceiling` });
    }
  });
  if (errors.length > 0) throw new DomainError('validation_failed', 'One or more grants are not allowed.', { errors });
  const grants = PERMISSIONS.filter((p) => requested.includes(p));
  if (role === 'Admin' && !grants.includes(LOCKOUT_GUARD)) {
    throw new DomainError('lockout_refused', `The Admin role must keep ${LOCKOUT_GUARD}, or no one could change grants again.`);
  }
  return grants;
}

export abstract class RoleGrantsRepository {
  /** Stored grants per role in the current tenant (roles without a row are missing). */
  abstract findAll(): Promise<RoleGrants[]>;
  abstract find(role: Role): Promise<RoleGrants | undefined>;
  /** Writes grants at `revision` (already claimed by the caller). */
  abstract save(grants: RoleGrants): Promise<void>;
}
