import { AsyncResource } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';
import { RequestContext } from '../context/request-context';
import { routeAction } from './audit-action';
import { PLATFORM_STREAM } from './audit-event';
import { auditActorOf, auditRequestContextOf, auditTargetIdOf, resultOf } from './audit-request';
import { AuditWriter, newAuditSource } from './audit-writer';

/** Not API calls: probes and documentation. Everything else is recorded, reads included. */
const UNAUDITED = /^\/(health\/|version$|docs|openapi\.json$)/;

/** What the exception filter leaves for the access record: the problem code and the logged reason. */
export interface AuditDenialNote {
  readonly code: string;
  readonly reason?: string;
}
export const AUDIT_DENIAL_LOCAL = 'auditDenial';
/** The status the change interceptor recorded in the request's chained change event, which is then its access record. */
export const AUDIT_CHANGE_RECORDED_LOCAL = 'auditChangeRecorded';

/**
 * The access log of the audit trail: one event per request when its response is finished,
 * successes and every refusal alike (401 with its reason, 403, scoped 404, 400, 405, 413, 415…),
 * whether the guard, a pipe, the body parser or the handler refused it. Mounted right after the
 * context middleware; the finish listener is bound to the request's context, so it sees the
 * tenant and actor the guard bound. Without a tenant the event goes to the platform stream.
 * A request whose change event is chained (audit-change.interceptor.ts) is not recorded twice:
 * that event carries the same fields (actor, IP, agent, route, action, target, status, latency).
 */
export function createAuditAccessMiddleware(writer: AuditWriter, context: RequestContext) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (UNAUDITED.test(req.path)) return next();
    const started = Date.now();
    const record = AsyncResource.bind(() => {
      try {
        const status = res.statusCode;
        if (res.writableFinished && res.locals[AUDIT_CHANGE_RECORDED_LOCAL] === status) return;
        const request = auditRequestContextOf(req);
        const { action, targetType, idParam } = request.route ? routeAction(req.method, request.route) : { action: 'api.request', targetType: 'api', idParam: undefined };
        const targetId = idParam ? (req.params as Record<string, string | undefined>)[idParam] : undefined;
        const denial = res.locals[AUDIT_DENIAL_LOCAL] as AuditDenialNote | undefined;
        const result = res.writableFinished ? resultOf(status) : 'error';
        const actor = auditActorOf(context);
        const stream = context.tenantId ?? PLATFORM_STREAM;
        const draft = {
          time: new Date(started).toISOString(),
          type: result === 'denied' ? ('denial' as const) : ('access' as const),
          action,
          actor,
          target: { type: targetType, id: auditTargetIdOf(targetId) },
          context: request,
          outcome: {
            result,
            status,
            latencyMs: Date.now() - started,
            ...(denial ? { reason: denial.reason ? `${denial.code}: ${denial.reason}` : denial.code } : {}),
          },
          source: newAuditSource('access'),
        };
        if (result !== 'denied') return writer.recordAccess(stream, draft);
        const who = actor.id ?? request.ip ?? 'unknown';
        writer.recordDenial(stream, `${who}|${draft.outcome.reason ?? status}|${req.method} ${request.route ?? 'unmatched'}`, draft);
      } catch {
        // The access record must never break the response; the writer logs its own failures.
      }
    });
    res.once('close', record);
    next();
  };
}
