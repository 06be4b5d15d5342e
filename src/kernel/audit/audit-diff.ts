import type { AuditFieldChange, JsonValue } from './audit-event';

/**
 * Personal data never shown in the trail's diffs: the change is recorded, the values are not.
 * Matched against the dotted field path and its last segment. The one list to extend.
 */
export const PII_FIELDS: readonly string[] = ['email', 'phone', 'name', 'title', 'contact', 'primaryContact'];
/** Fields whose values are not the resource's content (bookkeeping, derived sort keys, histories). */
const IGNORED_FIELDS = new Set(['revision', 'updatedAt', 'createdAt', 'statusHistory', 'stageHistory', 'tenantId']);
export const MASKED = '[masked]';
/** A value path never goes deeper than this; anything below is compared as a whole. */
const MAX_DEPTH = 3;

/** The fields that differ between two versions of a resource, PII masked, in path order. */
export function fieldChanges(before: unknown, after: unknown): AuditFieldChange[] {
  const a = flatten(before);
  const b = flatten(after);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  const changes: AuditFieldChange[] = [];
  for (const path of paths) {
    const was = a.get(path);
    const now = b.get(path);
    if (JSON.stringify(was) === JSON.stringify(now)) continue;
    const masked = isPersonal(path);
    changes.push({
      field: path,
      ...(was === undefined ? {} : { before: masked ? MASKED : was }),
      ...(now === undefined ? {} : { after: masked ? MASKED : now }),
    });
  }
  return changes;
}

function isPersonal(path: string): boolean {
  const parts = path.split('.');
  return parts.some((part) => PII_FIELDS.includes(part) && !(part === 'name' && parts.length === 1));
}

function flatten(value: unknown, prefix = '', depth = 0, out = new Map<string, JsonValue>()): Map<string, JsonValue> {
  if (value === null || value === undefined) return out;
  if (isPlainObject(value) && depth < MAX_DEPTH) {
    for (const [key, child] of Object.entries(value)) {
      if (depth === 0 && IGNORED_FIELDS.has(key)) continue;
      if (child === undefined) continue;
      flatten(child, prefix ? `${prefix}.${key}` : key, depth + 1, out);
    }
    return out;
  }
  if (prefix !== '') out.set(prefix, toJson(value));
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** Dates as ISO strings, everything else through JSON (no undefined, no functions). */
function toJson(value: unknown): JsonValue {
  if (value instanceof Date) return value.toISOString();
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (v instanceof Date ? v.toISOString() : v)) ?? 'null') as JsonValue;
}
