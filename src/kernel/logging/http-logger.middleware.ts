import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { HttpLogger, pinoHttp, Options } from 'pino-http';

/**
 * One access line per request, with the request id, written by the root logger. It is mounted
 * before the body parser so refused bodies are logged too; nestjs-pino reuses its req.log.
 */
export function createHttpLoggerMiddleware(logger: Logger): HttpLogger {
  const options: Options = {
    logger,
    genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id: string }).id,
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) => {
      if (err || res.statusCode >= 500) return 'error';
      return res.statusCode >= 400 ? 'warn' : 'info';
    },
    serializers: {
      req: (req: { id: string; method: string; url: string; headers: Record<string, unknown>; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url,
        headers: req.headers,
        remoteAddress: req.remoteAddress,
      }),
    },
  };
  return pinoHttp(options);
}
