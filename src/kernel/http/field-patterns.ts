// What a field may hold, twice: as the OpenAPI `pattern` and as the regular expression that
// enforces it. Each pair must name the same characters.

/**
 * One-line text (names, titles, regions): no control characters (\p{Cc}: U+0000–U+001F, U+007F–U+009F;
 * NUL included, which the database refuses), no bidirectional embeddings, overrides or isolates
 * (U+202A–U+202E, U+2066–U+2069: they make a name display as something else, "Trojan Source"), no
 * invisible zero-width space, word joiner or byte-order mark (U+200B, U+2060, U+FEFF), and no lone
 * surrogate (\p{Cs}: not a character; the OpenAPI pattern cannot say so). Zero-width (non-)joiners
 * (U+200C, U+200D) stay allowed: emoji sequences and several scripts need them.
 */
export const TEXT_PATTERN = '^[^\\u0000-\\u001F\\u007F-\\u009F\\u200B\\u202A-\\u202E\\u2060\\u2066-\\u2069\\uFEFF]+$';
export const TEXT_REGEX = /^[^\p{Cc}\p{Cs}\u200B\u202A-\u202E\u2060\u2066-\u2069\uFEFF]+$/u;

/**
 * Multi-line text (notes, reasons): tabs and line breaks are allowed, and so are zero-width spaces
 * (pasted text carries them); other controls, bidirectional embeddings, overrides and isolates, and
 * lone surrogates are not.
 */
export const MULTILINE_TEXT_PATTERN = '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u202A-\\u202E\\u2066-\\u2069]+$';
export const MULTILINE_TEXT_REGEX = /^(?:[\t\n\r]|[^\p{Cc}\p{Cs}\u202A-\u202E\u2066-\u2069])+$/u;

export const PHONE_PATTERN = '^\\+?[0-9 ()-]{3,40}$';
export const PHONE_REGEX = /^\+?[0-9 ()-]{3,40}$/;

/** A token subject (`sub`), e.g. `auth0|5f7c8ec7c33c6c004bbafe82`: anything without whitespace. */
export const SUB_PATTERN = '^\\S+$';
export const SUB_REGEX = /^\S+$/;

/** A record id: an ObjectId's 24 lowercase hex digits. */
export const ID_PATTERN = '^[0-9a-f]{24}$';
export const ID_REGEX = /^[0-9a-f]{24}$/;

export const CURRENCY_PATTERN = '^[A-Z]{3}$';
export const CURRENCY_REGEX = /^[A-Z]{3}$/;

/** A calendar date, `YYYY-MM-DD`. */
export const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';
export const DATE_REGEX = /^\d{4}-\d{2}-\d{2}$/;

/** An ISO 8601 date (midnight UTC) or date-time with a time zone. */
export const INSTANT_PATTERN = '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2}))?$';
export const INSTANT_REGEX = new RegExp(INSTANT_PATTERN);

/** An opaque list cursor: base64url. */
export const CURSOR_PATTERN = '^[A-Za-z0-9_-]+$';
export const CURSOR_REGEX = /^[A-Za-z0-9_-]+$/;
