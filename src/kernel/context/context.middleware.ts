import { ClsMiddleware } from 'nestjs-cls';
import type { Request } from 'express';
import { requestIdOf } from '../http/request-id.middleware';

/** Opens the request's context with run() (not enterWith), keyed by the request id. */
export function createContextMiddleware(): ClsMiddleware['use'] {
  return new ClsMiddleware({
    generateId: true,
    idGenerator: (req: Request) => requestIdOf(req),
    useEnterWith: false,
  }).use;
}
