/** Free text as stored: trimmed and in Unicode NFC, so equal-looking names compare equal. */
export function normalizeText(value: string): string {
  return value.trim().normalize('NFC');
}

/** What sorting and `q` prefix filters compare: the text normalized, then folded to lower case. */
export function foldedSortKey(text: string): string {
  return normalizeText(text).toLowerCase();
}
