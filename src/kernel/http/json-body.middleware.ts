import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { json } from 'express';
import { DomainError } from '../errors/domain-error';
import type { ErrorCode } from '../errors/error-catalogue';
import { DEFAULT_JSON_BODY_LIMITS, jsonBodyBoundErrors, JsonBodyLimits } from './json-body-shape';

export const MAX_JSON_BODY = '100kb';

const JSON_TYPES = ['application/json', 'application/*+json'];

// body-parser reports its failures as errors with a `type`; each maps to one catalogue code.
const BODY_PARSER_ERRORS: Record<string, { code: ErrorCode; detail: string }> = {
  'entity.parse.failed': { code: 'malformed_json', detail: 'The request body could not be parsed as JSON.' },
  'entity.too.large': { code: 'payload_too_large', detail: `The request body exceeds the ${MAX_JSON_BODY} limit.` },
  'encoding.unsupported': { code: 'unsupported_media_type', detail: 'The request body encoding is not supported.' },
  'charset.unsupported': { code: 'unsupported_media_type', detail: 'The request body charset must be UTF-8.' },
  'request.size.invalid': { code: 'validation_failed', detail: 'The request body length does not match Content-Length.' },
  'request.aborted': { code: 'validation_failed', detail: 'The request body was not received in full.' },
};

function fromBodyParser(error: unknown): unknown {
  const type = (error as { type?: unknown } | null)?.type;
  const known = typeof type === 'string' ? BODY_PARSER_ERRORS[type] : undefined;
  return known ? new DomainError(known.code, known.detail, { cause: error }) : error;
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

const LEFT_UNREAD = new WeakSet<Request>();

/** A route's own middleware decided this body is not to be read (its request is refused anyway). */
export function leaveBodyUnread(req: Request): void {
  LEFT_UNREAD.add(req);
}

function isJson(req: Request): boolean {
  return req.is(JSON_TYPES) !== false && req.is(JSON_TYPES) !== null;
}

/**
 * Bodies are JSON objects or arrays up to 100 kB, nested at most `limits.maxDepth` levels, with no
 * array longer than `limits.maxArrayItems` (400). A body of any other type is refused with 415
 * before it is read; parse errors and oversize bodies become domain errors here, because Nest
 * would otherwise flatten them into a generic 400. (That a body is an object with plain field
 * names is the validation pipe's check: it concerns routes that take a body.)
 */
export function createJsonBodyMiddleware(limits: JsonBodyLimits = DEFAULT_JSON_BODY_LIMITS): RequestHandler {
  const parse = json({ limit: MAX_JSON_BODY, strict: true, type: JSON_TYPES });
  return (req: Request, res: Response, next: NextFunction) => {
    // A route with a parser of its own, mounted before this one (the Auth0 log stream), read it
    // or left it unread on purpose.
    if (req.readableEnded || LEFT_UNREAD.has(req)) {
      next();
      return;
    }
    if (hasBody(req) && !isJson(req)) {
      next(new DomainError('unsupported_media_type', 'Send the request body as application/json.'));
      return;
    }
    parse(req, res, (error?: unknown) => {
      if (error !== undefined) {
        next(fromBodyParser(error));
        return;
      }
      const errors = req.body === undefined ? [] : jsonBodyBoundErrors(req.body, limits);
      next(errors.length === 0 ? undefined : new DomainError('validation_failed', 'The request body is nested too deeply or has too long an array.', { errors }));
    });
  };
}
