import { isCalendarDate } from './calendar-date';

describe('isCalendarDate', () => {
  it('accepts dates that exist, leap days included', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2026-12-31')).toBe(true);
  });

  it('accepts the years 0000–0099 (found by Schemathesis: Date.UTC read them as 1900–1999)', () => {
    expect(isCalendarDate('0050-01-01')).toBe(true);
    expect(isCalendarDate('0000-02-29')).toBe(true);
    expect(isCalendarDate('0099-12-31')).toBe(true);
    expect(isCalendarDate('0001-02-29')).toBe(false);
  });

  it('refuses dates that do not exist and other spellings', () => {
    expect(isCalendarDate('2025-02-29')).toBe(false);
    expect(isCalendarDate('2026-04-31')).toBe(false);
    expect(isCalendarDate('2025-13-01')).toBe(false);
    expect(isCalendarDate('2025-1-01')).toBe(false);
    expect(isCalendarDate('2025-01-01T00:00Z')).toBe(false);
  });
});
