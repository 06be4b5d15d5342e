import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { carriesCredentials, RateLimiter } from './rate-limiter';

/**
 * The per-IP limit, before the body is read and before any token is verified: a request
 * without credentials counts against its IP here; one with credentials is only screened here
 * (refused while its IP is over the limit), and counts against its IP later if the guard does
 * not accept its credentials. Mounted after the audit trail's access middleware, so every 429
 * is recorded as a denial.
 */
export function createRateLimitMiddleware(limiter: RateLimiter): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (limiter.isExempt(req)) return next();
    if (!carriesCredentials(req)) {
      limiter.admitAnonymous(req, res).then(() => next(), next);
      return;
    }
    limiter.screenCredentials(req, res).then(() => {
      res.once('close', () => limiter.settleUnchecked(req));
      next();
    }, next);
  };
}
