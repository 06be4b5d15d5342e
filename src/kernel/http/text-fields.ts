import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsEmail, IsFQDN, IsString, Matches } from 'class-validator';
import { withoutUndefined } from '../domain/without-undefined';
import { CodePointLength, MaxCodePoints } from './code-point-length';
import { documentField, Presence, presenceRules } from './field-presence';
import {
  ID_PATTERN,
  ID_REGEX,
  MULTILINE_TEXT_PATTERN,
  MULTILINE_TEXT_REGEX,
  PHONE_PATTERN,
  PHONE_REGEX,
  SUB_PATTERN,
  SUB_REGEX,
  TEXT_PATTERN,
  TEXT_REGEX,
} from './field-patterns';
import { toLowerCase, toText, toTrimmed, withinLength } from './field-transforms';

// Request-body fields holding text: validation, input normalization and OpenAPI in one decorator.
// Messages name the property (`$property`). class-validator reports a field's failed checks in the
// order they are declared; each factory keeps the order its field has always answered with.

interface TextOptions {
  readonly description?: string;
  readonly maxLength: number;
  readonly example?: string;
}

/** One line of free text, trimmed and stored in Unicode NFC (names, titles, regions). */
export const TextField = (mode: Presence, { description, maxLength, example }: TextOptions): PropertyDecorator =>
  applyDecorators(
    documentField(mode, withoutUndefined({ description, minLength: 1, maxLength, pattern: TEXT_PATTERN, example })),
    ...presenceRules(mode),
    Transform(withinLength(maxLength, toText)),
    IsString(),
    CodePointLength(1, maxLength),
    Matches(TEXT_REGEX, { message: '$property must not contain control characters, bidirectional controls or invisible characters' }),
  );

/** Free text that may span lines (notes, reasons), trimmed and stored in Unicode NFC. */
export const MultilineTextField = (mode: Presence, { description, maxLength }: TextOptions): PropertyDecorator =>
  applyDecorators(
    documentField(mode, withoutUndefined({ description, minLength: 1, maxLength, pattern: MULTILINE_TEXT_PATTERN })),
    ...presenceRules(mode),
    Transform(withinLength(maxLength, toText)),
    IsString(),
    CodePointLength(1, maxLength),
    Matches(MULTILINE_TEXT_REGEX, { message: '$property must not contain control characters other than tabs and line breaks, or bidirectional controls' }),
  );

/** A web domain, stored lower case; `example` also appears in the error message. */
export const DomainNameField = (mode: Presence, { description, maxLength, example }: TextOptions & { readonly example: string }): PropertyDecorator =>
  applyDecorators(
    documentField(mode, withoutUndefined({ description, format: 'hostname', maxLength, example })),
    ...presenceRules(mode),
    Transform(withinLength(maxLength, toLowerCase)),
    IsString(),
    MaxCodePoints(maxLength),
    IsFQDN(
      { require_tld: true, allow_trailing_dot: false, allow_wildcard: false, allow_numeric_tld: false },
      { message: `$property must be a domain name such as ${example}` },
    ),
  );

/** An email address, stored lower case. The format is checked (and reported) first. */
export const EmailField = (mode: Presence, { description, maxLength }: TextOptions): PropertyDecorator =>
  applyDecorators(
    documentField(mode, withoutUndefined({ description, format: 'email', maxLength })),
    ...presenceRules(mode),
    Transform(withinLength(maxLength, toLowerCase)),
    IsEmail(),
    MaxCodePoints(maxLength),
    IsString(),
  );

/** A phone number: digits, spaces, parentheses and dashes, optionally after a leading +. The format is checked first. */
export const PhoneField = (mode: Presence, { maxLength }: Pick<TextOptions, 'maxLength'>): PropertyDecorator =>
  applyDecorators(
    documentField(mode, { maxLength, pattern: PHONE_PATTERN, example: '+44 20 7946 0958' }),
    ...presenceRules(mode),
    Transform(withinLength(maxLength, toTrimmed)),
    Matches(PHONE_REGEX, { message: '$property must be digits, spaces, parentheses and dashes, optionally after a leading +' }),
    MaxCodePoints(maxLength),
    IsString(),
  );

/** A member's token subject (`sub`), e.g. an owner. */
export const TokenSubjectField = (mode: Presence, { description, maxLength }: TextOptions): PropertyDecorator =>
  applyDecorators(
    documentField(mode, withoutUndefined({ description, minLength: 1, maxLength, pattern: SUB_PATTERN, example: 'auth0|5f7c8ec7c33c6c004bbafe82' })),
    ...presenceRules(mode),
    IsString(),
    CodePointLength(1, maxLength),
    Matches(SUB_REGEX, { message: '$property must be a token subject (no whitespace)' }),
  );

/** The id of another record; `names` is what the id is of, for the error message (`a partner id`). */
export const RecordIdField = (mode: Presence, { description, names }: { readonly description: string; readonly names: string }): PropertyDecorator =>
  applyDecorators(
    documentField(mode, { description, minLength: 24, maxLength: 24, pattern: ID_PATTERN }),
    ...presenceRules(mode),
    IsString(),
    Matches(ID_REGEX, { message: `$property must be a ${names} id (24 hex digits)` }),
  );
