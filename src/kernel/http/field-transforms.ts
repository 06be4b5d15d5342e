import type { TransformFnParams } from 'class-transformer';
import { normalizeText } from '../domain/text';

// Input transforms for strings; anything else passes through untouched for the validators to refuse.

/** Trimmed and in Unicode NFC, as free text is stored. */
export const toText = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? normalizeText(value) : value);

/** Trimmed, in NFC and lower case (domains, email addresses), so one address has one spelling. */
export const toLowerCase = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? value.trim().normalize('NFC').toLowerCase() : value);

/** Trimmed and in NFC (phone numbers, URLs). */
export const toTrimmed = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? value.trim().normalize('NFC') : value);
