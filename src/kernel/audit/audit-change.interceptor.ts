import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { AppConfig } from '#src/config/app-config';
import { APP_CONFIG } from '#src/config/config.module';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import type { Request, Response } from 'express';
import { catchError, from, mergeMap, Observable, throwError } from 'rxjs';
import { RequestContext } from '../context/request-context';
import { DomainError } from '../errors/domain-error';
import { ERROR_CATALOGUE } from '../errors/error-catalogue';
import { routeAction } from './audit-action';
import { fieldChanges } from './audit-diff';
import type { AuditEventDraft, AuditFieldChange, AuditTarget } from './audit-event';
import { auditActorOf, auditRequestContextOf, auditTargetIdOf, resultOf } from './audit-request';
import { AUDIT_CHANGE_RECORDED_LOCAL } from './audit-access.middleware';
import { AuditFaultPoints } from './audit-fault-points';
import { AuditWriter, newAuditSource } from './audit-writer';

const MUTATING = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

/**
 * Records every change made through the API as one chained `change` event (the design card):
 * the intent is stored before the handler runs and the outcome, with the field-level diff,
 * before the response leaves, so no 2xx is sent for a change the trail does not hold. Registered
 * inside the idempotency interceptor: a replayed response changed nothing and records nothing.
 * A refused change (4xx: validation, not found, conflict…) changed nothing: its intent is withdrawn
 * and the access middleware's denial event is its record.
 */
@Injectable()
export class AuditChangeInterceptor implements NestInterceptor {
  private readonly enabled: boolean;

  constructor(
    private readonly writer: AuditWriter,
    private readonly context: RequestContext,
    private readonly faults: AuditFaultPoints,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.enabled = config.audit.changeLog;
  }

  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = execution.switchToHttp().getRequest<Request>();
    const stream = this.context.tenantId;
    if (!this.enabled || !MUTATING.has(req.method) || stream === undefined) return next.handle();

    const started = Date.now();
    const route = auditRequestContextOf(req).route ?? req.path;
    const { action, targetType, idParam } = routeAction(req.method, route);
    const idFromPath = idParam ? (req.params as Record<string, string | undefined>)[idParam] : undefined;
    const base: AuditEventDraft = {
      time: new Date(started).toISOString(),
      type: 'change',
      action,
      actor: auditActorOf(this.context),
      target: { type: targetType, id: auditTargetIdOf(idFromPath) },
      context: auditRequestContextOf(req),
      outcome: { result: 'unknown' },
      source: newAuditSource('change'),
    };
    const declaredStatus = Reflect.getMetadata(HTTP_CODE_METADATA, execution.getHandler()) as number | undefined;
    const res = execution.switchToHttp().getResponse<Response>();
    // The change event carries every access-log field: it is this request's access record too.
    const recorded = (status: number): void => {
      res.locals[AUDIT_CHANGE_RECORDED_LOCAL] = status;
    };

    return from(this.writer.beginChange(stream, base)).pipe(
      mergeMap((ticket) => {
        this.faults.hit('after-intent');
        return next.handle().pipe(
          mergeMap(async (body: unknown) => {
            this.faults.hit('after-handler');
            const status = declaredStatus ?? (req.method === 'POST' ? 201 : res.statusCode);
            const target = targetOf(base.target, body);
            await this.writer.completeChange(ticket, {
              ...base,
              time: new Date().toISOString(),
              target,
              outcome: { result: resultOf(status), status, latencyMs: Date.now() - started },
              changes: this.changesOf(target, req.method, body),
            });
            recorded(status);
            return body;
          }),
          catchError((error: unknown) => {
            const code = error instanceof DomainError ? error.code : 'internal_error';
            const status = ERROR_CATALOGUE[code].status;
            // Refused (4xx): nothing changed, and the access record already holds the denial.
            // Failed (5xx): it may have changed something, so it is recorded as an error.
            const settled =
              status < 500
                ? this.writer.abandonChange(ticket)
                : this.writer.completeChange(ticket, { ...base, time: new Date().toISOString(), outcome: { result: 'error', status, reason: code, latencyMs: Date.now() - started } }).then(() => recorded(status));
            return from(settled).pipe(
              catchError(() => throwError(() => error)),
              mergeMap(() => throwError(() => error)),
            );
          }),
        );
      }),
    );
  }

  /** The diff of every versioned resource the use case changed; for a create, the new resource's fields. */
  private changesOf(target: AuditTarget | null, method: string, body: unknown): AuditFieldChange[] {
    const noted = this.context.notedChanges;
    if (noted.length === 0) return method === 'POST' && isObject(body) ? fieldChanges(undefined, body) : [];
    const primary = target?.id ? `${target.type}:${target.id}` : undefined;
    return noted.flatMap((change) => {
      const diff = fieldChanges(change.before, change.after ?? undefined);
      return change.resource === primary || noted.length === 1 ? diff : diff.map((c) => ({ ...c, field: `${change.resource}#${c.field}` }));
    });
  }
}

/** A create names its target only in the response: `{ id }`. */
function targetOf(target: AuditTarget | null, body: unknown): AuditTarget | null {
  if (target && target.id === null && isObject(body) && typeof body.id === 'string') return { ...target, id: body.id };
  return target;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
