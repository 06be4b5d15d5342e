import type { Request } from 'express';
import { RequestContext } from '../context/request-context';
import { requestIdOf } from '../http/request-id.middleware';
import type { AuditActor, AuditRequestContext, AuditResult } from './audit-event';

const MAX_USER_AGENT = 512;

/** Who is acting, as the trail shows it. Tokens and secrets never reach it. */
export function auditActorOf(context: RequestContext): AuditActor {
  const actor = context.actor;
  if (actor) {
    return {
      type: actor.machine ? 'machine' : 'user',
      id: actor.sub,
      role: actor.role,
      ...(actor.partnerId ? { partnerId: actor.partnerId } : {}),
      ...(actor.email ? { email: actor.email } : {}),
    };
  }
  const system = context.system;
  if (system) return { type: system.startsWith('operator:') ? 'operator' : 'system', id: system };
  return { type: 'anonymous', id: null };
}

/** The longest target id the trail keeps (AuditTargetDto.id documents it). */
export const MAX_TARGET_ID = 2048;

/**
 * A target id as the request named it in its path, made safe to record and to show: path
 * parameters arrive percent-decoded and may hold anything, so control characters (U+0000–U+001F,
 * U+007F) are written back as their percent escapes (`%0A`), and the id is cut at MAX_TARGET_ID.
 */
export function auditTargetIdOf(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  // eslint-disable-next-line no-control-regex
  const escaped = raw.replace(/[\u0000-\u001F\u007F]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  return escaped.slice(0, MAX_TARGET_ID);
}

/** Where the request came from: request id, client IP (Express's, which honours only trusted proxies), agent, route. */
export function auditRequestContextOf(req: Request): AuditRequestContext {
  const userAgent = req.headers['user-agent'];
  const route = (req.route as { path?: unknown } | undefined)?.path;
  return {
    requestId: requestIdOf(req),
    ...(req.ip ? { ip: req.ip } : {}),
    ...(typeof userAgent === 'string' && userAgent !== '' ? { userAgent: userAgent.slice(0, MAX_USER_AGENT) } : {}),
    method: req.method,
    ...(typeof route === 'string' ? { route: `${req.baseUrl ?? ''}${route}` } : {}),
  };
}

/** success below 400; denied for 401, 403, 404 (scoped), 405, 400-class refusals; error for 5xx. */
export function resultOf(status: number): AuditResult {
  if (status >= 500) return 'error';
  if (status >= 400) return 'denied';
  return 'success';
}
