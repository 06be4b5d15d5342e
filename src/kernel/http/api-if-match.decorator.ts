import { applyDecorators } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { ApiExtraProblemResponses } from './api-problem-responses.decorator';

/** Documents the optional If-Match header of a conditional write and its 412 answer. */
export function ApiIfMatch(): MethodDecorator {
  return applyDecorators(
    ApiHeader({
      name: 'If-Match',
      required: false,
      description: 'The ETag you last read; the change applies only if the resource is still at that revision (else 412). Omit it to apply the change to whatever is current.',
      schema: { type: 'string', maxLength: 20, pattern: '^(\\*|(W/)?"\\d{1,15}")$' },
    }),
    ApiExtraProblemResponses(412),
  );
}
