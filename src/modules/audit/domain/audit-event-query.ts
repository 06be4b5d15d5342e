import type { AuditActorType, AuditEvent, AuditEventType, AuditResult } from '#src/kernel/audit/audit-event';
import { DomainError, FieldError } from '#src/kernel/errors/domain-error';

/** The values the trail's enumerations take (kept exhaustive against the kernel's event types). */
export const AUDIT_EVENT_TYPES = ['access', 'change', 'denial', 'signin', 'system', 'checkpoint'] as const satisfies readonly AuditEventType[];
export const AUDIT_RESULTS = ['success', 'denied', 'error', 'unknown'] as const satisfies readonly AuditResult[];
export const AUDIT_ACTOR_TYPES = ['user', 'machine', 'system', 'operator', 'anonymous', 'auth0'] as const satisfies readonly AuditActorType[];
// A value added to the kernel's unions without being listed here fails the build.
const _everyType: [Exclude<AuditEventType, (typeof AUDIT_EVENT_TYPES)[number]>] extends [never] ? true : never = true;
const _everyResult: [Exclude<AuditResult, (typeof AUDIT_RESULTS)[number]>] extends [never] ? true : never = true;
const _everyActorType: [Exclude<AuditActorType, (typeof AUDIT_ACTOR_TYPES)[number]>] extends [never] ? true : never = true;

/** `action=lead.update` matches that action only; `action=lead.*` every action starting with `lead.`. */
export type ActionMatch = { readonly exact: string } | { readonly prefix: string };

/** What the list and the export filter on; conditions combine with AND. */
export interface AuditEventFilter {
  /** Inclusive bound on the event's `time`. */
  readonly from?: Date;
  /** Exclusive bound on the event's `time`. */
  readonly to?: Date;
  readonly actorId?: string;
  readonly action?: ActionMatch;
  readonly targetType?: string;
  readonly targetId?: string;
  readonly result?: AuditResult;
  readonly ip?: string;
}

/** Inclusive bounds on the sequence number (exports). */
export interface AuditSeqRange {
  readonly fromSeq?: number;
  readonly toSeq?: number;
}

export interface AuditEventPage {
  readonly data: AuditEvent[];
  readonly nextCursor: string | null;
}

const PREFIX_SUFFIX = '.*';

export function parseActionMatch(value: string): ActionMatch {
  return value.endsWith(PREFIX_SUFFIX) && value.length > PREFIX_SUFFIX.length ? { prefix: value.slice(0, -1) } : { exact: value };
}

/** True when nothing narrows the list: it can then be read by sequence number alone. */
export function isUnfiltered(filter: AuditEventFilter): boolean {
  return Object.values(filter).every((value) => value === undefined);
}

const invalid = (errors: FieldError[]): DomainError => new DomainError('validation_failed', 'One or more fields are invalid.', { errors });

/** Bounds that can match nothing are a mistake worth naming, not an empty answer. */
export function assertBounds(filter: AuditEventFilter, range: AuditSeqRange = {}): void {
  const errors: FieldError[] = [];
  if (filter.from && filter.to && filter.to.getTime() <= filter.from.getTime()) errors.push({ field: '/to', message: 'must be later than from' });
  if (range.fromSeq !== undefined && range.toSeq !== undefined && range.toSeq < range.fromSeq) errors.push({ field: '/toSeq', message: 'must not be less than fromSeq' });
  if (errors.length > 0) throw invalid(errors);
}

// The cursor names the last sequence number of the page it came from (newest first).
interface CursorBody {
  readonly o: '-seq';
  readonly s: number;
}

export function encodeAuditCursor(seq: number): string {
  const body: CursorBody = { o: '-seq', s: seq };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

/** The sequence number the next page starts below. */
export function decodeAuditCursor(cursor: string): number {
  let body: Partial<CursorBody> | null = null;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorBody> | null;
  } catch {
    // answered below
  }
  if (body === null || typeof body !== 'object' || body.o !== '-seq' || typeof body.s !== 'number' || !Number.isSafeInteger(body.s) || body.s < 1) {
    throw new DomainError('validation_failed', 'The cursor is not valid.', { errors: [{ field: '/cursor', message: 'is not a cursor this API issued' }] });
  }
  return body.s;
}

/** Builds a page from up to limit+1 events, newest first: the extra one only says "there is more". */
export function toAuditEventPage(rows: AuditEvent[], limit: number): AuditEventPage {
  const data = rows.slice(0, limit);
  const last = data.at(-1);
  return { data, nextCursor: rows.length > limit && last ? encodeAuditCursor(last.seq) : null };
}

/** `<tenantId>:<seq>`, as the chain names its events; undefined for anything else. */
export function parseAuditEventId(id: string): { readonly stream: string; readonly seq: number } | undefined {
  const match = /^([^:\s]{1,64}):([1-9][0-9]{0,15})$/.exec(id);
  if (!match) return undefined;
  const seq = Number(match[2]);
  return Number.isSafeInteger(seq) ? { stream: match[1], seq } : undefined;
}
