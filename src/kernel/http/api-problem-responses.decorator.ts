import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ProblemDto } from './problem.dto';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request (validation failure, malformed JSON, unknown query parameter).',
  401: 'Missing or invalid access token.',
  403: 'The caller may not do this.',
  404: 'No such resource in the caller\'s scope.',
  405: 'Method not allowed on this route.',
  409: 'Conflicts with the current state.',
  413: 'Request body over 100 kB.',
  415: 'Request body is not application/json.',
  500: 'Unexpected error; only the request id is returned.',
  503: 'A dependency is unreachable; retry after the Retry-After delay.',
};

/** Documents the problem+json error responses an operation can give (500 included), once per route. */
export function ApiProblemResponses(...statuses: number[]): MethodDecorator & ClassDecorator {
  return problemResponses([...statuses, 500]);
}

/**
 * The same for decorators that add a few statuses on top of a route's own list (401/403 of the
 * access markers), without a second 500 entry.
 */
export function ApiExtraProblemResponses(...statuses: number[]): MethodDecorator & ClassDecorator {
  return problemResponses(statuses);
}

function problemResponses(statuses: number[]): MethodDecorator & ClassDecorator {
  const all = [...new Set(statuses)].sort((a, b) => a - b);
  return applyDecorators(
    ApiExtraModels(ProblemDto),
    ...all.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? 'Error.',
        content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } },
      }),
    ),
  );
}
