// One Auth0 log event as a Log Stream (custom webhook) delivers it: `{ log_id, data: { type, date,
// … } }`, or the event itself, flat (as the Management API lists them). What we read of it, and
// which events the audit trail keeps.

/** The audit actions sign-ins are recorded under. */
export const SIGNIN_ACTIONS = {
  success: 'auth.login.success',
  failure: 'auth.login.failure',
} as const;

/** Auth0's "Login - Success" event category. */
const LOGIN_SUCCESS_TYPES: ReadonlySet<string> = new Set(['s', 'scoa', 'sens']);
/** Auth0's "Login - Failure" event category. */
const LOGIN_FAILURE_TYPES: ReadonlySet<string> = new Set(['f', 'fp', 'fu', 'fc', 'fco', 'fcoa', 'fens']);

const LOG_ID = /^[\x21-\x7e]{1,256}$/;
const LOG_TYPE = /^[a-z][a-z0-9_]{0,63}$/;
const MAX_ID = 512;
const MAX_USER_AGENT = 512;
const MAX_DESCRIPTION = 1024;

export interface Auth0LogEvent {
  /** Auth0's unique id of the event: the idempotency key. */
  readonly logId: string;
  /** Auth0's event type code (`s`, `fp`, …). */
  readonly type: string;
  /** When it happened (ISO 8601), if Auth0 said so parseably. */
  readonly date?: string;
  /** The Auth0 Organization, which names the tenant. */
  readonly organizationId?: string;
  readonly userId?: string;
  readonly ip?: string;
  readonly userAgent?: string;
  readonly description?: string;
  /** The item exactly as parsed, serialised again: its keys need not fit a database (`.`, `$`). */
  readonly raw: string;
}

/** How the trail records an event type; undefined: not recorded. */
export interface LogEventRecording {
  readonly action: string;
  readonly result: 'success' | 'denied';
}

/**
 * Sign-ins (Auth0's Login categories) as auth.login.success / auth.login.failure; every other
 * failure (`f…`: failed signup, token exchange, password change, …) as `auth0.<type>`, denied,
 * since failures are what an auditor hunts for. Other successes (token exchanges, silent
 * authentication, Management API calls) are high-volume noise and are not recorded.
 */
export function recordingOf(type: string): LogEventRecording | undefined {
  if (LOGIN_SUCCESS_TYPES.has(type)) return { action: SIGNIN_ACTIONS.success, result: 'success' };
  if (LOGIN_FAILURE_TYPES.has(type)) return { action: SIGNIN_ACTIONS.failure, result: 'denied' };
  if (type.startsWith('f')) return { action: `auth0.${type}`, result: 'denied' };
  return undefined;
}

/** Reads one item of a batch; a string says why it is not a usable event. */
export function readLogEvent(item: unknown): Auth0LogEvent | string {
  if (!isObject(item)) return 'is not a JSON object';
  const data = isObject(item.data) ? item.data : item;
  const logId = item.log_id ?? data.log_id;
  if (typeof logId !== 'string' || !LOG_ID.test(logId)) return 'log_id is missing or not 1 to 256 visible characters';
  const type = data.type;
  if (typeof type !== 'string' || !LOG_TYPE.test(type)) return 'type is missing or not an Auth0 event type code';
  return {
    logId,
    type,
    date: isoDate(data.date),
    organizationId: text(data.organization_id ?? data.org_id ?? item.organization_id ?? item.org_id, MAX_ID),
    userId: text(data.user_id, MAX_ID),
    ip: text(data.ip, MAX_ID),
    userAgent: text(data.user_agent, MAX_USER_AGENT),
    description: text(data.description, MAX_DESCRIPTION),
    raw: JSON.stringify(item),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-empty string, cut to `max` characters; anything else is absent. */
function text(value: unknown, max: number): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.slice(0, max) : undefined;
}

function isoDate(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}
