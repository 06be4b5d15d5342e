// What a field may hold, twice: as the OpenAPI `pattern` and as the regular expression that
// enforces it. Each pair must name the same characters.

/**
 * One-line text (names, titles, regions): no control characters (\p{Cc}: U+0000–U+001F, U+007F–U+009F;
 * NUL included, which the database refuses), no bidirectional embeddings, overrides or isolates
 * (U+202A–U+202E, U+2066–U+2069: they make a name display as something else, "Trojan Source"), no
 * invisible zero-width space, word joiner or byte-order mark (U+200B, U+2060, U+FEFF), and no lone
 * surrogate (\p{Cs}: not a character; the OpenAPI pattern cannot say so). Zero-width (non-)joiners
 * (U+200C, U+200D) stay allowed: emoji sequences and several scripts need them.
 *
 * Text fields are trimmed (String.prototype.trim) before they are checked, so the documented
 * patterns also say "something besides white space": leading white space, then one character that
 * is neither white space nor refused, then the rest (and trailing white space). BLANK is what trim
 * removes and the patterns do not already refuse as control characters.
 */
const BLANK = ' \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF';
const ONE_LINE_REFUSED = '\\u0000-\\u001F\\u007F-\\u009F\\u200B\\u202A-\\u202E\\u2060\\u2066-\\u2069\\uFEFF';
const ONE_LINE_NOT_BLANK = `[^\\u0000-\\u0020\\u007F-\\u009F${BLANK.slice(1)}\\u200B\\u202A-\\u202E\\u2060\\u2066-\\u2069]`;
export const TEXT_PATTERN = `^[${BLANK}]*${ONE_LINE_NOT_BLANK}[^${ONE_LINE_REFUSED}]*[${BLANK}]*$`;
export const TEXT_REGEX = /^[^\p{Cc}\p{Cs}\u200B\u202A-\u202E\u2060\u2066-\u2069\uFEFF]+$/u;

/**
 * Multi-line text (notes, reasons): tabs and line breaks are allowed, and so are zero-width spaces
 * (pasted text carries them); other controls, bidirectional embeddings, overrides and isolates, and
 * lone surrogates are not. Trimmed like one-line text, so the pattern also asks for something
 * besides white space.
 */
const MULTILINE_REFUSED = '\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u202A-\\u202E\\u2066-\\u2069';
const MULTILINE_NOT_BLANK = `[^\\u0000-\\u0020\\u007F-\\u009F${BLANK.slice(1)}\\u202A-\\u202E\\u2066-\\u2069]`;
export const MULTILINE_TEXT_PATTERN = `^[\\t\\n\\r${BLANK}]*${MULTILINE_NOT_BLANK}[^${MULTILINE_REFUSED}]*$`;
export const MULTILINE_TEXT_REGEX = /^(?:[\t\n\r]|[^\p{Cc}\p{Cs}\u202A-\u202E\u2066-\u2069])+$/u;

/**
 * A phone number. Phones are trimmed before PHONE_REGEX checks them, so the documented pattern
 * says the same of the input: spaces around it, and within them 3–40 digits, spaces, parentheses
 * and dashes (after an optional +) that neither start nor end with a space.
 */
export const PHONE_PATTERN = '^ *(\\+[0-9 ()-]{2,39}|[0-9()-][0-9 ()-]{1,38})[0-9()-] *$';
export const PHONE_REGEX = /^\+?[0-9 ()-]{3,40}$/;

/** A token subject (`sub`), e.g. `auth0|5f7c8ec7c33c6c004bbafe82`: anything without whitespace. */
export const SUB_PATTERN = '^\\S+$';
export const SUB_REGEX = /^\S+$/;

/** A record id: an ObjectId's 24 lowercase hex digits. */
export const ID_PATTERN = '^[0-9a-f]{24}$';
export const ID_REGEX = /^[0-9a-f]{24}$/;

export const CURRENCY_PATTERN = '^[A-Z]{3}$';
export const CURRENCY_REGEX = /^[A-Z]{3}$/;

// A day that exists: months with 31 and 30 days, February to the 28th, and the 29th in leap years
// (divisible by 4; centuries only when divisible by 400).
const EXISTING_DAY =
  '(\\d{4}-((0[13578]|1[02])-(0[1-9]|[12]\\d|3[01])|(0[469]|11)-(0[1-9]|[12]\\d|30)|02-(0[1-9]|1\\d|2[0-8]))' +
  '|(\\d{2}(0[48]|[2468][048]|[13579][26])|([02468][048]|[13579][26])00)-02-29)';

/**
 * A calendar date `YYYY-MM-DD` that exists. DATE_REGEX checks the shape; the fields then check the
 * day with isCalendarDate (domain/calendar-date.ts), which together accept what DATE_PATTERN names.
 */
export const DATE_PATTERN = `^${EXISTING_DAY}$`;
export const DATE_REGEX = /^\d{4}-\d{2}-\d{2}$/;

/**
 * An ISO 8601 date (midnight UTC) or date-time with a time zone. The pattern names only days that
 * exist and times within 00:00–23:59:59, as the parameter's validation accepts them.
 */
export const INSTANT_PATTERN = `^${EXISTING_DAY}(T([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d{1,3})?)?(Z|[+-]([01]\\d|2[0-3]):[0-5]\\d))?$`;
export const INSTANT_REGEX = new RegExp(INSTANT_PATTERN);

/** An opaque list cursor: base64url. */
export const CURSOR_PATTERN = '^[A-Za-z0-9_-]+$';
export const CURSOR_REGEX = /^[A-Za-z0-9_-]+$/;
