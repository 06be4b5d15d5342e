import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNumber, IsString, Matches, Max, Min, ValidateIf } from 'class-validator';
import { CodePointLength } from '#src/kernel/http/code-point-length';
import { clearsNote, documentField, Presence, presenceRules } from '#src/kernel/http/field-presence';
import { TEXT_PATTERN, TEXT_REGEX } from '#src/kernel/http/field-patterns';
import { toText, withinLength } from '#src/kernel/http/field-transforms';
import { DomainNameField, EmailField, MultilineTextField, PhoneField, RecordIdField, TextField, TokenSubjectField } from '#src/kernel/http/text-fields';
import { CalendarDateField, ChoiceField, MinorUnitsField, NestedObjectField } from '#src/kernel/http/value-fields';
import { LEAD_LIMITS, LEAD_SOURCES } from '../domain/lead';

export const CompanyNameField = (mode: Presence): PropertyDecorator =>
  TextField(mode, {
    description: "The prospect's company name; trimmed and stored in Unicode NFC.",
    maxLength: LEAD_LIMITS.companyName,
    example: 'Globex Corporation',
  });

export const CompanyDomainField = (mode: Presence): PropertyDecorator =>
  DomainNameField(mode, {
    description:
      "The prospect's web domain, e.g. `globex.co.uk` or `www.globex.co.uk`; stored lowercase. Conflicts compare its " +
      'registrable domain (Public Suffix List), so both of those examples name the same prospect.',
    maxLength: LEAD_LIMITS.companyDomain,
    example: 'globex.co.uk',
  });

// Name and title are checked in the order these have always reported (format first), so they stay
// spelled out here rather than use TextField.
export class LeadContactDto {
  @ApiProperty({ description: 'Contact person; trimmed, Unicode NFC.', minLength: 1, maxLength: LEAD_LIMITS.contactName, pattern: TEXT_PATTERN })
  @Transform(withinLength(LEAD_LIMITS.contactName, toText))
  @IsString()
  @CodePointLength(1, LEAD_LIMITS.contactName)
  @Matches(TEXT_REGEX, { message: 'name must not contain control characters, bidirectional controls or invisible characters' })
  name!: string;

  @EmailField('required', { description: 'Stored lowercase; conflicts compare it case-insensitively.', maxLength: LEAD_LIMITS.email })
  email!: string;

  @PhoneField('absent', { maxLength: LEAD_LIMITS.phone })
  phone?: string;

  @ApiPropertyOptional({ description: 'Job title.', minLength: 1, maxLength: LEAD_LIMITS.title, pattern: TEXT_PATTERN, example: 'Head of IT' })
  @ValidateIf((_object: object, value: unknown) => value !== undefined)
  @Transform(withinLength(LEAD_LIMITS.title, toText))
  @IsString()
  @CodePointLength(1, LEAD_LIMITS.title)
  @Matches(TEXT_REGEX, { message: 'title must not contain control characters, bidirectional controls or invisible characters' })
  title?: string;
}

export const ContactField = (mode: Presence): PropertyDecorator =>
  NestedObjectField(mode, LeadContactDto, `The prospect's contact.${mode === 'required' ? '' : ' Replaced as a whole.'}`);

export const ValueMinorField = (mode: Presence): PropertyDecorator =>
  MinorUnitsField(mode, { description: 'Estimated deal value in minor units of `currency` (e.g. cents): 1999 is 19.99 USD.', maximum: LEAD_LIMITS.valueMinor });

export const ExpectedCloseDateField = (mode: Presence): PropertyDecorator => CalendarDateField(mode, 'Expected close date, `YYYY-MM-DD`.');

export const SourceField = (mode: Presence): PropertyDecorator => ChoiceField(mode, LEAD_SOURCES, { description: `Where the lead came from.${clearsNote(mode)}` });

export const NotesField = (mode: Presence): PropertyDecorator =>
  MultilineTextField(mode, { description: `Notes the partner and Staff share.${clearsNote(mode)}`, maxLength: LEAD_LIMITS.notes });

export const InternalNotesField = (mode: Presence): PropertyDecorator =>
  MultilineTextField(mode, {
    description: `Staff and Admin only: never shown to partner users, and a 400 if they send it.${clearsNote(mode)}`,
    maxLength: LEAD_LIMITS.internalNotes,
  });

export const CommissionPercentField = (mode: Presence): PropertyDecorator =>
  applyDecorators(
    documentField(mode, {
      description: `Commission for the partner, in percent with at most two decimals (12.5 = 12.50%). Set by Staff and Admin only.${clearsNote(mode)}`,
      type: 'number',
      format: 'double',
      minimum: 0,
      maximum: 100,
      multipleOf: 0.01,
      example: 12.5,
    }),
    ...presenceRules(mode),
    IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 }),
    Min(0),
    Max(100),
  );

export const PartnerIdField = (mode: Presence, description: string): PropertyDecorator => RecordIdField(mode, { description, names: 'partner' });

export const OwnerIdField = (mode: Presence, description: string): PropertyDecorator => TokenSubjectField(mode, { description, maxLength: LEAD_LIMITS.sub });

export const ReasonField = (mode: Presence, description: string): PropertyDecorator => MultilineTextField(mode, { description, maxLength: LEAD_LIMITS.reason });
