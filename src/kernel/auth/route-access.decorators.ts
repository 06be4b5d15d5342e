import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiExtraModels, ApiResponse, ApiSecurity, getSchemaPath } from '@nestjs/swagger';
import type { Permission } from './permissions';
import { MACHINE_SECRETS, MachineSecretName } from './machine-secrets';
import { ApiExtraProblemResponses } from '../http/api-problem-responses.decorator';
import { ProblemDto } from '../http/problem.dto';

export const ROUTE_ACCESS = 'partnerportal:route-access';

// @nestjs/swagger's metadata key for an operation's security requirements (not exported from its
// public entry point). An empty list documents the operation as needing no credentials; the
// OpenAPI test checks the result, so a rename upstream fails loudly.
const SWAGGER_SECURITY_KEY = 'swagger/apiSecurity';

export type RouteAccess =
  | { readonly kind: 'public' }
  | { readonly kind: 'authenticated' }
  | { readonly kind: 'permission'; readonly permission: Permission }
  | { readonly kind: 'machine-secret'; readonly name: MachineSecretName };

export const BEARER_SCHEME = 'bearer';

/**
 * Marks a route as reachable without a token. It sets the access metadata the guards read and
 * the operation's OpenAPI `security: []` in one place, so the two cannot drift.
 */
export function Public(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(ROUTE_ACCESS, { kind: 'public' } satisfies RouteAccess),
    SetMetadata(SWAGGER_SECURITY_KEY, []),
  );
}

/**
 * Any active member of the tenant may call this route (e.g. GET /v1/me). Documents the bearer
 * scheme and the 401/403 answers with the same stroke.
 */
export function Authenticated(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(ROUTE_ACCESS, { kind: 'authenticated' } satisfies RouteAccess),
    ApiBearerAuth(BEARER_SCHEME),
    ApiExtraProblemResponses(401, 403),
  );
}

/**
 * The caller needs this permission (deny by default). Sets the guard's metadata, the OpenAPI
 * security entry and an `x-permission` extension in one stroke, so code and docs cannot drift.
 */
export function RequirePermission(permission: Permission): MethodDecorator {
  return applyDecorators(
    SetMetadata(ROUTE_ACCESS, { kind: 'permission', permission } satisfies RouteAccess),
    ApiBearerAuth(BEARER_SCHEME),
    ApiExtension('x-permission', permission),
    ApiExtraProblemResponses(401, 403),
  );
}

/**
 * A machine caller (a webhook sender) that proves itself with a shared secret, not a user token
 * (e.g. Auth0 Log Streams). The guard compares it in constant time; while the secret is not
 * configured the route answers 404 like an unknown one. Sets the OpenAPI security scheme too.
 */
export function MachineSecret(name: MachineSecretName): MethodDecorator & ClassDecorator {
  const { scheme, env } = MACHINE_SECRETS[name];
  const problem = { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } };
  return applyDecorators(
    SetMetadata(ROUTE_ACCESS, { kind: 'machine-secret', name } satisfies RouteAccess),
    ApiSecurity(scheme),
    ApiExtension('x-machine-secret', env),
    ApiExtraModels(ProblemDto),
    ApiResponse({ status: 401, description: 'Missing or wrong shared secret (a user token is wrong too).', content: problem }),
    ApiResponse({ status: 404, description: `The integration is off (${env} unset): the route answers like an unknown one.`, content: problem }),
  );
}
