import type { OpenAPIObject, ParameterObject, ReferenceObject, ResponseObject } from '@nestjs/swagger';
import { IDEMPOTENCY_KEY_FIELD, IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_KEY_MAX_LENGTH, IDEMPOTENT_REPLAYED_HEADER } from './idempotency-request';

const PARAMETER_NAME = 'IdempotencyKey';
const PROBLEM_SCHEMA_REF = '#/components/schemas/ProblemDto';

const PARAMETER: ParameterObject = {
  name: IDEMPOTENCY_KEY_HEADER,
  in: 'header',
  required: false,
  description:
    'Makes this POST safe to retry. Pick a fresh unique value per intended operation (a UUID is a good choice). ' +
    'The key is scoped to your tenant, your user (`sub`) and this route, and remembered for 24 hours. Sending it again ' +
    'with the same request (same path parameters, query and JSON body) does not repeat the work: you get the first ' +
    `answer again (status, \`Location\`, \`ETag\`, body), with the header \`${IDEMPOTENT_REPLAYED_HEADER}: true\`. ` +
    'That includes 4xx errors, replayed with the same `code`, `detail` and `errors` (the `requestId` is the new request\'s). ' +
    'Server errors (5xx) and errors that carry `Retry-After` are not remembered, so the retry runs. ' +
    'The same key with a different request is 422 `idempotency_key_reused`; while the first request is still running, ' +
    '409 `idempotency_in_flight` with `Retry-After`. ' +
    `A key must be 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} visible ASCII characters; any other value is 400 ` +
    `\`validation_failed\` with \`errors[].field\` \`${IDEMPOTENCY_KEY_FIELD}\`.`,
  schema: { type: 'string', minLength: 1, maxLength: IDEMPOTENCY_KEY_MAX_LENGTH, pattern: '^[!-~]{1,255}$' },
  example: '8e0f6a1c-3d2b-4c59-9a7e-1f2d3c4b5a69',
};

const IN_FLIGHT = 'A request with the same `Idempotency-Key` is still being processed (`idempotency_in_flight`); retry after the Retry-After delay.';
const REUSED = 'The `Idempotency-Key` was already used for a different request on this route (`idempotency_key_reused`).';

function problemResponse(description: string): ResponseObject {
  return { description, content: { 'application/problem+json': { schema: { $ref: PROBLEM_SCHEMA_REF } } } };
}

function withReason(existing: ResponseObject | ReferenceObject | undefined, description: string): ResponseObject {
  if (!existing || '$ref' in existing) return problemResponse(description);
  return { ...existing, description: `${existing.description} Or: ${description[0].toLowerCase()}${description.slice(1)}` };
}

/**
 * Documents the `Idempotency-Key` header, and its 409 and 422 answers, on every POST that takes a
 * bearer token (the interceptor honours it for authenticated callers only). One post-processing
 * step rather than a decorator per route, so no POST can miss it.
 */
export function documentIdempotencyKey(document: OpenAPIObject, bearerScheme: string): void {
  let used = false;
  for (const item of Object.values(document.paths)) {
    const operation = item.post;
    if (!operation?.security?.some((requirement) => bearerScheme in requirement)) continue;
    used = true;
    operation.parameters = [...(operation.parameters ?? []), { $ref: `#/components/parameters/${PARAMETER_NAME}` }];
    operation.responses['409'] = withReason(operation.responses['409'], IN_FLIGHT);
    operation.responses['422'] = withReason(operation.responses['422'], REUSED);
  }
  if (!used) return;
  document.components ??= {};
  document.components.parameters = { ...document.components.parameters, [PARAMETER_NAME]: PARAMETER };
}
