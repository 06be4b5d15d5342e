import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { MACHINE_SECRETS } from '../auth/machine-secrets';
import { BEARER_SCHEME } from '../auth/route-access.decorators';
import { readBuildInfo } from '../health/build-info';
import { documentIdempotencyKey } from '../idempotency/idempotency.openapi';
import { documentRateLimits } from '../rate-limit/rate-limit.openapi';

export const OPENAPI_JSON_PATH = 'openapi.json';
export const SWAGGER_UI_PATH = 'docs';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('PartnerPortal API')
    .setDescription(
      'Multi-tenant partner relationship management: partners, deal registrations (leads), opportunities and ' +
        'their audit trail. Every error is RFC 9457 application/problem+json with a stable `code`.',
    )
    .setVersion(readBuildInfo().version)
    .setLicense('Proprietary', 'https://partnerportal.dev/terms')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An RS256 access token (JWT) from the tenant\'s Auth0 issuer, handled per RFC8725 (JWT best current practices): RS256 only, exact issuer, audience and expiry required.' },
      BEARER_SCHEME,
    )
    .addApiKey({ type: 'apiKey', in: 'header', name: 'Authorization', description: MACHINE_SECRETS['auth0-log-stream'].description }, MACHINE_SECRETS['auth0-log-stream'].scheme)
    .addTag('Integrations', 'Events pushed by other systems (Auth0 Log Streams), authenticated with shared secrets rather than user tokens.')
    .addTag('Identity', 'The caller as the API sees them.')
    .addTag('Members', 'Who belongs to the tenant, with which role.')
    .addTag('Partners', 'Partner organizations of the tenant.')
    .addTag('Leads', 'Deal registrations: partners register prospects, Staff review them; conflicts between partners are refused.')
    .addTag('Opportunities', 'The sales pipeline: deals move through stages from prospecting to closed won or lost; approved leads convert into them once.')
    .addTag('Roles', 'Per-tenant grants of the four roles, within fixed ceilings.')
    .addTag('Tenant', 'Settings of the caller\'s tenant.')
    .addTag('Audit', 'The tamper-evident audit trail of the caller\'s tenant: every request and change, hash-chained per tenant.')
    .addTag('Health', 'Liveness, readiness and build version for operators and orchestrators.')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  documentIdempotencyKey(document, BEARER_SCHEME);
  documentRateLimits(document);
  closeRequestBodySchemas(document);
  // Relative server: the document is served by, and describes, the deployment it came from.
  document.servers = [{ url: '/', description: 'This deployment (local, staging or production)', 'x-internal': false } as never];
  return document;
}

/**
 * The global validation pipe refuses unknown body fields at every depth (forbidNonWhitelisted), so
 * each schema a request body names ($ref), and those it nests, says `additionalProperties: false`.
 * Bodies described inline (the Auth0 log stream's array-or-object) are left as they are.
 */
export function closeRequestBodySchemas(document: OpenAPIObject): void {
  const schemas = (document.components?.schemas ?? {}) as Record<string, Record<string, unknown>>;
  const seen = new Set<string>();
  const close = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(close);
    if (node === null || typeof node !== 'object') return;
    const schema = node as Record<string, unknown>;
    const ref = typeof schema.$ref === 'string' ? schema.$ref.replace('#/components/schemas/', '') : undefined;
    if (ref !== undefined) {
      if (seen.has(ref) || !schemas[ref]) return;
      seen.add(ref);
      const target = schemas[ref];
      if (target.type === 'object' && !('additionalProperties' in target)) target.additionalProperties = false;
      return close(target);
    }
    for (const key of ['properties', 'items', 'allOf', 'anyOf', 'oneOf']) {
      const child = schema[key];
      if (key === 'properties' && child && typeof child === 'object') Object.values(child).forEach(close);
      else close(child);
    }
  };
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as { requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> } }[]) {
      for (const media of Object.values(operation?.requestBody?.content ?? {})) {
        if (typeof media.schema?.$ref === 'string') close(media.schema);
      }
    }
  }
}

/** Object keys sorted at every depth, so the committed file diffs cleanly. */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeysDeep((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

export function serialiseOpenApi(document: OpenAPIObject): string {
  return `${JSON.stringify(sortKeysDeep(document), null, 2)}\n`;
}

export function mountOpenApi(app: INestApplication): void {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup(SWAGGER_UI_PATH, app, () => document, {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    raw: ['json'],
    ui: true,
  });
}
