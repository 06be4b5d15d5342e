import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, TransformFnParams } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Length, Matches, Max, Min, ValidateIf } from 'class-validator';
import { normalizeText } from '#src/kernel/domain/text';
import { OPPORTUNITY_LIMITS } from '../domain/opportunity';
import { DEFAULT_STAGE, OPEN_STAGES, OPPORTUNITY_STAGES, STAGE_PROBABILITY } from '../domain/opportunity-stage';

// One-line text carries no control characters (NUL included, which the database refuses); reasons
// may also hold tabs and line breaks. The OpenAPI patterns spell out the same classes.
export const TEXT_PATTERN = '^[^\\u0000-\\u001F\\u007F-\\u009F]+$';
export const TEXT_REGEX = /^\P{Cc}+$/u;
export const NOTES_PATTERN = '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]+$';
const NOTES_REGEX = /^(?:[\t\n\r]|\P{Cc})+$/u;
export const SUB_PATTERN = '^\\S+$';
export const SUB_REGEX = /^\S+$/;
export const ID_PATTERN = '^[0-9a-f]{24}$';
export const ID_REGEX = /^[0-9a-f]{24}$/;
export const CURRENCY_PATTERN = '^[A-Z]{3}$';
const CURRENCY_REGEX = /^[A-Z]{3}$/;
// ISO 4217 codes as the runtime's ICU knows them.
const CURRENCIES: readonly string[] = Intl.supportedValuesOf('currency');
export const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';
const DATE_REGEX = /^\d{4}-\d{2}-\d{2}$/;

export const toText = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? normalizeText(value) : value);

/** Stage defaults as prose, for the API description: `prospecting 10, qualification 25, …`. */
export const STAGE_PROBABILITY_TEXT = OPPORTUNITY_STAGES.map((s) => `${s} ${STAGE_PROBABILITY[s]}`).join(', ');

/**
 * How a field may be left out. `required`: must be present; `absent`: may be left out but not
 * null; `clearable`: may be left out, and null removes the stored value (PATCH).
 */
export type Presence = 'required' | 'absent' | 'clearable';

function presence(mode: Presence): PropertyDecorator[] {
  if (mode === 'required') return [];
  if (mode === 'absent') return [ValidateIf((_object: object, value: unknown) => value !== undefined)];
  return [IsOptional()];
}

function doc(mode: Presence, options: Record<string, unknown>): PropertyDecorator {
  if (mode === 'required') return ApiProperty(options);
  return ApiPropertyOptional(mode === 'clearable' ? { ...options, nullable: true } : options);
}

const clears = (mode: Presence): string => (mode === 'clearable' ? ' `null` removes it.' : '');

export const NameField = (mode: Presence, description = 'What the deal is called; trimmed and stored in Unicode NFC.'): PropertyDecorator =>
  applyDecorators(
    doc(mode, { description, minLength: 1, maxLength: OPPORTUNITY_LIMITS.name, pattern: TEXT_PATTERN, example: 'Globex: 200 seats' }),
    ...presence(mode),
    Transform(toText),
    IsString(),
    Length(1, OPPORTUNITY_LIMITS.name),
    Matches(TEXT_REGEX, { message: 'name must not contain control characters' }),
  );

export const AmountMinorField = (mode: Presence): PropertyDecorator =>
  applyDecorators(
    doc(mode, {
      description: 'Deal value in minor units of `currency` (e.g. cents): 1999 is 19.99 USD.',
      type: 'integer',
      format: 'int64',
      minimum: 0,
      maximum: OPPORTUNITY_LIMITS.amountMinor,
      example: 2_500_000,
    }),
    ...presence(mode),
    IsInt(),
    Min(0),
    Max(OPPORTUNITY_LIMITS.amountMinor),
  );

export const CurrencyField = (mode: Presence): PropertyDecorator =>
  applyDecorators(
    doc(mode, { description: 'ISO 4217 currency code, upper case.', minLength: 3, maxLength: 3, pattern: CURRENCY_PATTERN, example: 'EUR' }),
    ...presence(mode),
    IsString(),
    Matches(CURRENCY_REGEX, { message: 'currency must be three upper-case letters' }),
    IsIn(CURRENCIES, { message: 'currency must be an ISO 4217 code' }),
  );

/** `open`: only open stages (creates, conversions); `any`: the whole pipeline (PATCH). */
export const StageField = (mode: Presence, stages: 'open' | 'any', description: string): PropertyDecorator => {
  const allowed: readonly string[] = stages === 'open' ? OPEN_STAGES : OPPORTUNITY_STAGES;
  return applyDecorators(
    doc(mode, { description, enum: allowed, ...(stages === 'open' ? { default: DEFAULT_STAGE } : {}) }),
    ...presence(mode),
    IsIn(allowed, { message: `stage must be one of ${allowed.join(', ')}` }),
  );
};

export const ProbabilityField = (mode: Presence, description: string): PropertyDecorator =>
  applyDecorators(
    doc(mode, { description, type: 'integer', format: 'int32', minimum: 0, maximum: OPPORTUNITY_LIMITS.probability, example: 50 }),
    ...presence(mode),
    IsInt(),
    Min(0),
    Max(OPPORTUNITY_LIMITS.probability),
  );

export const ExpectedCloseDateField = (mode: Presence, description = 'Expected close date, `YYYY-MM-DD`.'): PropertyDecorator =>
  applyDecorators(
    doc(mode, { description: `${description}${clears(mode)}`, format: 'date', maxLength: 10, pattern: DATE_PATTERN, example: '2026-09-30' }),
    ...presence(mode),
    IsString(),
    Matches(DATE_REGEX, { message: 'expectedCloseDate must be a date YYYY-MM-DD' }),
    IsISO8601({ strict: true, strictSeparator: true }, { message: 'expectedCloseDate must be a calendar date' }),
  );

export const PartnerIdField = (mode: Presence, description: string): PropertyDecorator =>
  applyDecorators(
    doc(mode, { description, minLength: 24, maxLength: 24, pattern: ID_PATTERN }),
    ...presence(mode),
    IsString(),
    Matches(ID_REGEX, { message: 'partnerId must be a partner id (24 hex digits)' }),
  );

export const OwnerIdField = (mode: Presence, description: string): PropertyDecorator =>
  applyDecorators(
    doc(mode, { description, minLength: 1, maxLength: OPPORTUNITY_LIMITS.sub, pattern: SUB_PATTERN, example: 'auth0|5f7c8ec7c33c6c004bbafe82' }),
    ...presence(mode),
    IsString(),
    Length(1, OPPORTUNITY_LIMITS.sub),
    Matches(SUB_REGEX, { message: 'ownerId must be a token subject (no whitespace)' }),
  );

export const ReasonField = (mode: Presence, name: 'closeReason' | 'reason', description: string): PropertyDecorator =>
  applyDecorators(
    doc(mode, { description, minLength: 1, maxLength: OPPORTUNITY_LIMITS.closeReason, pattern: NOTES_PATTERN }),
    ...presence(mode),
    Transform(toText),
    IsString(),
    Length(1, OPPORTUNITY_LIMITS.closeReason),
    Matches(NOTES_REGEX, { message: `${name} must not contain control characters other than tabs and line breaks` }),
  );
