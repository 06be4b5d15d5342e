import type { TransformFnParams } from 'class-transformer';
import { normalizeText } from '../domain/text';

// Input transforms for strings; anything else passes through untouched for the validators to refuse.

/** Trimmed and in Unicode NFC, as free text is stored. */
export const toText = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? normalizeText(value) : value);

/** Trimmed and lower case (domains, email addresses). */
export const toLowerCase = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? value.trim().toLowerCase() : value);

export const toTrimmed = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? value.trim() : value);
