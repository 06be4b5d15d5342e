import { CallHandler, ExecutionContext, Injectable, NestInterceptor, StreamableFile } from '@nestjs/common';
import type { Request, Response } from 'express';
import { from, lastValueFrom, Observable } from 'rxjs';
import { RequestContext } from '../context/request-context';
import { DomainError } from '../errors/domain-error';
import { ERROR_CATALOGUE, ErrorCode } from '../errors/error-catalogue';
import { IdempotencyClaim, IdempotencyScope, IdempotencyStore, StoredResponse } from './idempotency-store';
import { IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAYED_HEADER, parseIdempotencyKey, requestHash } from './idempotency-request';

/**
 * `Idempotency-Key` on every POST of an authenticated caller (tenant + actor in context): the
 * first request with a key runs and its answer (2xx, or a 4xx domain error) is kept 24 h; a
 * retry with the same key and request gets that answer again, marked `Idempotent-Replayed: true`,
 * without running the handler. Registered first among the global interceptors, so the ones
 * inside it (audit, query check) see only requests that really run.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly context: RequestContext,
    private readonly store: IdempotencyStore,
  ) {}

  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (execution.getType() !== 'http') return next.handle();
    const req = execution.switchToHttp().getRequest<Request>();
    const header = req.headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()];
    const actor = this.context.actor;
    if (req.method !== 'POST' || header === undefined || !actor || !this.context.tenantId) return next.handle();

    const key = parseIdempotencyKey(header);
    const scope = { caller: actor.sub, route: `${req.method} ${routeTemplate(req, execution)}`, key };
    const hash = requestHash({ params: req.params, query: req.query, body: req.body as unknown });
    const res = execution.switchToHttp().getResponse<Response>();
    return from(this.run(next, res, scope, hash));
  }

  private async run(next: CallHandler, res: Response, scope: IdempotencyScope, hash: string): Promise<unknown> {
    const outcome = await this.store.begin(scope, hash);
    switch (outcome.kind) {
      case 'in_flight':
        throw new DomainError('idempotency_in_flight', `A request with this ${IDEMPOTENCY_KEY_HEADER} is still being processed; retry shortly to get its response.`, {
          retryAfterSeconds: 1,
        });
      case 'mismatch':
        throw new DomainError(
          'idempotency_key_reused',
          `This ${IDEMPOTENCY_KEY_HEADER} was already used for a different request on this route; send a new key for a new request.`,
        );
      case 'replay':
        return replay(outcome.response, res);
      case 'execute':
        return this.execute(next, res, outcome.claim);
    }
  }

  private async execute(next: CallHandler, res: Response, claim: IdempotencyClaim): Promise<unknown> {
    let value: unknown;
    try {
      value = await lastValueFrom(next.handle(), { defaultValue: undefined });
    } catch (error) {
      const problem = replayableProblem(error);
      if (problem) await this.store.complete(claim, problem);
      else await this.store.release(claim);
      throw error;
    }
    const response = capturedResponse(value, res);
    if (response) await this.store.complete(claim, response);
    else await this.store.release(claim, 'the handler wrote the response itself, or returned a stream or binary: nothing to replay');
    return value;
  }
}

/** `/v1/leads/:id/approve` as Express matched it (the handler's name if, oddly, it did not). */
function routeTemplate(req: Request, execution: ExecutionContext): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? path : `${execution.getClass().name}.${execution.getHandler().name}`;
}

/**
 * Domain errors of status < 500 are outcomes of the request and are kept. Server errors,
 * unexpected errors and anything that tells the client to retry (Retry-After: lease or claim
 * contention, rate limits) are not: the key is released so the retry really runs.
 */
function replayableProblem(error: unknown): StoredResponse | undefined {
  if (!(error instanceof DomainError)) return undefined;
  const { status } = ERROR_CATALOGUE[error.code];
  if (status >= 500 || error.options.retryAfterSeconds !== undefined) return undefined;
  const { errors, allow } = error.options;
  return {
    kind: 'problem',
    status,
    problem: { code: error.code, detail: error.detail, ...(errors ? { errors: [...errors] } : {}), ...(allow ? { allow: [...allow] } : {}) },
  };
}

function headerOf(res: Response, name: string): string | undefined {
  const value = res.getHeader(name);
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

/**
 * The answer as Nest is about to send it: the status the route set, the headers that describe
 * the result, and the value serialised the way the Express adapter will (JSON for objects, text
 * for other values). Undefined when it cannot be replayed: the handler wrote the response itself,
 * or returned a stream or binary.
 */
function capturedResponse(value: unknown, res: Response): StoredResponse | undefined {
  if (res.headersSent || value instanceof StreamableFile || Buffer.isBuffer(value) || value instanceof Uint8Array) return undefined;
  const headers = { location: headerOf(res, 'Location'), etag: headerOf(res, 'ETag'), contentType: headerOf(res, 'Content-Type') };
  const status = res.statusCode;
  if (value === undefined || value === null) return { kind: 'success', status, headers, body: { kind: 'empty' } };
  if (typeof value !== 'object') return { kind: 'success', status, headers, body: { kind: 'text', text: String(value) } };
  if (typeof (value as { pipe?: unknown }).pipe === 'function') return undefined;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return undefined;
  }
  // An object whose toJSON gives a primitive (a bare Date) would come back as text, not JSON.
  if (text === undefined || !/^[[{]/.test(text)) return undefined;
  return { kind: 'success', status, headers, body: { kind: 'json', text } };
}

function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CATALOGUE, code);
}

/** Answers again what the first request answered; errors go back through the problem filter. */
function replay(response: StoredResponse, res: Response): unknown {
  res.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
  if (response.kind === 'problem') {
    const { code, detail, errors, allow } = response.problem;
    // Codes are never withdrawn from the catalogue; this guards a record older than a rename.
    if (!isErrorCode(code)) throw new Error(`Stored idempotent response has unknown error code ${code}`);
    throw new DomainError(code, detail, { errors, allow });
  }
  res.status(response.status);
  const { location, etag, contentType } = response.headers;
  if (location !== undefined) res.setHeader('Location', location);
  if (etag !== undefined) res.setHeader('ETag', etag);
  if (contentType !== undefined) res.setHeader('Content-Type', contentType);
  switch (response.body.kind) {
    case 'json':
      return JSON.parse(response.body.text) as unknown;
    case 'text':
      return response.body.text;
    case 'empty':
      return undefined;
  }
}
