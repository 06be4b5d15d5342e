import type { TransformFnParams } from 'class-transformer';
import { codePointLength, normalizeText } from '../domain/text';

// Input transforms for strings; anything else passes through untouched for the validators to refuse.

/** Trimmed and in Unicode NFC, as free text is stored. */
export const toText = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? normalizeText(value) : value);

/** Trimmed, in NFC and lower case (domains, email addresses), so one address has one spelling. */
export const toLowerCase = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? value.trim().normalize('NFC').toLowerCase() : value);

/** Trimmed and in NFC (phone numbers, URLs). */
export const toTrimmed = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? value.trim().normalize('NFC') : value);

/**
 * The transform, except for a string already longer than `maxLength` code points as sent: that one
 * is left as it is, for the length rule to refuse. The documented maxLength bounds the input (JSON
 * Schema measures what the client sends); trimming or NFC must not turn an over-long value into an
 * accepted one.
 */
export function withinLength(maxLength: number, transform: (params: TransformFnParams) => unknown): (params: TransformFnParams) => unknown {
  return (params) => (typeof params.value === 'string' && codePointLength(params.value) > maxLength ? params.value : transform(params));
}
