import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, TransformFnParams, Type } from 'class-transformer';
import {
  IsEmail,
  IsFQDN,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { normalizeText } from '#src/kernel/domain/text';
import { DEFAULT_PARTNER_STATUS, DEFAULT_PARTNER_TIER, PARTNER_LIMITS, PARTNER_STATUSES, PARTNER_TIERS } from '../domain/partner';

// Free text must carry no control characters (NUL included, which the database refuses). The
// OpenAPI pattern spells out the same class as \p{Cc}: U+0000–U+001F and U+007F–U+009F.
export const TEXT_PATTERN = '^[^\\u0000-\\u001F\\u007F-\\u009F]+$';
export const TEXT_REGEX = /^\P{Cc}+$/u;
export const PHONE_PATTERN = '^\\+?[0-9 ()-]{3,40}$';
const PHONE_REGEX = /^\+?[0-9 ()-]{3,40}$/;
export const SUB_PATTERN = '^\\S+$';
const SUB_REGEX = /^\S+$/;

export const toText = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? normalizeText(value) : value);
export const toLower = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? value.trim().toLowerCase() : value);
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

const CLEARS = ' `null` removes it.';

export const NameField = (mode: Presence): PropertyDecorator =>
  applyDecorators(
    doc(mode, {
      description: 'Display name; trimmed and stored in Unicode NFC. Names may repeat.',
      minLength: 1,
      maxLength: PARTNER_LIMITS.name,
      pattern: TEXT_PATTERN,
      example: 'Acme Resellers',
    }),
    ...presence(mode),
    Transform(toText),
    IsString(),
    Length(1, PARTNER_LIMITS.name),
    Matches(TEXT_REGEX, { message: 'name must not contain control characters' }),
  );

export const WebsiteField = (mode: Presence): PropertyDecorator =>
  applyDecorators(
    doc(mode, {
      description: `An http or https URL.${mode === 'clearable' ? CLEARS : ''}`,
      format: 'uri',
      maxLength: PARTNER_LIMITS.website,
      example: 'https://acme.example',
    }),
    ...presence(mode),
    Transform(toTrimmed),
    IsString(),
    MaxLength(PARTNER_LIMITS.website),
    IsUrl(
      { protocols: ['http', 'https'], require_protocol: true, require_valid_protocol: true, disallow_auth: true },
      { message: 'website must be an http or https URL' },
    ),
  );

export const DomainField = (mode: Presence): PropertyDecorator =>
  applyDecorators(
    doc(mode, {
      description: `The partner's registrable domain, e.g. \`acme.example\`; stored lowercase.${mode === 'clearable' ? CLEARS : ''}`,
      format: 'hostname',
      maxLength: PARTNER_LIMITS.domain,
      example: 'acme.example',
    }),
    ...presence(mode),
    Transform(toLower),
    IsString(),
    MaxLength(PARTNER_LIMITS.domain),
    IsFQDN({ require_tld: true, allow_trailing_dot: false, allow_wildcard: false, allow_numeric_tld: false }, { message: 'domain must be a domain name such as acme.example' }),
  );

/** `defaulted`: the server fills the field in when a create leaves it out. */
export const TierField = (mode: Presence, defaulted = false): PropertyDecorator =>
  applyDecorators(
    doc(mode, {
      description: 'Partner tier, lowest first: registered < silver < gold < platinum.',
      enum: PARTNER_TIERS,
      ...(defaulted ? { default: DEFAULT_PARTNER_TIER } : {}),
    }),
    ...presence(mode),
    IsIn(PARTNER_TIERS),
  );

export const StatusField = (mode: Presence, defaulted = false): PropertyDecorator =>
  applyDecorators(
    doc(mode, {
      description: 'Where the partnership stands.',
      enum: PARTNER_STATUSES,
      ...(defaulted ? { default: DEFAULT_PARTNER_STATUS } : {}),
    }),
    ...presence(mode),
    IsIn(PARTNER_STATUSES),
  );

export const RegionField = (mode: Presence): PropertyDecorator =>
  applyDecorators(
    doc(mode, {
      description: `Sales region, free text.${mode === 'clearable' ? CLEARS : ''}`,
      minLength: 1,
      maxLength: PARTNER_LIMITS.region,
      pattern: TEXT_PATTERN,
      example: 'EMEA',
    }),
    ...presence(mode),
    Transform(toText),
    IsString(),
    Length(1, PARTNER_LIMITS.region),
    Matches(TEXT_REGEX, { message: 'region must not contain control characters' }),
  );

export const OwnerIdField = (mode: Presence): PropertyDecorator =>
  applyDecorators(
    doc(mode, {
      description: `The owning member's token subject (\`sub\`); must be an active Staff or Admin member.${mode === 'clearable' ? CLEARS : ''}`,
      minLength: 1,
      maxLength: PARTNER_LIMITS.ownerId,
      pattern: SUB_PATTERN,
      example: 'auth0|5f7c8ec7c33c6c004bbafe82',
    }),
    ...presence(mode),
    IsString(),
    Length(1, PARTNER_LIMITS.ownerId),
    Matches(SUB_REGEX, { message: 'ownerId must be a token subject (no whitespace)' }),
  );

export class PartnerContactDto {
  @ApiProperty({ description: 'Contact person; trimmed, Unicode NFC.', minLength: 1, maxLength: PARTNER_LIMITS.contactName, pattern: TEXT_PATTERN })
  @Transform(toText)
  @IsString()
  @Length(1, PARTNER_LIMITS.contactName)
  @Matches(TEXT_REGEX, { message: 'name must not contain control characters' })
  name!: string;

  @ApiPropertyOptional({ description: 'Stored lowercase.', format: 'email', maxLength: PARTNER_LIMITS.email })
  @ValidateIf((_object: object, value: unknown) => value !== undefined)
  @Transform(toLower)
  @IsString()
  @MaxLength(PARTNER_LIMITS.email)
  @IsEmail()
  email?: string;

  @ApiPropertyOptional({ maxLength: PARTNER_LIMITS.phone, pattern: PHONE_PATTERN, example: '+44 20 7946 0958' })
  @ValidateIf((_object: object, value: unknown) => value !== undefined)
  @Transform(toTrimmed)
  @IsString()
  @MaxLength(PARTNER_LIMITS.phone)
  @Matches(PHONE_REGEX, { message: 'phone must be digits, spaces, parentheses and dashes, optionally after a leading +' })
  phone?: string;
}

export const PrimaryContactField = (mode: Presence): PropertyDecorator =>
  applyDecorators(
    doc(mode, {
      type: PartnerContactDto,
      description: `The partner's main contact.${mode === 'clearable' ? ' Replaced as a whole;' + CLEARS : ''}`,
    }),
    ...presence(mode),
    IsObject({ message: 'primaryContact must be an object' }),
    ValidateNested(),
    Type(() => PartnerContactDto),
  );
