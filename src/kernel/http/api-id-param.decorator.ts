import { ApiParam } from '@nestjs/swagger';

/** Documents an `{id}` path parameter. A malformed id is answered like an unknown one: 404. */
export function ApiIdParam(name = 'id'): MethodDecorator {
  return ApiParam({ name, schema: { type: 'string', pattern: '^[0-9a-f]{24}$', maxLength: 24 }, description: 'Resource id.' });
}
