import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/** Every browser feature a page of this origin could ask for, switched off (the API serves no page that needs one). */
const PERMISSIONS_POLICY = [
  'accelerometer',
  'autoplay',
  'bluetooth',
  'camera',
  'display-capture',
  'encrypted-media',
  'fullscreen',
  'geolocation',
  'gyroscope',
  'hid',
  'idle-detection',
  'local-fonts',
  'magnetometer',
  'microphone',
  'midi',
  'payment',
  'picture-in-picture',
  'publickey-credentials-create',
  'publickey-credentials-get',
  'screen-wake-lock',
  'serial',
  'storage-access',
  'sync-xhr',
  'usb',
  'web-share',
  'window-management',
  'xr-spatial-tracking',
]
  .map((feature) => `${feature}=()`)
  .join(', ');

/**
 * The one list of headers every response carries: helmet and the middleware below write them on
 * everything Express answers (docs/security.md), and the raw answers written before Express sees
 * a request (431, client-error.handler.ts) copy this list. A test holds both to it.
 */
export const BASELINE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'X-Permitted-Cross-Domain-Policies': 'none',
  'Permissions-Policy': PERMISSIONS_POLICY,
};

/**
 * The Swagger UI (/docs) is the one HTML page: it loads its own scripts, styles and images from
 * this origin, uses inline styles, and "Try it out" calls the API. Nothing else is loosened.
 */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const DOCS_PATH = /^\/docs(\/|$)/;

const HELMET = helmet({
  // Written below from the list, so the API's and the 431 path's value are the same bytes
  // (helmet would join directives with ";" and no space), and /docs gets its own.
  contentSecurityPolicy: false,
  strictTransportSecurity: { maxAge: 63_072_000, includeSubDomains: true, preload: false },
  xContentTypeOptions: true,
  xFrameOptions: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  crossOriginResourcePolicy: { policy: 'same-origin' },
  crossOriginOpenerPolicy: { policy: 'same-origin' },
  xPermittedCrossDomainPolicies: { permittedPolicies: 'none' },
  xPoweredBy: true,
  // Not in the list: legacy or browser-hint headers with nothing to protect on a JSON API.
  crossOriginEmbedderPolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xXssProtection: false,
});

/**
 * Mounted first, so every response Express writes carries the list: successes, refusals of the
 * body parser, unmatched routes, 405s, 500s, CORS preflights.
 */
export function createSecurityHeadersMiddleware(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Content-Security-Policy', DOCS_PATH.test(req.path) ? DOCS_CONTENT_SECURITY_POLICY : BASELINE_SECURITY_HEADERS['Content-Security-Policy']);
    res.setHeader('Permissions-Policy', BASELINE_SECURITY_HEADERS['Permissions-Policy']);
    res.setHeader('Cache-Control', BASELINE_SECURITY_HEADERS['Cache-Control']);
    HELMET(req, res, next);
  };
}
