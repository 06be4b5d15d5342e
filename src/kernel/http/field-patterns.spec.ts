import { isCalendarDate } from '../domain/calendar-date';
import { normalizeText } from '../domain/text';
import { DATE_PATTERN, INSTANT_REGEX, MULTILINE_TEXT_PATTERN, MULTILINE_TEXT_REGEX, PHONE_PATTERN, PHONE_REGEX, TEXT_PATTERN, TEXT_REGEX } from './field-patterns';

describe('DATE_PATTERN and INSTANT_PATTERN (the documented patterns of dates and date/date-time query bounds)', () => {
  it('names exactly the days that exist (Schemathesis sent 0843-10-99, which the old pattern allowed)', () => {
    for (const year of ['0000', '0050', '1900', '2000', '2023', '2024', '2100', '2400']) {
      for (let month = 0; month <= 13; month++) {
        for (let day = 0; day <= 32; day++) {
          const value = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
          expect([value, INSTANT_REGEX.test(value), new RegExp(DATE_PATTERN).test(value)]).toEqual([value, isCalendarDate(value), isCalendarDate(value)]);
        }
      }
    }
  });

  it('takes times within the day and zones up to ±23:59', () => {
    for (const ok of ['2026-01-01T00:00Z', '2026-01-01T23:59:59.999+05:30', '2026-01-01T12:00:00-23:59']) expect(INSTANT_REGEX.test(ok)).toBe(true);
    for (const bad of ['2026-01-01T24:00Z', '2026-01-01T10:60Z', '2026-01-01T10:00:60Z', '2026-01-01T10:00+24:00', '2026-01-01T10:00']) expect(INSTANT_REGEX.test(bad)).toBe(false);
  });
});

describe('TEXT_PATTERN and MULTILINE_TEXT_PATTERN (text is trimmed before it is checked)', () => {
  const samples = ['a', ' a ', '\u00a0x\u3000', 'Café', ' ', '\u00a0', '\u2028', '\ufeff', '\u3000 \u2003', 'a\tb', 'a\nb', '\n', '\t\tx\n', '\r\n', 'x\u0085', 'a\u0000'];
  const accepted = (regex: RegExp) => (value: string) => regex.test(normalizeText(value));

  it('names exactly the one-line texts that are accepted (Schemathesis sent a blank contact name)', () => {
    // Not covered: a one-line text with a tab or line break at either end, which trim removes, is
    // accepted although the pattern refuses it: there the document is stricter than the API.
    for (const value of samples.filter((v) => !/^[\t\n\r]|[\t\n\r]$/.test(v))) expect([value, new RegExp(TEXT_PATTERN).test(value)]).toEqual([value, accepted(TEXT_REGEX)(value)]);
  });

  it('names exactly the multi-line texts that are accepted (Schemathesis sent a reason of one line break)', () => {
    for (const value of samples) expect([value, new RegExp(MULTILINE_TEXT_PATTERN).test(value)]).toEqual([value, accepted(MULTILINE_TEXT_REGEX)(value)]);
  });
});

describe('PHONE_PATTERN (phones are trimmed before they are checked)', () => {
  it('names exactly the phones that are accepted (Schemathesis sent " 1-", two characters once trimmed)', () => {
    const samples = [' 1-', '1-', '123', ' 123 ', '+12', '+123', '+ 12', '+12 ', '(0) 20-7946', '1'.repeat(40), '1'.repeat(41), ` ${'1'.repeat(40)} `, '+' + '1'.repeat(40), '+' + '1'.repeat(41), '12a', '  ', '+', '+  1'];
    for (const value of samples) expect([value, new RegExp(PHONE_PATTERN).test(value)]).toEqual([value, PHONE_REGEX.test(value.trim())]);
  });
});
