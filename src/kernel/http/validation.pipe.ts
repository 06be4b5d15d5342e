import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError, FieldError } from '../errors/domain-error';
import { jsonBodyShapeErrors } from './json-body-shape';

/** Validation errors as JSON Pointer field paths, children included. */
export function toFieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = `${parent}/${String(error.property).replaceAll('~', '~0').replaceAll('/', '~1')}`;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...toFieldErrors(error.children ?? [], field)];
  });
}

/**
 * Strict input: unknown fields are errors, values are transformed into the DTO's types. A body is
 * first checked as parsed (json-body-shape.ts): an object, with no operator, dotted or prototype
 * keys at any depth, before class-transformer copies anything.
 */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // No body at all is an empty one (optional bodies, e.g. a transition's note), as Nest treats it.
    if (metadata.type === 'body' && value !== undefined) {
      const errors = jsonBodyShapeErrors(value);
      if (errors.length > 0) throw new DomainError('validation_failed', 'One or more fields are invalid.', { errors });
    }
    return super.transform(value, metadata);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    stopAtFirstError: false,
    exceptionFactory: (errors) =>
      new DomainError('validation_failed', 'One or more fields are invalid.', { errors: toFieldErrors(errors) }),
  });
}
