import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { ErrorCode } from '../errors/error-catalogue';
import { buildProblem, PROBLEM_CONTENT_TYPE } from '../errors/problem';
import { BASELINE_SECURITY_HEADERS } from './security-headers';

const REASONS: Record<number, string> = { 400: 'Bad Request', 431: 'Request Header Fields Too Large' };

function rawProblem(code: ErrorCode, detail: string): string {
  const problem = buildProblem(code, detail, randomUUID());
  const body = JSON.stringify(problem);
  const headers = {
    'Content-Type': PROBLEM_CONTENT_TYPE,
    'Content-Length': String(Buffer.byteLength(body)),
    'X-Request-Id': problem.requestId,
    Connection: 'close',
    ...BASELINE_SECURITY_HEADERS,
  };
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return [`HTTP/1.1 ${problem.status} ${REASONS[problem.status]}`, ...head, '', body].join('\r\n');
}

/**
 * Requests Node's HTTP parser refuses never reach Express: headers over the server's limit
 * (431) and malformed requests (400). Answer those as problem+json too, then close the socket.
 */
export function installClientErrorHandler(server: Server, logger: Logger): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    logger.info({ code: error.code, remoteAddress: socket.remoteAddress }, 'request refused by the HTTP parser');
    socket.end(
      tooLarge
        ? rawProblem('request_header_fields_too_large', 'The request headers exceed the server limit.')
        : rawProblem('validation_failed', 'The request is not valid HTTP.'),
    );
  });
}
