import { applyDecorators, SetMetadata } from '@nestjs/common';

export const ROUTE_ACCESS = 'partnerportal:route-access';

// @nestjs/swagger's metadata key for an operation's security requirements (not exported from its
// public entry point). An empty list documents the operation as needing no credentials; the
// OpenAPI test checks the result, so a rename upstream fails loudly.
const SWAGGER_SECURITY_KEY = 'swagger/apiSecurity';

export type RouteAccess = { readonly kind: 'public' };

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
