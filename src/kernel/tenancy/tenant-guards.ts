// Pure checks and rewrites the tenant plugin applies to filters, update payloads, replacements and
// aggregation pipelines. No mongoose here, so each rule can be read (and tested) on its own.
import { TenantScopeError, TenantScopeSite } from './tenant-scope.error';

export const TENANT_PATH = 'tenantId';

type Doc = Record<string, unknown>;

function isObject(value: unknown): value is Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTenantPath(path: string): boolean {
  return path === TENANT_PATH || path.startsWith(`${TENANT_PATH}.`);
}

/** A condition on tenantId that can only ever match `tenantId`: 'A', {$eq: 'A'}, {$in: ['A']}. */
function namesOnly(condition: unknown, tenantId: string): boolean {
  if (typeof condition === 'string') return condition === tenantId;
  if (!isObject(condition)) return false;
  const operators = Object.entries(condition);
  return (
    operators.length > 0 &&
    operators.every(
      ([op, value]) =>
        (op === '$eq' && value === tenantId) ||
        (op === '$in' && Array.isArray(value) && value.length > 0 && value.every((v) => v === tenantId)),
    )
  );
}

/** Throws when the filter, at any depth of $and/$or/$nor, conditions tenantId on anything but `tenantId`. */
export function assertFilterNamesOnlyTenant(filter: unknown, tenantId: string, site: TenantScopeSite): void {
  if (!isObject(filter)) return;
  for (const [key, value] of Object.entries(filter)) {
    if (isTenantPath(key)) {
      if (key !== TENANT_PATH || !namesOnly(value, tenantId)) {
        throw new TenantScopeError(site, `the filter names a tenant other than the context's (${key})`);
      }
    } else if ((key === '$and' || key === '$or' || key === '$nor') && Array.isArray(value)) {
      for (const branch of value) assertFilterNamesOnlyTenant(branch, tenantId, site);
    }
  }
}

/**
 * The filter with the tenant condition added as a top-level key. Top-level keys are ANDed, so a
 * user $or/$nor cannot widen the scope, and an upsert inherits the tenantId from the equality.
 */
export function scopeFilter(filter: unknown, tenantId: string, site: TenantScopeSite): Doc {
  assertFilterNamesOnlyTenant(filter, tenantId, site);
  return { ...(isObject(filter) ? filter : {}), [TENANT_PATH]: tenantId };
}

/** The tenantId a filter pins with a top-level equality, if any (used for cross-tenant upserts). */
export function pinnedTenant(filter: unknown): string | undefined {
  if (!isObject(filter)) return undefined;
  const condition = filter[TENANT_PATH];
  if (typeof condition === 'string') return condition;
  if (isObject(condition) && Object.keys(condition).length === 1 && typeof condition.$eq === 'string') {
    return condition.$eq;
  }
  return undefined;
}

const SETTING_OPERATORS = new Set(['$set', '$setOnInsert']);

/**
 * Throws when an update would set, unset, rename or otherwise change tenantId. Setting it to the
 * context's own tenant ($set, $setOnInsert, top-level key) is a no-op and allowed; without a
 * context tenant (cross-tenant) no write to tenantId is allowed at all.
 */
export function assertUpdateKeepsTenant(update: unknown, tenantId: string | undefined, site: TenantScopeSite): void {
  if (Array.isArray(update)) {
    throw new TenantScopeError(site, 'update pipelines are not allowed on tenant collections');
  }
  if (!isObject(update)) return;
  const sameTenant = (value: unknown) => tenantId !== undefined && value === tenantId;
  for (const [key, value] of Object.entries(update)) {
    if (!key.startsWith('$')) {
      if (isTenantPath(key) && !(key === TENANT_PATH && sameTenant(value))) {
        throw new TenantScopeError(site, `the update changes ${key}`);
      }
      continue;
    }
    if (!isObject(value)) continue;
    for (const [path, operand] of Object.entries(value)) {
      if (isTenantPath(path) && !(SETTING_OPERATORS.has(key) && path === TENANT_PATH && sameTenant(operand))) {
        throw new TenantScopeError(site, `the update changes ${path} (${key})`);
      }
      if (key === '$rename' && typeof operand === 'string' && isTenantPath(operand)) {
        throw new TenantScopeError(site, `the update renames ${path} to ${operand}`);
      }
    }
  }
}

/**
 * The replacement document stamped with the context tenant; throws when it carries another one.
 * A replacement without tenantId would otherwise drop the field from the stored document.
 */
export function stampReplacement(replacement: unknown, tenantId: string, site: TenantScopeSite): Doc {
  const doc = isObject(replacement) ? replacement : {};
  const current = doc[TENANT_PATH];
  if (current !== undefined && current !== tenantId) {
    throw new TenantScopeError(site, 'the replacement carries a different tenantId');
  }
  return { ...doc, [TENANT_PATH]: tenantId };
}

/** The replacement's own tenantId; cross-tenant replacements must carry one explicitly. */
export function replacementTenant(replacement: unknown, site: TenantScopeSite): string {
  const tenantId = isObject(replacement) ? replacement[TENANT_PATH] : undefined;
  if (typeof tenantId !== 'string' || tenantId === '') {
    throw new TenantScopeError(site, 'a cross-tenant replacement must carry an explicit tenantId');
  }
  return tenantId;
}

// Stages that read or write other collections, or must be the first stage (so the tenant $match
// cannot precede them). None is in the FerretDB subset either (docs/database.md).
const REFUSED_STAGES = new Set([
  '$lookup',
  '$graphLookup',
  '$unionWith',
  '$out',
  '$merge',
  '$geoNear',
  '$search',
  '$searchMeta',
  '$vectorSearch',
  '$collStats',
  '$indexStats',
  '$currentOp',
  '$listSessions',
  '$listLocalSessions',
  '$listSearchIndexes',
  '$planCacheStats',
  '$documents',
  '$changeStream',
]);

/** Throws on stages that escape the collection; in a tenant context, also on a $match naming another tenant. */
export function assertPipelineStaysInTenant(
  pipeline: readonly unknown[],
  tenantId: string | undefined,
  site: TenantScopeSite,
): void {
  for (const stage of pipeline) {
    if (!isObject(stage)) continue;
    for (const [name, body] of Object.entries(stage)) {
      if (REFUSED_STAGES.has(name)) {
        throw new TenantScopeError(site, `the ${name} stage is not allowed on tenant collections`);
      }
      if (name === '$match' && tenantId !== undefined) assertFilterNamesOnlyTenant(body, tenantId, site);
      if (name === '$facet' && isObject(body)) {
        for (const branch of Object.values(body)) {
          if (Array.isArray(branch)) assertPipelineStaysInTenant(branch, tenantId, site);
        }
      }
    }
  }
}
