import { RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger as NestPinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import { AppModule, AppModuleOptions } from './app.module';
import type { AppConfig } from './config/app-config';
import { APP_CONFIG } from './config/config.module';
import { createAuditAccessMiddleware } from './kernel/audit/audit-access.middleware';
import { AuditWriter } from './kernel/audit/audit-writer';
import { createContextMiddleware } from './kernel/context/context.middleware';
import { RequestContext } from './kernel/context/request-context';
import { ROUTE_TABLE, RouteTableRef } from './kernel/errors/problem-details.filter';
import { installClientErrorHandler } from './kernel/http/client-error.handler';
import { corsOptions } from './kernel/http/cors';
import { httpsRequiredMiddleware } from './kernel/http/https-required.middleware';
import { createJsonBodyMiddleware } from './kernel/http/json-body.middleware';
import { mountOpenApi } from './kernel/http/openapi';
import { requestIdMiddleware } from './kernel/http/request-id.middleware';
import { RouteTable } from './kernel/http/route-table';
import { httpsServerOptions } from './kernel/http/tls';
import { createSecurityHeadersMiddleware } from './kernel/http/security-headers';
import { createHttpLoggerMiddleware } from './kernel/logging/http-logger.middleware';
import { createRateLimitMiddleware } from './kernel/rate-limit/rate-limit.middleware';
import { RateLimiter } from './kernel/rate-limit/rate-limiter';
import { AUTH0_LOG_STREAM_ROUTE, createLogStreamBodyMiddleware } from './modules/integrations';

export const API_PREFIX = 'v1';

// Operational routes live outside the versioned API.
const UNVERSIONED_ROUTES = [
  { path: 'health/live', method: RequestMethod.GET },
  { path: 'health/ready', method: RequestMethod.GET },
  { path: 'version', method: RequestMethod.GET },
];

/**
 * Builds the application exactly as production runs it; main.ts and the test app both call
 * this, so tests exercise the same middleware order, filters, pipes and documentation.
 */
export async function createApp(options: AppModuleOptions): Promise<NestExpressApplication> {
  const { logger } = options;
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(options), {
    // TLS_CERT_FILE / TLS_KEY_FILE: the one server speaks HTTPS only (TLS >= 1.2, src/kernel/http/tls.ts).
    ...(options.config.tls ? { httpsOptions: httpsServerOptions(options.config.tls) } : {}),
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(NestPinoLogger));
  configureApp(app, logger);
  await app.init();
  installClientErrorHandler(app.getHttpServer(), logger);
  app.get<RouteTableRef>(ROUTE_TABLE).current = RouteTable.fromExpress(app.getHttpAdapter().getInstance());
  return app;
}

/** Middleware, prefix and documentation, in production order. */
export function configureApp(app: NestExpressApplication, logger: Logger): void {
  const config = app.get<AppConfig>(APP_CONFIG);
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // X-Forwarded-* count only through TRUST_PROXY's hops (req.ip, req.protocol); false when unset.
  app.set('trust proxy', config.trustProxy);
  // Order matters: id first, then the access log, then the context and the audit trail's access
  // record (which reads the context when the response ends), then the body. Security headers
  // come before all of them, so every answer carries them, refusals and unmatched routes included.
  app.use(createSecurityHeadersMiddleware());
  app.use(requestIdMiddleware);
  app.use(createHttpLoggerMiddleware(logger));
  // CORS_ORIGINS: preflights end here, before authentication and the audit trail.
  if (config.corsOrigins.length > 0) app.enableCors(corsOptions(config.corsOrigins));
  app.use(createContextMiddleware());
  if (config.audit.accessLog) app.use(createAuditAccessMiddleware(app.get(AuditWriter), app.get(RequestContext)));
  // Production behind trusted proxies: plain-HTTP requests are refused (403 https_required).
  if (config.nodeEnv === 'production' && config.trustProxy !== false) app.use(httpsRequiredMiddleware);
  // The per-IP limit: after the audit trail (a 429 is a recorded denial), before any body or token is read.
  app.use(createRateLimitMiddleware(app.get(RateLimiter)));
  // The Auth0 log stream reads its own body (1 MB, JSON lines); the JSON parser then skips it.
  app.use(`/${API_PREFIX}/${AUTH0_LOG_STREAM_ROUTE}`, createLogStreamBodyMiddleware(config.auth0LogStreamToken));
  app.use(createJsonBodyMiddleware(config.jsonBody));
  app.setGlobalPrefix(API_PREFIX, { exclude: UNVERSIONED_ROUTES });
  app.enableShutdownHooks();
  mountOpenApi(app);
}
