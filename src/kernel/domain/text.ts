/** Free text as stored: trimmed and in Unicode NFC, so equal-looking names compare equal. */
export function normalizeText(value: string): string {
  return value.trim().normalize('NFC');
}

/** What sorting and `q` prefix filters compare: the text normalized, then folded to lower case. */
export function foldedSortKey(text: string): string {
  return normalizeText(text).toLowerCase();
}

/** Length in Unicode code points, as the API bounds text: an astral emoji counts 1, a combining mark 1. */
export function codePointLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/**
 * The most UTF-16 units (what the database's `maxlength` counts) a text of `codePoints` code
 * points can take: two per code point (a surrogate pair), so the stored bound never refuses what
 * the API accepted.
 */
export function utf16Bound(codePoints: number): number {
  return codePoints * 2;
}
