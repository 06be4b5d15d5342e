// The audit event as auditors receive it (GET /v1/audit-events, NDJSON export) and as its hash is
// computed: JSON values only (strings, integers, booleans, null, objects, arrays), so that the
// recipe in docs/audit.md can be recomputed with any RFC 8785 implementation.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** The platform stream: events that cannot be tied to a tenant (401s without one, unknown Auth0 organizations). */
export const PLATFORM_STREAM = 'platform';

/** prevHash of the first event of a stream. */
export const GENESIS_HASH = '0'.repeat(64);

export type AuditEventType = 'access' | 'change' | 'denial' | 'signin' | 'system' | 'checkpoint';
export type AuditResult = 'success' | 'denied' | 'error' | 'unknown';
export type AuditActorType = 'user' | 'machine' | 'system' | 'operator' | 'anonymous' | 'auth0';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface AuditActor {
  readonly type: AuditActorType;
  /** The user's `sub`, `job:<name>`, `operator:<name>`; null when unknown (a request without a valid token). */
  readonly id: string | null;
  readonly role?: string;
  readonly partnerId?: string;
  readonly email?: string;
}

export interface AuditTarget {
  /** `lead`, `opportunity`, `partner`, `member`, `role`, `tenant-settings`, `audit-event`, … */
  readonly type: string;
  readonly id: string | null;
}

export interface AuditRequestContext {
  readonly requestId?: string;
  readonly ip?: string;
  readonly userAgent?: string;
  readonly method?: string;
  /** The route template, e.g. `/v1/leads/:id/approve`; absent when no route matched. */
  readonly route?: string;
}

export interface AuditOutcome {
  readonly result: AuditResult;
  readonly status?: number;
  /** Why it was denied or failed (`expired`, `permission_denied`, …); never a token or a secret. */
  readonly reason?: string;
  readonly latencyMs?: number;
  /** Coalesced denials: how many identical ones this event stands for. */
  readonly count?: number;
}

export interface AuditFieldChange {
  /** Dotted path of the field, e.g. `contact.email`. */
  readonly field: string;
  /** `"[masked]"` for the PII fields listed in pii-fields.ts; absent when the field did not exist. */
  readonly before?: JsonValue;
  readonly after?: JsonValue;
}

/** What the writer is given: everything but the chain position. */
export interface AuditEventDraft {
  readonly time: string;
  readonly type: AuditEventType;
  readonly action: string;
  readonly actor: AuditActor;
  readonly target: AuditTarget | null;
  readonly context: AuditRequestContext;
  readonly outcome: AuditOutcome;
  readonly changes?: readonly AuditFieldChange[];
  /** Type-specific data: the raw Auth0 event (as a string), a checkpoint's anchor. */
  readonly data?: { readonly [key: string]: JsonValue };
  /** Unique within the stream: a second event with the same source is refused (exactly-once appends). */
  readonly source: string;
}

/** A chained event: the draft, its place in its stream, and the hashes that link it. */
export interface AuditEvent extends AuditEventDraft {
  /** `<tenantId>:<seq>`. */
  readonly id: string;
  /** The tenant, or PLATFORM_STREAM. */
  readonly tenantId: string;
  /** 1, 2, 3, … without gaps within the stream. */
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
}

export function auditEventId(tenantId: string, seq: number): string {
  return `${tenantId}:${seq}`;
}

/** RFC 8785 (JCS) canonical JSON. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('value has no JSON form');
  return text;
}

/** hash = hex SHA-256 of the JCS form of the event without its `hash` member. */
export function hashAuditEvent(event: Omit<AuditEvent, 'hash'> & { readonly hash?: string }): string {
  const { hash: _ignored, ...rest } = event;
  return createHash('sha256').update(canonicalJson(rest), 'utf8').digest('hex');
}

/** Places a draft after `previous` (or at the start of the stream) and seals it. */
export function chainEvent(tenantId: string, draft: AuditEventDraft, previous: { readonly seq: number; readonly hash: string } | undefined): AuditEvent {
  const seq = (previous?.seq ?? 0) + 1;
  const unsealed = { ...stripUndefined(draft), id: auditEventId(tenantId, seq), tenantId, seq, prevHash: previous?.hash ?? GENESIS_HASH };
  return { ...unsealed, hash: hashAuditEvent(unsealed) } as AuditEvent;
}

/**
 * JSON has no undefined: drop such members so the stored event and its hash agree. Lone UTF-16
 * surrogates (possible in user-typed text) have no canonical JSON form: they become U+FFFD.
 */
function stripUndefined<T>(value: T): T {
  return plainJson(value) as T;
}

/**
 * What JSON.parse(JSON.stringify(value)) gives, with lone surrogates replaced, in one walk: this
 * runs for every audit event, and the round trip through text cost more than hashing the event.
 */
export function plainJson(value: unknown): unknown {
  if (typeof value === 'string') return value.isWellFormed() ? value : value.toWellFormed();
  if (typeof value === 'number') return Number.isFinite(value) ? value + 0 : null; // + 0: -0 becomes 0, as in JSON
  if (value === null || typeof value !== 'object') return value;
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return plainJson(withJson.toJSON());
  if (Array.isArray(value)) return value.map((item: unknown) => (item === undefined || typeof item === 'function' || typeof item === 'symbol' ? null : plainJson(item)));
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
    // A member named __proto__ must stay a member (as JSON.parse makes it), not set the prototype.
    if (key === '__proto__') Object.defineProperty(out, key, { value: plainJson(member), enumerable: true, writable: true, configurable: true });
    else out[key] = plainJson(member);
  }
  return out;
}
