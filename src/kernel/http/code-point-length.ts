import { buildMessage, ValidateBy, ValidationArguments, ValidationOptions } from 'class-validator';
import { codePointLength } from '../domain/text';

// class-validator's Length and MaxLength count UTF-16 units minus variation selectors (validator.js
// isLength), so a name padded with thousands of U+FE0F still "fits". These count code points, and
// keep class-validator's constraint names and messages, so error bodies read as before.

function measured(value: unknown): number | undefined {
  if (typeof value === 'string') return codePointLength(value);
  const length = (value as { length?: unknown } | null | undefined)?.length;
  return typeof length === 'number' ? length : undefined;
}

/** A string of `min` to `max` code points. */
export function CodePointLength(min: number, max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isLength',
      constraints: [min, max],
      validator: {
        validate: (value: unknown) => typeof value === 'string' && codePointLength(value) >= min && codePointLength(value) <= max,
        defaultMessage: buildMessage((eachPrefix: string, args?: ValidationArguments) => {
          const length = measured(args?.value);
          if (!args?.value || (length !== undefined && length < min)) return `${eachPrefix}$property must be longer than or equal to $constraint1 characters`;
          if (length !== undefined && length > max) return `${eachPrefix}$property must be shorter than or equal to $constraint2 characters`;
          return `${eachPrefix}$property must be longer than or equal to $constraint1 and shorter than or equal to $constraint2 characters`;
        }, options),
      },
    },
    options,
  );
}

/** A string of at most `max` code points. */
export function MaxCodePoints(max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'maxLength',
      constraints: [max],
      validator: {
        validate: (value: unknown) => typeof value === 'string' && codePointLength(value) <= max,
        defaultMessage: buildMessage((eachPrefix: string) => `${eachPrefix}$property must be shorter than or equal to $constraint1 characters`, options),
      },
    },
    options,
  );
}
