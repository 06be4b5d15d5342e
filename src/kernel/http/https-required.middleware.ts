import type { NextFunction, Request, Response } from 'express';
import { DomainError } from '../errors/domain-error';

/**
 * Orchestrator probes reach the process directly, not through the TLS-terminating proxy, and
 * carry no data: they are exempt.
 */
const EXEMPT = /^\/health\/(live|ready)$/;

/**
 * Production behind trusted proxies: a request the client sent over plain HTTP (req.protocol as
 * Express derives it from X-Forwarded-Proto through the trusted hops, or from the socket) is
 * refused with 403 https_required. No redirect: an API client that followed one would already
 * have sent its token in clear text, and a redirected POST is not something to rely on.
 */
export function httpsRequiredMiddleware(req: Request, _res: Response, next: NextFunction): void {
  if (req.secure || EXEMPT.test(req.path)) {
    next();
    return;
  }
  next(new DomainError('https_required', 'This API is served over HTTPS only; send the request to its https:// address.'));
}
