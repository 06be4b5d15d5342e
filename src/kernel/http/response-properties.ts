import { ApiProperty, ApiPropertyOptions } from '@nestjs/swagger';
import { CURRENCY_PATTERN, CURSOR_PATTERN, DATE_PATTERN, ID_PATTERN, SUB_PATTERN } from './field-patterns';

// OpenAPI for response-DTO properties that every resource has the same way. `options` add to (or
// override) the shared ones, e.g. `{ required: false }` or a description.

/** A record id. */
export const ApiIdProperty = (description: string, options: ApiPropertyOptions = {}): PropertyDecorator =>
  ApiProperty({ description, pattern: ID_PATTERN, maxLength: 24, ...options } as ApiPropertyOptions);

/** A member's token subject (`sub`). */
export const ApiSubjectProperty = (description: string, maxLength: number, options: ApiPropertyOptions = {}): PropertyDecorator =>
  ApiProperty({ description, maxLength, pattern: SUB_PATTERN, ...options } as ApiPropertyOptions);

export const ApiRevisionProperty = (): PropertyDecorator =>
  ApiProperty({ description: 'Goes up by one with every change; the ETag carries it.', type: 'integer', format: 'int32', minimum: 1, maximum: 2_147_483_647 });

/** An instant, ISO 8601 in UTC (`toISOString()`). */
export const ApiDateTimeProperty = (options: ApiPropertyOptions = {}): PropertyDecorator =>
  ApiProperty({ format: 'date-time', maxLength: 30, ...options } as ApiPropertyOptions);

/** A calendar date, `YYYY-MM-DD`. */
export const ApiCalendarDateProperty = (options: ApiPropertyOptions = {}): PropertyDecorator =>
  ApiProperty({ format: 'date', maxLength: 10, pattern: DATE_PATTERN, ...options } as ApiPropertyOptions);

/** An amount in minor units of `currency`. */
export const ApiMinorUnitsProperty = (description: string, maximum: number): PropertyDecorator =>
  ApiProperty({ description, type: 'integer', format: 'int64', minimum: 0, maximum });

export const ApiCurrencyProperty = (): PropertyDecorator => ApiProperty({ description: 'ISO 4217.', minLength: 3, maxLength: 3, pattern: CURRENCY_PATTERN });

/** A page's `nextCursor`. */
export const ApiNextCursorProperty = (maxLength: number): PropertyDecorator =>
  ApiProperty({ nullable: true, type: String, maxLength, pattern: CURSOR_PATTERN, description: 'Pass as `cursor` for the next page; null on the last page.' });
