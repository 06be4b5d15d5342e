import type { FieldError } from '../errors/domain-error';

// What a parsed JSON body may look like, in two checks:
// - bounds (json-body.middleware.ts, right after parsing, before routing, like the 100 kB limit):
//   nested at most `maxDepth` levels and no array longer than `maxArrayItems`, so nothing that
//   walks a body later (idempotency hash, validation, audit) meets an unbounded structure;
// - shape (validation.pipe.ts, for every @Body()): an object at the top, and no key that could be
//   read as a MongoDB operator or path (`$…`, `a.b`) or that reaches a prototype (`__proto__`,
//   `constructor`, `prototype`). JSON.parse keeps `"__proto__"` as an own property, so the raw
//   parse is checked, before class-transformer copies (or silently drops) anything.
// Both walk with an explicit stack in document order: a deep body costs a loop, never the call stack.

export interface JsonBodyLimits {
  /** The top-level value is level 1; a value nested deeper than this is refused. */
  readonly maxDepth: number;
  /** Per array, at any depth. */
  readonly maxArrayItems: number;
}

export const DEFAULT_JSON_BODY_LIMITS: JsonBodyLimits = { maxDepth: 20, maxArrayItems: 1000 };

/** Keys that name a prototype slot rather than data. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

// A body names only a handful of fields; the first few problems are enough to fix it.
const MAX_REPORTED = 20;

function pointerSegment(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Why `key` is not accepted as a field (or query parameter) name, or undefined when it is. */
export function refusedKeyReason(key: string): string | undefined {
  if (key.startsWith('$')) return 'must not start with $';
  if (key.includes('.')) return 'must not contain a dot';
  if (PROTOTYPE_KEYS.has(key)) return 'is a reserved name';
  return undefined;
}

interface Visit {
  readonly value: unknown;
  readonly pointer: string;
  readonly depth: number;
  readonly error?: string;
}

/**
 * Depth-first, in document order; `visit` returns the problem with a node or undefined, `stop`
 * skips its children; `childError` judges each key, `stringError` each string value.
 */
function walk(
  body: unknown,
  visit: (node: Visit) => { error?: string; stop?: boolean },
  childError: (key: string) => string | undefined = () => undefined,
  stringError: (value: string) => string | undefined = () => undefined,
): FieldError[] {
  const errors: FieldError[] = [];
  const pending: Visit[] = [{ value: body, pointer: '', depth: 1 }];
  while (pending.length > 0 && errors.length < MAX_REPORTED) {
    const node = pending.pop()!;
    if (node.error !== undefined) {
      errors.push({ field: node.pointer, message: node.error });
      continue;
    }
    const { value, pointer, depth } = node;
    if (typeof value === 'string') {
      const problem = stringError(value);
      if (problem !== undefined) errors.push({ field: pointer, message: problem });
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    const { error, stop } = visit(node);
    if (error !== undefined) errors.push({ field: pointer, message: error });
    if (stop) continue;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) pending.push({ value: value[i], pointer: `${pointer}/${i}`, depth: depth + 1 });
      continue;
    }
    const keys = Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i];
      const reason = childError(key);
      pending.push({ value: (value as Record<string, unknown>)[key], pointer: `${pointer}/${pointerSegment(key)}`, depth: depth + 1, ...(reason === undefined ? {} : { error: reason }) });
    }
  }
  return errors;
}

/** Depth and array sizes of a parsed body (any top-level value), as JSON Pointer field errors. */
export function jsonBodyBoundErrors(body: unknown, limits: JsonBodyLimits = DEFAULT_JSON_BODY_LIMITS): FieldError[] {
  return walk(body, ({ value, depth }) => {
    if (depth > limits.maxDepth) return { error: `nests deeper than ${limits.maxDepth} levels`, stop: true };
    if (Array.isArray(value) && value.length > limits.maxArrayItems) return { error: `must not have more than ${limits.maxArrayItems} items`, stop: true };
    return {};
  });
}

// An unpaired UTF-16 surrogate (JSON allows "\ud800") is no character: text validators (URI
// decoding in validator.js's isEmail, for one) throw on it, and no store keeps it as sent.
const NOT_UNICODE = 'must be well-formed Unicode text (it holds an unpaired surrogate)';

/** A body must be an object whose keys, at any depth, are plain field names, and whose strings are Unicode text. */
export function jsonBodyShapeErrors(body: unknown): FieldError[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return [{ field: '', message: 'the request body must be a JSON object' }];
  }
  return walk(
    body,
    () => ({}),
    (key) => {
      const reason = key.isWellFormed() ? refusedKeyReason(key) : NOT_UNICODE;
      return reason === undefined ? undefined : `field name ${reason}`;
    },
    (value) => (value.isWellFormed() ? undefined : NOT_UNICODE),
  );
}
