import { codePointLength, foldedSortKey, normalizeText, utf16Bound } from './text';

describe('text as stored and compared', () => {
  it('trims and composes to NFC, so equal-looking names are equal', () => {
    expect(normalizeText('  Cafe\u0301 ')).toBe('Caf\u00e9');
  });

  it('folds sort keys to lower case after normalizing', () => {
    expect(foldedSortKey(' \u00c1cme Cafe\u0301 ')).toBe('\u00e1cme caf\u00e9');
  });
});

describe('code-point lengths', () => {
  it('counts code points, not UTF-16 units', () => {
    expect(codePointLength('')).toBe(0);
    expect(codePointLength('abc')).toBe(3);
    expect(codePointLength('😀')).toBe(1);
    expect(codePointLength('👩‍💻')).toBe(3); // woman, zero-width joiner, laptop
    expect(codePointLength('e\u0301')).toBe(2);
    expect(codePointLength('a\uFE0F\uFE0F')).toBe(3);
    expect(codePointLength('\uD800')).toBe(1); // a lone surrogate is one code point
  });

  it('bounds stored UTF-16 units at two per code point', () => {
    expect('😀'.repeat(10).length).toBeLessThanOrEqual(utf16Bound(10));
  });
});
