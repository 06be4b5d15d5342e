import type { Role } from '../context/request-context';

/**
 * The one catalogue of permissions, `resource:action`. Routes name exactly one; roles hold sets of
 * them per tenant. docs/access-control.md is generated from this file.
 */
export const PERMISSIONS = [
  'partners:read',
  'partners:create',
  'partners:update',
  'partners:delete',
  'leads:read',
  'leads:create',
  'leads:update',
  'leads:delete',
  'leads:approve',
  'leads:export',
  'opportunities:read',
  'opportunities:create',
  'opportunities:update',
  'opportunities:delete',
  'opportunities:export',
  'members:read',
  'members:manage',
  'roles:read',
  'roles:manage',
  'tenant:manage',
  'tenant:export',
  'audit:read',
  'audit:export',
] as const;

export type Permission = (typeof PERMISSIONS)[number];
export type PermissionResource = Permission extends `${infer R}:${string}` ? R : never;

export const ROLES: readonly Role[] = ['Admin', 'Staff', 'Partner', 'Agent'];

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}

const ALL: readonly Permission[] = PERMISSIONS;
const except = (...excluded: Permission[]): Permission[] => ALL.filter((p) => !excluded.includes(p));

// What partner-side users may ever hold: their own organization's records, nothing tenant-wide.
const PARTNER_SIDE_CEILING: Permission[] = [
  'partners:read',
  'leads:read',
  'leads:create',
  'leads:update',
  'leads:delete',
  'leads:export',
  'opportunities:read',
  'opportunities:create',
  'opportunities:update',
  'opportunities:export',
];

/** The most a role can ever be granted; PUT /v1/roles/{role} refuses anything beyond it. */
export const ROLE_CEILINGS: Readonly<Record<Role, readonly Permission[]>> = {
  Admin: ALL,
  Staff: except('members:manage', 'roles:manage'),
  Partner: PARTNER_SIDE_CEILING,
  Agent: PARTNER_SIDE_CEILING,
};

/** Grants a tenant starts with, and returns to when an Admin resets a role. */
export const DEFAULT_GRANTS: Readonly<Record<Role, readonly Permission[]>> = {
  Admin: ALL,
  // Staff run the partner program: partners, deal registration and the pipeline; they may look
  // at members and roles but not change them, and see no audit trail or tenant administration.
  Staff: [...ALL.filter((p) => /^(partners|leads|opportunities):/.test(p)), 'members:read', 'roles:read'],
  Partner: ['partners:read', 'leads:read', 'leads:create', 'leads:update', 'opportunities:read', 'opportunities:update'],
  Agent: ['partners:read', 'leads:read', 'leads:create', 'leads:update', 'opportunities:read'],
};

/** Machine clients (client-credentials) never administer people or permissions. */
export const MACHINE_EXCLUDED: readonly Permission[] = ['members:manage', 'roles:manage'];

/** Permissions that need a token with `amr` containing "mfa" when the tenant requires step-up. */
export const STEP_UP_PERMISSIONS: readonly Permission[] = ['roles:manage', 'members:manage', 'tenant:export'];

/** Every Admin role must keep this, so a tenant can never lock itself out of its own grants. */
export const LOCKOUT_GUARD: Permission = 'roles:manage';

/** What a member may do: the role's grants, cut to the role's ceiling and to machine limits. */
export function effectivePermissions(role: Role, grants: readonly Permission[], machine: boolean): Permission[] {
  const ceiling = ROLE_CEILINGS[role];
  return PERMISSIONS.filter(
    (p) => grants.includes(p) && ceiling.includes(p) && !(machine && MACHINE_EXCLUDED.includes(p)),
  );
}
