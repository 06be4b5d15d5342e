import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** The request body as text, read by the route's own middleware (log-stream-body.middleware.ts). */
export const LogStreamText = createParamDecorator((_: unknown, execution: ExecutionContext): string => {
  const body = execution.switchToHttp().getRequest<Request>().body as unknown;
  return typeof body === 'string' ? body : '';
});
