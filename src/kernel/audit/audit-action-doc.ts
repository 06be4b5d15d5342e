import { routeAction } from './audit-action';

/** Actions that no route produces: jobs, the operator CLI, ingestion, the trail itself. */
export const NON_ROUTE_ACTIONS: readonly { readonly action: string; readonly type: string; readonly what: string }[] = [
  { action: 'api.request', type: 'access, denial', what: 'a request that matched no route (404 route_not_found, 405, or refused by the body parser before routing)' },
  { action: 'auth.login.success', type: 'signin', what: 'Auth0 Log Streams: a successful login (types s, scoa, sens)' },
  { action: 'auth.login.failure', type: 'signin', what: 'Auth0 Log Streams: a failed login (types f, fp, fu, fc, fco, fcoa, fens)' },
  { action: 'auth0.<type>', type: 'signin', what: 'Auth0 Log Streams: any other failure, named by its Auth0 type (f…: failed signup, token exchange, password change, …)' },
  { action: 'lead.expire', type: 'change', what: 'job:expire-leads: an approved lead passed its protection window' },
  { action: 'tenant.create', type: 'system', what: 'operator CLI tenants:create' },
  { action: 'tenant.suspend', type: 'system', what: 'operator CLI tenants:suspend' },
  { action: 'tenant.reactivate', type: 'system', what: 'operator CLI tenants:reactivate' },
  { action: 'tenant.terminate', type: 'system', what: 'operator CLI tenants:terminate' },
  { action: 'audit.retention', type: 'checkpoint', what: 'job:audit-retention: the signed checkpoint before events 1..k of a stream are removed' },
  { action: 'audit.retention.run', type: 'system', what: 'job:audit-retention: one run, in the platform stream, whether or not it removed anything' },
];

/** Routes the trail does not record (probes and documentation). */
const UNAUDITED = /^\/(health\/|version$|docs|openapi\.json$)/;

/** The "Action names" table of docs/audit.md, from the live routes and NON_ROUTE_ACTIONS. */
export function renderActionNames(routes: readonly { readonly path: string; readonly methods: readonly string[] }[]): string {
  const rows = new Map<string, string[]>();
  for (const { path, methods } of routes) {
    if (UNAUDITED.test(path)) continue;
    for (const method of methods) {
      const { action } = routeAction(method, path);
      rows.set(action, [...(rows.get(action) ?? []), `\`${method} ${path}\``]);
    }
  }
  const lines = [
    '| action | recorded as | from |',
    '| --- | --- | --- |',
    ...[...rows]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([action, from]) => `| \`${action}\` | ${recordedAs(action, from)} | ${from.sort().join(', ')} |`),
    ...NON_ROUTE_ACTIONS.map(({ action, type, what }) => `| \`${action}\` | ${type} | ${what} |`),
  ];
  return `${lines.join('\n')}\n`;
}

function recordedAs(action: string, from: readonly string[]): string {
  // Webhook deliveries carry no tenant and change no resource: their request is an access event
  // in the platform stream; what they deliver is recorded as events of its own (auth.login.*, auth0.*).
  if (action.startsWith('integration.')) return 'access (platform stream)';
  return /\.(create|update|delete)$/.test(action) || isCommand(from) ? 'change (and access)' : 'access';
}

function isCommand(from: readonly string[]): boolean {
  return from.some((route) => /^`(POST|PATCH|PUT|DELETE) /.test(route));
}
