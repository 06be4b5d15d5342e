import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, TransformFnParams, Type } from 'class-transformer';
import {
  IsEmail,
  IsFQDN,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { normalizeText } from '#src/kernel/domain/text';
import { LEAD_LIMITS, LEAD_SOURCES } from '../domain/lead';

// One-line text carries no control characters (NUL included, which the database refuses); notes
// may also hold tabs and line breaks. The OpenAPI patterns spell out the same classes.
export const TEXT_PATTERN = '^[^\\u0000-\\u001F\\u007F-\\u009F]+$';
export const TEXT_REGEX = /^\P{Cc}+$/u;
export const NOTES_PATTERN = '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]+$';
const NOTES_REGEX = /^(?:[\t\n\r]|\P{Cc})+$/u;
export const PHONE_PATTERN = '^\\+?[0-9 ()-]{3,40}$';
const PHONE_REGEX = /^\+?[0-9 ()-]{3,40}$/;
export const SUB_PATTERN = '^\\S+$';
const SUB_REGEX = /^\S+$/;
export const ID_PATTERN = '^[0-9a-f]{24}$';
const ID_REGEX = /^[0-9a-f]{24}$/;
export const CURRENCY_PATTERN = '^[A-Z]{3}$';
const CURRENCY_REGEX = /^[A-Z]{3}$/;
// ISO 4217 codes as the runtime's ICU knows them.
const CURRENCIES: readonly string[] = Intl.supportedValuesOf('currency');
export const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';
const DATE_REGEX = /^\d{4}-\d{2}-\d{2}$/;

export const toText = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? normalizeText(value) : value);
const toLower = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? value.trim().toLowerCase() : value);
const toTrimmed = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? value.trim() : value);

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

export const CompanyNameField = (mode: Presence): PropertyDecorator =>
  applyDecorators(
    doc(mode, {
      description: "The prospect's company name; trimmed and stored in Unicode NFC.",
      minLength: 1,
      maxLength: LEAD_LIMITS.companyName,
      pattern: TEXT_PATTERN,
      example: 'Globex Corporation',
    }),
    ...presence(mode),
    Transform(toText),
    IsString(),
    Length(1, LEAD_LIMITS.companyName),
    Matches(TEXT_REGEX, { message: 'companyName must not contain control characters' }),
  );

export const CompanyDomainField = (mode: Presence): PropertyDecorator =>
  applyDecorators(
    doc(mode, {
      description:
        "The prospect's web domain, e.g. `globex.co.uk` or `www.globex.co.uk`; stored lowercase. Conflicts compare its " +
        'registrable domain (Public Suffix List), so both of those examples name the same prospect.',
      format: 'hostname',
      maxLength: LEAD_LIMITS.companyDomain,
      example: 'globex.co.uk',
    }),
    ...presence(mode),
    Transform(toLower),
    IsString(),
    MaxLength(LEAD_LIMITS.companyDomain),
    IsFQDN({ require_tld: true, allow_trailing_dot: false, allow_wildcard: false, allow_numeric_tld: false }, { message: 'companyDomain must be a domain name such as globex.co.uk' }),
  );

export class LeadContactDto {
  @ApiProperty({ description: 'Contact person; trimmed, Unicode NFC.', minLength: 1, maxLength: LEAD_LIMITS.contactName, pattern: TEXT_PATTERN })
  @Transform(toText)
  @IsString()
  @Length(1, LEAD_LIMITS.contactName)
  @Matches(TEXT_REGEX, { message: 'name must not contain control characters' })
  name!: string;

  @ApiProperty({ description: 'Stored lowercase; conflicts compare it case-insensitively.', format: 'email', maxLength: LEAD_LIMITS.email })
  @Transform(toLower)
  @IsString()
  @MaxLength(LEAD_LIMITS.email)
  @IsEmail()
  email!: string;

  @ApiPropertyOptional({ maxLength: LEAD_LIMITS.phone, pattern: PHONE_PATTERN, example: '+44 20 7946 0958' })
  @ValidateIf((_object: object, value: unknown) => value !== undefined)
  @Transform(toTrimmed)
  @IsString()
  @MaxLength(LEAD_LIMITS.phone)
  @Matches(PHONE_REGEX, { message: 'phone must be digits, spaces, parentheses and dashes, optionally after a leading +' })
  phone?: string;

  @ApiPropertyOptional({ description: 'Job title.', minLength: 1, maxLength: LEAD_LIMITS.title, pattern: TEXT_PATTERN, example: 'Head of IT' })
  @ValidateIf((_object: object, value: unknown) => value !== undefined)
  @Transform(toText)
  @IsString()
  @Length(1, LEAD_LIMITS.title)
  @Matches(TEXT_REGEX, { message: 'title must not contain control characters' })
  title?: string;
}

export const ContactField = (mode: Presence): PropertyDecorator =>
  applyDecorators(
    doc(mode, { type: LeadContactDto, description: `The prospect's contact.${mode === 'required' ? '' : ' Replaced as a whole.'}` }),
    ...presence(mode),
    IsObject({ message: 'contact must be an object' }),
    ValidateNested(),
    Type(() => LeadContactDto),
  );

export const ValueMinorField = (mode: Presence): PropertyDecorator =>
  applyDecorators(
    doc(mode, {
      description: 'Estimated deal value in minor units of `currency` (e.g. cents): 1999 is 19.99 USD.',
      type: 'integer',
      format: 'int64',
      minimum: 0,
      maximum: LEAD_LIMITS.valueMinor,
      example: 2_500_000,
    }),
    ...presence(mode),
    IsInt(),
    Min(0),
    Max(LEAD_LIMITS.valueMinor),
  );

export const CurrencyField = (mode: Presence): PropertyDecorator =>
  applyDecorators(
    doc(mode, { description: 'ISO 4217 currency code, upper case.', minLength: 3, maxLength: 3, pattern: CURRENCY_PATTERN, example: 'EUR' }),
    ...presence(mode),
    IsString(),
    Matches(CURRENCY_REGEX, { message: 'currency must be three upper-case letters' }),
    IsIn(CURRENCIES, { message: 'currency must be an ISO 4217 code' }),
  );

export const ExpectedCloseDateField = (mode: Presence): PropertyDecorator =>
  applyDecorators(
    doc(mode, { description: `Expected close date, \`YYYY-MM-DD\`.${clears(mode)}`, format: 'date', maxLength: 10, pattern: DATE_PATTERN, example: '2026-09-30' }),
    ...presence(mode),
    IsString(),
    Matches(DATE_REGEX, { message: 'expectedCloseDate must be a date YYYY-MM-DD' }),
    IsISO8601({ strict: true, strictSeparator: true }, { message: 'expectedCloseDate must be a calendar date' }),
  );

export const SourceField = (mode: Presence): PropertyDecorator =>
  applyDecorators(doc(mode, { description: `Where the lead came from.${clears(mode)}`, enum: LEAD_SOURCES }), ...presence(mode), IsIn(LEAD_SOURCES));

const notesField = (name: 'notes' | 'internalNotes', description: string, limit: number) => (mode: Presence): PropertyDecorator =>
  applyDecorators(
    doc(mode, { description: `${description}${clears(mode)}`, minLength: 1, maxLength: limit, pattern: NOTES_PATTERN }),
    ...presence(mode),
    Transform(toText),
    IsString(),
    Length(1, limit),
    Matches(NOTES_REGEX, { message: `${name} must not contain control characters other than tabs and line breaks` }),
  );

export const NotesField = notesField('notes', 'Notes the partner and Staff share.', LEAD_LIMITS.notes);
export const InternalNotesField = notesField(
  'internalNotes',
  'Staff and Admin only: never shown to partner users, and a 400 if they send it.',
  LEAD_LIMITS.internalNotes,
);

export const CommissionPercentField = (mode: Presence): PropertyDecorator =>
  applyDecorators(
    doc(mode, {
      description: `Commission for the partner, in percent with at most two decimals (12.5 = 12.50%). Set by Staff and Admin only.${clears(mode)}`,
      type: 'number',
      format: 'double',
      minimum: 0,
      maximum: 100,
      multipleOf: 0.01,
      example: 12.5,
    }),
    ...presence(mode),
    IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 }),
    Min(0),
    Max(100),
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
    doc(mode, { description, minLength: 1, maxLength: LEAD_LIMITS.sub, pattern: SUB_PATTERN, example: 'auth0|5f7c8ec7c33c6c004bbafe82' }),
    ...presence(mode),
    IsString(),
    Length(1, LEAD_LIMITS.sub),
    Matches(SUB_REGEX, { message: 'ownerId must be a token subject (no whitespace)' }),
  );

export const ReasonField = (mode: Presence, description: string): PropertyDecorator =>
  applyDecorators(
    doc(mode, { description, minLength: 1, maxLength: LEAD_LIMITS.reason, pattern: NOTES_PATTERN }),
    ...presence(mode),
    Transform(toText),
    IsString(),
    Length(1, LEAD_LIMITS.reason),
    Matches(NOTES_REGEX, { message: 'reason must not contain control characters other than tabs and line breaks' }),
  );
