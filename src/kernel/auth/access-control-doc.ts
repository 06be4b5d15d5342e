import { MACHINE_SECRETS } from './machine-secrets';
import { DEFAULT_GRANTS, LOCKOUT_GUARD, MACHINE_EXCLUDED, PERMISSIONS, ROLE_CEILINGS, ROLES, STEP_UP_PERMISSIONS } from './permissions';

/** docs/access-control.md, rendered from the permission catalogue so the two cannot drift. */
export function renderAccessControlDoc(): string {
  const mark = (role: (typeof ROLES)[number], permission: (typeof PERMISSIONS)[number]): string => {
    if (DEFAULT_GRANTS[role].includes(permission)) return '✅';
    return ROLE_CEILINGS[role].includes(permission) ? '·' : '—';
  };
  const rows = PERMISSIONS.map((p) => `| \`${p}\` | ${ROLES.map((r) => mark(r, p)).join(' | ')} |`);
  return [
    '# Access control',
    '',
    '<!-- Generated from src/kernel/auth/permissions.ts by `npm run docs:access`; a test fails when it is stale. -->',
    '',
    'Every route names exactly one permission (`@RequirePermission`, shown as `x-permission` in the OpenAPI',
    'document), or is `@Authenticated()` (any active member: `GET /v1/me`) or `@Public()` (health, version,',
    'docs). Anything unmarked is refused. Roles come from the tenant\'s membership records, never from the token.',
    '',
    `Webhook routes are \`@MachineSecret(name)\` instead: a shared secret, compared in constant time, is the only`,
    `way in (a user token is refused with 401), and while it is not configured the route answers 404 like an unknown`,
    `one. Secrets: ${Object.entries(MACHINE_SECRETS).map(([name, { env, purpose }]) => `\`${name}\` (\`${env}\`): ${purpose}`).join('; ')}.`,
    '',
    '## Default grants and ceilings',
    '',
    '✅ granted by default · `·` may be granted by an Admin (within the ceiling) · `—` can never be granted',
    '',
    `| permission | ${ROLES.join(' | ')} |`,
    `| --- | ${ROLES.map(() => '---').join(' | ')} |`,
    ...rows,
    '',
    '## Row scope',
    '',
    '- **Admin** and **Staff** see every record of their tenant.',
    '- **Partner** users see and change only records whose `partnerId` is their partner organization (and that partner itself).',
    '- **Agent** users see and change only records they own (`ownerId` = their `sub`) within their partner organization.',
    '- Out-of-scope ids answer 404 exactly like missing ones; lists, counts and exports apply the same filter inside the query.',
    '',
    '## Guard rails',
    '',
    `- The Admin role always keeps \`${LOCKOUT_GUARD}\` (no lock-out); \`PUT /v1/roles/Admin\` without it is a 409.`,
    '- A tenant keeps at least one active Admin: demoting or deactivating the last one is a 409, also under concurrent requests (a tenant-wide lease taken by a unique insert).',
    `- Machine clients (\`sub\` ending in \`@clients\`) never hold ${MACHINE_EXCLUDED.map((p) => `\`${p}\``).join(' or ')}, whatever their role's grants.`,
    `- Step-up: when the tenant setting \`requireMfaForAdminActions\` is on (the default), ${STEP_UP_PERMISSIONS.map((p) => `\`${p}\``).join(', ')} need a token whose \`amr\` contains \`mfa\` (403 \`mfa_required\` otherwise). Machine clients are exempt.`,
    '- Grant and membership changes apply at once on the instance that made them and within 2 s everywhere (bounded caches).',
    '',
  ].join('\n');
}
