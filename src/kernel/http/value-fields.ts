import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsString, Matches, Max, Min, ValidateBy, ValidateNested } from 'class-validator';
import { isCalendarDate } from '../domain/calendar-date';
import { withoutUndefined } from '../domain/without-undefined';
import { clearsNote, documentField, Presence, presenceRules } from './field-presence';
import { CURRENCY_REGEX, DATE_PATTERN, DATE_REGEX } from './field-patterns';

// Request-body fields holding money, dates, choices and nested objects (see text-fields.ts).

// ISO 4217 codes as the runtime's ICU knows them.
const CURRENCIES: readonly string[] = Intl.supportedValuesOf('currency');

/** An amount in minor units of the record's currency (e.g. cents): an integer from 0 to `maximum`. */
export const MinorUnitsField = (mode: Presence, { description, maximum }: { readonly description: string; readonly maximum: number }): PropertyDecorator =>
  applyDecorators(
    documentField(mode, { description, type: 'integer', format: 'int64', minimum: 0, maximum, example: 2_500_000 }),
    ...presenceRules(mode),
    IsInt(),
    Min(0),
    Max(maximum),
  );

export const CurrencyField = (mode: Presence): PropertyDecorator =>
  applyDecorators(
    // The codes themselves, not only their shape: one shared enum schema (CurrencyCode) in the document.
    documentField(mode, { description: 'ISO 4217 currency code, upper case.', enum: CURRENCIES, enumName: 'CurrencyCode', example: 'EUR' }),
    ...presenceRules(mode),
    IsString(),
    Matches(CURRENCY_REGEX, { message: '$property must be three upper-case letters' }),
    IsIn(CURRENCIES, { message: '$property must be an ISO 4217 code' }),
  );

/** A calendar date `YYYY-MM-DD` that exists; a clearable one says so after `description`. */
export const CalendarDateField = (mode: Presence, description: string): PropertyDecorator =>
  applyDecorators(
    documentField(mode, { description: `${description}${clearsNote(mode)}`, format: 'date', maxLength: 10, pattern: DATE_PATTERN, example: '2026-09-30' }),
    ...presenceRules(mode),
    IsString(),
    Matches(DATE_REGEX, { message: '$property must be a date YYYY-MM-DD' }),
    // isCalendarDate, not IsISO8601({ strict: true }): validator.js refuses the years 0000–0099.
    ValidateBy({ name: 'isCalendarDate', validator: { validate: (value: unknown) => typeof value === 'string' && isCalendarDate(value) } }, { message: '$property must be a calendar date' }),
  );

interface ChoiceOptions {
  readonly description: string;
  /** What the server fills in when a create leaves the field out. */
  readonly default?: string;
  readonly message?: string;
}

/** One of `values`. */
export const ChoiceField = (mode: Presence, values: readonly string[], { description, default: fallback, message }: ChoiceOptions): PropertyDecorator =>
  applyDecorators(
    documentField(mode, withoutUndefined({ description, enum: values, default: fallback })),
    ...presenceRules(mode),
    IsIn(values, message === undefined ? undefined : { message }),
  );

/** A nested object validated by its own DTO class. */
export const NestedObjectField = (mode: Presence, type: new () => object, description: string): PropertyDecorator =>
  applyDecorators(
    documentField(mode, { type, description }),
    ...presenceRules(mode),
    IsObject({ message: '$property must be an object' }),
    ValidateNested(),
    Type(() => type),
  );
