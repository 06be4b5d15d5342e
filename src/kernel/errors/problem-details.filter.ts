import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject, NotFoundException } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { AUDIT_DENIAL_LOCAL } from '../audit/audit-access.middleware';
import { ROOT_LOGGER } from '../logging/logging.module';
import { requestIdOf } from '../http/request-id.middleware';
import { isDatabaseUnavailable } from '../database/database-errors';
import { RouteTable } from '../http/route-table';
import { DomainError } from './domain-error';
import { buildProblem, PROBLEM_CONTENT_TYPE } from './problem';

export const ROUTE_TABLE = Symbol('ROUTE_TABLE');

/** The route table is known only once the app is initialised; configureApp fills it in. */
export class RouteTableRef {
  current: RouteTable | undefined;
}

const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * The one place errors become HTTP answers: every error is RFC 9457 problem+json carrying the
 * request id. Unknown errors are a 500 whose detail is only logged, never sent.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    @Inject(ROUTE_TABLE) private readonly routes: RouteTableRef,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const error = this.toDomainError(exception, req);
    const requestId = requestIdOf(req);

    if (error.options.logReason) {
      this.logger.info({ requestId, code: error.code, reason: error.options.logReason }, 'request refused');
    }
    if (error.code === 'internal_error') {
      this.logger.error({ err: exception, requestId, method: req.method, url: req.originalUrl }, 'unhandled error');
    } else if (error.code === 'database_unavailable') {
      this.logger.warn({ err: exception, requestId }, 'database unavailable');
    }
    // For the audit trail's access record (audit-access.middleware.ts).
    res.locals[AUDIT_DENIAL_LOCAL] = { code: error.code, ...(error.options.logReason ? { reason: error.options.logReason } : {}) };
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const problem = buildProblem(error.code, error.detail, requestId, error.options.errors);
    if (error.options.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.options.retryAfterSeconds));
    if (error.options.allow) res.setHeader('Allow', error.options.allow.join(', '));
    // RFC 6750: every 401 names the scheme; the reason itself stays in the log.
    if (problem.status === 401) res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
    res.status(problem.status).setHeader('Content-Type', PROBLEM_CONTENT_TYPE);
    res.end(JSON.stringify(problem));
  }

  private toDomainError(exception: unknown, req: Request): DomainError {
    if (exception instanceof DomainError) return exception;
    if (isDatabaseUnavailable(exception)) {
      return new DomainError('database_unavailable', 'The database is unreachable; retry shortly.', {
        retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
      });
    }
    if (exception instanceof NotFoundException) return this.routeMiss(req);
    if (exception instanceof HttpException) return this.fromHttpException(exception);
    return new DomainError('internal_error', 'An unexpected error occurred. Quote the request id when reporting it.');
  }

  // Nest answers a request that matched no route with NotFoundException; controllers never do.
  private routeMiss(req: Request): DomainError {
    const allow = this.routes.current?.allowedMethods(req.path) ?? [];
    if (allow.length > 0 && !allow.includes(req.method)) {
      return new DomainError('method_not_allowed', `${req.method} is not allowed here; use ${allow.join(', ')}.`, { allow });
    }
    return new DomainError('route_not_found', `There is no route ${req.method} ${req.path}.`);
  }

  // Framework exceptions that reach us (guards and pipes from libraries) keep their status.
  private fromHttpException(exception: HttpException): DomainError {
    switch (exception.getStatus()) {
      case 400:
        return new DomainError('validation_failed', 'The request is not valid.');
      case 405:
        return new DomainError('method_not_allowed', 'The method is not allowed on this route.');
      case 413:
        return new DomainError('payload_too_large', 'The request body exceeds the 100 kB limit.');
      case 415:
        return new DomainError('unsupported_media_type', 'Send the request body as application/json.');
      case 503:
        return new DomainError('service_unavailable', 'The service is not ready; retry shortly.', { retryAfterSeconds: 5 });
      default:
        return new DomainError('internal_error', 'An unexpected error occurred. Quote the request id when reporting it.');
    }
  }
}
