import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { text } from 'express';
import { authorizationCarriesSecret } from '#src/kernel/auth/machine-secrets';
import { DomainError } from '#src/kernel/errors/domain-error';
import { leaveBodyUnread } from '#src/kernel/http/json-body.middleware';
import type { ErrorCode } from '#src/kernel/errors/error-catalogue';

/** Under the API prefix. */
export const AUTH0_LOG_STREAM_ROUTE = 'integrations/auth0/log-stream';
export const MAX_LOG_STREAM_BODY = '1mb';
export const MAX_LOG_STREAM_BODY_LABEL = '1 MB';

// Auth0 lets the stream's Content-Type be configured; JSON lines are sent as application/json by default.
const LOG_STREAM_TYPES = ['application/json', 'application/*+json', 'application/x-ndjson', 'application/jsonl'];

const BODY_PARSER_ERRORS: Record<string, { code: ErrorCode; detail: string }> = {
  'entity.too.large': { code: 'payload_too_large', detail: `The request body exceeds the ${MAX_LOG_STREAM_BODY_LABEL} limit of the log stream route.` },
  'encoding.unsupported': { code: 'unsupported_media_type', detail: 'The request body encoding is not supported.' },
  'charset.unsupported': { code: 'unsupported_media_type', detail: 'The request body charset must be UTF-8.' },
  'request.size.invalid': { code: 'validation_failed', detail: 'The request body length does not match Content-Length.' },
  'request.aborted': { code: 'validation_failed', detail: 'The request body was not received in full.' },
};

/**
 * The log stream route's own body reader, mounted (configureApp) on the route ahead of the app's
 * JSON parser, which then leaves the body alone: Auth0 batches are bigger than 100 kB and come as
 * JSON lines, which no JSON parser accepts. It reads the text (1 MB at most, 413 above); the
 * handler parses it once the guard has checked the shared secret. A request without the secret
 * (or with the integration off) is not read at all: the guard, which alone decides, refuses it
 * with 401 (or 404) whatever its size, so a stranger cannot make us buffer a megabyte.
 */
export function createLogStreamBodyMiddleware(secret: string | undefined): RequestHandler {
  const read = text({ limit: MAX_LOG_STREAM_BODY, type: () => true, defaultCharset: 'utf-8' });
  return (req: Request, res: Response, next: NextFunction) => {
    // Mounted on the route's path: anything below it, or another method, is not this route.
    if (req.method !== 'POST' || req.path !== '/') return next();
    const header = req.headers.authorization;
    if (secret === undefined || header === undefined || !authorizationCarriesSecret(header, secret)) {
      leaveBodyUnread(req);
      return next();
    }
    if (hasBody(req) && !req.is(LOG_STREAM_TYPES)) {
      next(new DomainError('unsupported_media_type', 'Send Auth0 log events as application/json (a JSON array or JSON lines).'));
      return;
    }
    read(req, res, (error?: unknown) => next(error === undefined ? undefined : fromBodyParser(error)));
  };
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

function fromBodyParser(error: unknown): unknown {
  const type = (error as { type?: unknown } | null)?.type;
  const known = typeof type === 'string' ? BODY_PARSER_ERRORS[type] : undefined;
  return known ? new DomainError(known.code, known.detail, { cause: error }) : error;
}
