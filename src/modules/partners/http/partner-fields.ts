import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, IsUrl, Matches } from 'class-validator';
import { CodePointLength, MaxCodePoints } from '#src/kernel/http/code-point-length';
import { clearsNote, documentField, Presence, presenceRules } from '#src/kernel/http/field-presence';
import { TEXT_PATTERN, TEXT_REGEX } from '#src/kernel/http/field-patterns';
import { toText, toTrimmed, withinLength } from '#src/kernel/http/field-transforms';
import { DomainNameField, EmailField, PhoneField, TextField, TokenSubjectField } from '#src/kernel/http/text-fields';
import { ChoiceField, NestedObjectField } from '#src/kernel/http/value-fields';
import { DEFAULT_PARTNER_STATUS, DEFAULT_PARTNER_TIER, PARTNER_LIMITS, PARTNER_STATUSES, PARTNER_TIERS } from '../domain/partner';

export const NameField = (mode: Presence): PropertyDecorator =>
  TextField(mode, { description: 'Display name; trimmed and stored in Unicode NFC. Names may repeat.', maxLength: PARTNER_LIMITS.name, example: 'Acme Resellers' });

export const WebsiteField = (mode: Presence): PropertyDecorator =>
  applyDecorators(
    documentField(mode, {
      description: `An http or https URL.${clearsNote(mode)}`,
      format: 'uri',
      maxLength: PARTNER_LIMITS.website,
      example: 'https://acme.example',
    }),
    ...presenceRules(mode),
    Transform(withinLength(PARTNER_LIMITS.website, toTrimmed)),
    IsString(),
    MaxCodePoints(PARTNER_LIMITS.website),
    IsUrl(
      { protocols: ['http', 'https'], require_protocol: true, require_valid_protocol: true, disallow_auth: true },
      { message: 'website must be an http or https URL' },
    ),
  );

export const DomainField = (mode: Presence): PropertyDecorator =>
  DomainNameField(mode, {
    description: `The partner's registrable domain, e.g. \`acme.example\`; stored lowercase.${clearsNote(mode)}`,
    maxLength: PARTNER_LIMITS.domain,
    example: 'acme.example',
  });

/** `defaulted`: the server fills the field in when a create leaves it out. */
export const TierField = (mode: Presence, defaulted = false): PropertyDecorator =>
  ChoiceField(mode, PARTNER_TIERS, {
    description: 'Partner tier, lowest first: registered < silver < gold < platinum.',
    default: defaulted ? DEFAULT_PARTNER_TIER : undefined,
  });

export const StatusField = (mode: Presence, defaulted = false): PropertyDecorator =>
  ChoiceField(mode, PARTNER_STATUSES, { description: 'Where the partnership stands.', default: defaulted ? DEFAULT_PARTNER_STATUS : undefined });

export const RegionField = (mode: Presence): PropertyDecorator =>
  TextField(mode, { description: `Sales region, free text.${clearsNote(mode)}`, maxLength: PARTNER_LIMITS.region, example: 'EMEA' });

export const OwnerIdField = (mode: Presence): PropertyDecorator =>
  TokenSubjectField(mode, {
    description: `The owning member's token subject (\`sub\`); must be an active Staff or Admin member.${clearsNote(mode)}`,
    maxLength: PARTNER_LIMITS.ownerId,
  });

// The name is checked in the order it has always reported (format first), so it stays spelled out
// here rather than use TextField.
export class PartnerContactDto {
  @ApiProperty({ description: 'Contact person; trimmed, Unicode NFC.', minLength: 1, maxLength: PARTNER_LIMITS.contactName, pattern: TEXT_PATTERN })
  @Transform(withinLength(PARTNER_LIMITS.contactName, toText))
  @IsString()
  @CodePointLength(1, PARTNER_LIMITS.contactName)
  @Matches(TEXT_REGEX, { message: 'name must not contain control characters, bidirectional controls or invisible characters' })
  name!: string;

  @EmailField('absent', { description: 'Stored lowercase.', maxLength: PARTNER_LIMITS.email })
  email?: string;

  @PhoneField('absent', { maxLength: PARTNER_LIMITS.phone })
  phone?: string;
}

export const PrimaryContactField = (mode: Presence): PropertyDecorator =>
  NestedObjectField(mode, PartnerContactDto, `The partner's main contact.${mode === 'clearable' ? ' Replaced as a whole;' + clearsNote(mode) : ''}`);
