import { trusted } from 'mongoose';
import { escapeRegex, whereBetween, whereEquals, whereStartsWith } from './filter-conditions';

describe('filter conditions', () => {
  it('escapes every regular-expression metacharacter, so the text matches only itself', () => {
    const text = 'a.b*c+d?e^f$g{h}i(j)k|l[m]n\\o';
    const pattern = new RegExp(`^${escapeRegex(text)}$`);
    expect(pattern.test(text)).toBe(true);
    expect(new RegExp(`^${escapeRegex('a.c')}`).test('abc')).toBe(false);
    expect(new RegExp(`^${escapeRegex('(')}`).test('(x')).toBe(true);
    expect(escapeRegex('plain text 123')).toBe('plain text 123');
  });

  it('gives nothing for a value the filter leaves out', () => {
    expect(whereEquals('status', undefined)).toEqual({});
    expect(whereBetween('createdAt', undefined, undefined, 'exclusive')).toEqual({});
    expect(whereStartsWith('nameKey', undefined)).toEqual({});
  });

  it('compares equality with $eq, which sanitizeFilter leaves as it is (no trusted() needed)', () => {
    expect(whereEquals('status', 'approved')).toEqual({ status: { $eq: 'approved' } });
  });

  // Operators other than $eq are marked trusted(): the connection's sanitizeFilter would otherwise
  // make them an $eq operand. toEqual compares the marker too.

  it('bounds a range: from inclusive, to exclusive or inclusive, either side open', () => {
    const from = new Date(1);
    const to = new Date(2);
    expect(whereBetween('createdAt', from, to, 'exclusive')).toEqual({ createdAt: trusted({ $gte: from, $lt: to }) });
    expect(whereBetween('valueMinor', 0, 10, 'inclusive')).toEqual({ valueMinor: trusted({ $gte: 0, $lte: 10 }) });
    expect(whereBetween('valueMinor', undefined, 0, 'inclusive')).toEqual({ valueMinor: trusted({ $lte: 0 }) });
    expect(whereBetween('createdAt', from, undefined, 'exclusive')).toEqual({ createdAt: trusted({ $gte: from }) });
  });

  it('anchors a literal prefix, case-insensitive only when asked', () => {
    expect(whereStartsWith('nameKey', 'a.c')).toEqual({ nameKey: trusted({ $regex: '^a\\.c' }) });
    expect(whereStartsWith('name', 'Ac(', { ignoreCase: true })).toEqual({ name: trusted({ $regex: '^Ac\\(', $options: 'i' }) });
  });
});
