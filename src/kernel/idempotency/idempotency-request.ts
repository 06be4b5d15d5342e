import { createHash } from 'node:crypto';
import { DomainError } from '../errors/domain-error';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

/** Where a bad key is reported in `errors[].field`: `/<name>`, as for query parameters. */
export const IDEMPOTENCY_KEY_FIELD = `/${IDEMPOTENCY_KEY_HEADER}`;

export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

// Visible ASCII (0x21-0x7E): no spaces, so a repeated header (joined with ", ") is refused too.
const KEY_SYNTAX = /^[\x21-\x7E]{1,255}$/;

/** The key a client sent, or a 400 naming the header when it is not 1..255 visible ASCII chars. */
export function parseIdempotencyKey(header: string | string[]): string {
  if (typeof header === 'string' && KEY_SYNTAX.test(header)) return header;
  throw new DomainError('validation_failed', `The ${IDEMPOTENCY_KEY_HEADER} header is not valid.`, {
    errors: [{ field: IDEMPOTENCY_KEY_FIELD, message: `must be 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} visible ASCII characters, sent once` }],
  });
}

/** JSON with object keys sorted at every depth, so equal values serialise identically. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const source = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(source)
        .sort()
        .map((key) => [key, sortKeys(source[key])]),
    );
  }
  return value;
}

export interface RequestShape {
  readonly params: unknown;
  readonly query: unknown;
  readonly body: unknown;
}

/**
 * What "the same request" means: the same path parameters, query and parsed body. The path
 * parameters count because the key is scoped to the route template: the same key on
 * `/v1/leads/A/approve` and `/v1/leads/B/approve` is a reuse, not a replay.
 */
export function requestHash({ params, query, body }: RequestShape): string {
  const canonical = canonicalJson({ params: params ?? {}, query: query ?? {}, body: body ?? null });
  return createHash('sha256').update(canonical).digest('hex');
}
