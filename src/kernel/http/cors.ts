import type { CorsOptions } from '@nestjs/common/interfaces/external/cors-options.interface';

export const CORS_ALLOWED_METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'];
export const CORS_ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'If-Match', 'Idempotency-Key', 'X-Request-Id'];
export const CORS_EXPOSED_HEADERS = [
  'ETag',
  'X-Request-Id',
  'RateLimit',
  'RateLimit-Policy',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'Retry-After',
  'Content-Disposition',
  'Location',
];
/** How long a browser may reuse a preflight answer (browsers cap it: Chromium at 2 h). */
export const CORS_MAX_AGE_SECONDS = 600;

/**
 * Options for the `cors` package (what Nest's enableCors mounts): only the listed origins are
 * answered with Access-Control-Allow-Origin, each exactly as it came (never `*`, never an echo of
 * an unlisted origin), always with `Vary: Origin`. No credentials: the API authenticates with
 * bearer tokens, not cookies. Preflights are answered 204 here, before authentication.
 */
export function corsOptions(origins: readonly string[]): CorsOptions {
  return {
    origin: [...origins],
    methods: CORS_ALLOWED_METHODS,
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    credentials: false,
    maxAge: CORS_MAX_AGE_SECONDS,
    preflightContinue: false,
    optionsSuccessStatus: 204,
  };
}
