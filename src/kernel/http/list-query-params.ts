import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, TransformFnParams, Type } from 'class-transformer';
import { IsDate, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { isCalendarDate } from '../domain/calendar-date';
import { CodePointLength } from './code-point-length';
import { CURSOR_PATTERN, CURSOR_REGEX, ID_PATTERN, ID_REGEX, INSTANT_PATTERN, INSTANT_REGEX, SUB_PATTERN, SUB_REGEX, TEXT_PATTERN, TEXT_REGEX } from './field-patterns';
import { toText, withinLength } from './field-transforms';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './page';

// Query parameters of lists and exports: each optional, validated, and documented in one decorator.
// class-validator reports a parameter's failed checks in the order they are declared; these keep
// the order each parameter has always answered with (most check the format first).

/** How long a keyset cursor may be: the sort, a key of up to a few hundred characters and an id, base64url. */
export const KEYSET_CURSOR_MAX = 1200;

/** `?limit=1..200`, default 50: an integer (10.5 is a 400), and documented as one. */
export const PageLimitQueryParam = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, type: 'integer', format: 'int32' }),
    IsOptional(),
    Type(() => Number),
    Max(MAX_PAGE_SIZE),
    Min(1),
    IsInt(),
  );

/** `?cursor=` of a keyset list: only valid with the sort it came from. */
export const KeysetCursorQueryParam = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ description: 'Opaque cursor from a previous page (nextCursor), with the same sort.', maxLength: KEYSET_CURSOR_MAX, pattern: CURSOR_PATTERN }),
    IsOptional(),
    Matches(CURSOR_REGEX),
    MaxLength(KEYSET_CURSOR_MAX),
    IsString(),
  );

/** `?sort=`: one of `values` (a field, `-` in front for descending); `note` adds to the description. */
export const SortQueryParam = (values: readonly string[], fallback: string, note = ''): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ description: `Sort key; \`-\` in front for descending. Ties are broken by id, so paging is stable.${note}`, enum: values, default: fallback }),
    IsOptional(),
    IsIn(values),
  );

/** A filter on one of `values` (a status, a stage, a tier). */
export const ChoiceQueryParam = (values: readonly string[], description: string): PropertyDecorator =>
  applyDecorators(ApiPropertyOptional({ description, enum: values }), IsOptional(), IsIn(values));

/** A filter on another record's id. */
export const RecordIdQueryParam = (description: string): PropertyDecorator =>
  applyDecorators(ApiPropertyOptional({ description, minLength: 24, maxLength: 24, pattern: ID_PATTERN }), IsOptional(), Matches(ID_REGEX), IsString());

/** A filter on a member's token subject (`sub`). */
export const TokenSubjectQueryParam = (description: string, maxLength: number): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ description, minLength: 1, maxLength, pattern: SUB_PATTERN }),
    IsOptional(),
    Matches(SUB_REGEX),
    CodePointLength(1, maxLength),
    IsString(),
  );

/** `?q=`: a name prefix, normalized like stored text (trimmed, NFC) before it is compared. */
export const PrefixQueryParam = (description: string, maxLength: number): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ description, minLength: 1, maxLength, pattern: TEXT_PATTERN }),
    IsOptional(),
    Transform(withinLength(maxLength, toText)),
    Matches(TEXT_REGEX, { message: '$property must not contain control characters, bidirectional controls or invisible characters' }),
    CodePointLength(1, maxLength),
    IsString(),
  );

// Turned into a Date only when it is one, so anything else fails IsDate with a field error.
const toInstant = ({ value }: TransformFnParams): unknown => {
  if (typeof value !== 'string' || !INSTANT_REGEX.test(value) || !isCalendarDate(value.slice(0, 10))) return value;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date;
};

/** A bound on a timestamp (`createdFrom`, `updatedTo`): an ISO 8601 date (midnight UTC) or date-time with a zone. */
export const InstantQueryParam = (description: string): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ description: `${description} An ISO 8601 date (midnight UTC) or date-time with a time zone.`, type: String, maxLength: 29, pattern: INSTANT_PATTERN }),
    IsOptional(),
    Transform(toInstant),
    IsDate({ message: '$property must be an ISO 8601 date or date-time' }),
  );

/** A bound on an amount in minor units (`minValue`, `maxAmount`), whatever the currency. */
export const MinorUnitsQueryParam = (description: string, maximum: number): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ description, type: 'integer', format: 'int64', minimum: 0, maximum }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(0),
    Max(maximum),
  );
