// Action names and target types, derived from the route so that every route has one without a
// list to keep in step: `<target type>.<verb>`, e.g. POST /v1/leads/:id/approve → lead.approve.

/** Path segment → target type; segments not listed lose a trailing "s" (leads → lead). */
const TARGET_TYPES: Readonly<Record<string, string>> = {
  opportunities: 'opportunity',
  'audit-events': 'audit-event',
  tenant: 'tenant-settings',
  me: 'session',
  integrations: 'integration',
};

/** Collections that are one resource, not a list: GET reads it. */
const SINGLETONS = new Set(['me']);

const VERBS: Readonly<Record<string, string>> = { GET: 'read', POST: 'create', PATCH: 'update', PUT: 'update', DELETE: 'delete', HEAD: 'read' };

export interface RouteAction {
  readonly action: string;
  readonly targetType: string;
  /** The route parameter that names the target, when there is one. */
  readonly idParam?: string;
}

/**
 * `GET /v1/leads` → lead.list, `GET /v1/leads/:id` → lead.read, `GET /v1/leads/export` →
 * lead.export, `POST /v1/leads` → lead.create, `PATCH|PUT …/:id` → update, `DELETE` → delete,
 * `POST /v1/leads/:id/approve` → lead.approve, `PATCH /v1/tenant/settings` → tenant-settings.update.
 */
export function routeAction(method: string, routeTemplate: string): RouteAction {
  const segments = routeTemplate.split('/').filter((s) => s !== '' && s !== 'v1');
  const [collection = 'api', ...rest] = segments;
  const targetType = TARGET_TYPES[collection] ?? (collection.endsWith('s') ? collection.slice(0, -1) : collection);
  const param = rest.find((s) => s.startsWith(':'));
  const idParam = param?.slice(1);
  const last = rest.at(-1);
  const verb = VERBS[method.toUpperCase()] ?? method.toLowerCase();
  if (last === undefined) return { action: `${targetType}.${verb === 'read' && !SINGLETONS.has(collection) ? 'list' : verb}`, targetType };
  if (last.startsWith(':')) return { action: `${targetType}.${verb}`, targetType, idParam };
  // A named sub-resource or command: /export, /verify, /settings, /:id/approve.
  if (targetType === 'tenant-settings') return { action: `${targetType}.${verb}`, targetType };
  return { action: `${targetType}.${last}`, targetType, ...(idParam ? { idParam } : {}) };
}
