import type { HeaderObject, OpenAPIObject, ReferenceObject, ResponseObject } from '@nestjs/swagger';
import { RATE_LIMIT_HEADER, RATE_LIMIT_POLICY_HEADER } from './rate-limiter';

const PROBLEM_SCHEMA_REF = '#/components/schemas/ProblemDto';
/** The orchestrator probes, which no limit applies to (rate-limiter.ts). */
const UNLIMITED_PATHS = new Set(['/health/live', '/health/ready']);
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

const HEADERS: Record<string, HeaderObject> = {
  [RATE_LIMIT_POLICY_HEADER]: {
    description:
      'The rate limits this request counted against (draft-ietf-httpapi-ratelimit-headers): one item per policy, ' +
      '`q` requests per `w` seconds. Policies: `ip` (requests without credentials and failed authentications, per client IP), ' +
      '`user` and `tenant` (authenticated requests), `export` and `audit` (stricter, per user). Example: `"user";q=600;w=60, "tenant";q=3000;w=60`.',
    schema: { type: 'string', maxLength: 256, pattern: '^[ -~]*$' },
  },
  [RATE_LIMIT_HEADER]: {
    description:
      'What is left of each policy in RateLimit-Policy: `r` requests remaining, `t` seconds until the window resets. ' +
      'Example: `"user";r=597;t=42, "tenant";r=2950;t=42`. Pace requests so that `r` does not reach 0.',
    schema: { type: 'string', maxLength: 256, pattern: '^[ -~]*$' },
  },
  'Retry-After': {
    description: 'Seconds to wait before sending another request.',
    schema: { type: 'integer', format: 'int32', minimum: 1, maximum: 86400 },
  },
};

const ref = (name: string): ReferenceObject => ({ $ref: `#/components/headers/${name}` });
const LIMIT_HEADERS = { [RATE_LIMIT_POLICY_HEADER]: ref(RATE_LIMIT_POLICY_HEADER), [RATE_LIMIT_HEADER]: ref(RATE_LIMIT_HEADER) };

const TOO_MANY: ResponseObject = {
  description: 'Too many requests (`rate_limited`): a rate limit of this caller, its tenant or its IP address is exhausted; retry after the Retry-After delay.',
  headers: { ...LIMIT_HEADERS, 'Retry-After': ref('Retry-After') },
  content: { 'application/problem+json': { schema: { $ref: PROBLEM_SCHEMA_REF } } },
};

/**
 * Documents the rate limits on every operation but the health probes: the 429 answer, and the
 * RateLimit-Policy / RateLimit headers on its 2xx and 4xx answers. One post-processing step, so no
 * operation can forget them.
 */
export function documentRateLimits(document: OpenAPIObject): void {
  document.components = { ...document.components, headers: { ...document.components?.headers, ...HEADERS } };
  for (const [path, item] of Object.entries(document.paths)) {
    if (UNLIMITED_PATHS.has(path)) continue;
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      operation.responses['429'] = TOO_MANY;
      for (const [status, response] of Object.entries(operation.responses) as [string, ResponseObject | ReferenceObject | undefined][]) {
        if (!/^[24]/.test(status) || response === undefined || '$ref' in response) continue;
        response.headers = { ...LIMIT_HEADERS, ...response.headers };
      }
    }
  }
}
