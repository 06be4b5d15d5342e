/**
 * The one catalogue of error codes the API answers with. Each code has a fixed HTTP status, a
 * stable title and a stable problem `type` URL; clients branch on `code`, never on `detail`.
 */
export const ERROR_CATALOGUE = {
  validation_failed: { status: 400, title: 'The request is not valid' },
  malformed_json: { status: 400, title: 'The request body is not valid JSON' },
  unknown_query_parameter: { status: 400, title: 'The request has a query parameter this operation does not accept' },
  unauthenticated: { status: 401, title: 'A valid access token is required' },
  tenant_not_found: { status: 403, title: 'Access denied' },
  tenant_suspended: { status: 403, title: 'Access denied' },
  tenant_terminated: { status: 403, title: 'Access denied' },
  membership_required: { status: 403, title: 'Access denied' },
  route_not_marked: { status: 403, title: 'Access denied' },
  permission_denied: { status: 403, title: 'You do not have permission to do this' },
  mfa_required: { status: 403, title: 'This action needs a multi-factor authenticated session' },
  https_required: { status: 403, title: 'This API is served over HTTPS only' },
  route_not_found: { status: 404, title: 'No such route' },
  not_found: { status: 404, title: 'No such resource' },
  method_not_allowed: { status: 405, title: 'The method is not allowed on this route' },
  conflict: { status: 409, title: 'The request conflicts with the current state' },
  tenant_exists: { status: 409, title: 'A tenant already exists for this organization' },
  membership_exists: { status: 409, title: 'This user is already a member' },
  precondition_failed: { status: 412, title: 'The resource changed since you read it' },
  invalid_transition: { status: 409, title: 'The resource is not in a state that allows this' },
  opportunity_closed: { status: 409, title: 'The opportunity is closed and read-only' },
  lead_already_converted: { status: 409, title: 'The lead has already been converted' },
  registration_conflict: { status: 409, title: 'Another partner already registered this prospect' },
  partner_suspended: { status: 409, title: 'The partner organization cannot take new registrations' },
  idempotency_in_flight: { status: 409, title: 'A request with this Idempotency-Key is still being processed' },
  idempotency_key_reused: { status: 422, title: 'This Idempotency-Key was already used for a different request' },
  last_admin: { status: 409, title: 'A tenant must keep at least one active Admin' },
  lockout_refused: { status: 409, title: 'This change would lock the tenant out of its own permissions' },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  unsupported_media_type: { status: 415, title: 'The request body must be application/json' },
  rate_limited: { status: 429, title: 'Too many requests' },
  request_header_fields_too_large: { status: 431, title: 'The request headers are too large' },
  internal_error: { status: 500, title: 'Something went wrong on our side' },
  service_unavailable: { status: 503, title: 'The service is not ready' },
  database_unavailable: { status: 503, title: 'The database is unreachable' },
  identity_provider_unavailable: { status: 503, title: 'The identity provider is unreachable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export const PROBLEM_TYPE_BASE = 'https://partnerportal.dev/problems/';

export function problemType(code: ErrorCode): string {
  return `${PROBLEM_TYPE_BASE}${code.replaceAll('_', '-')}`;
}
