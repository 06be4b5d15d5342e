import { foldedSortKey, normalizeText } from './text';

describe('text as stored and compared', () => {
  it('trims and composes to NFC, so equal-looking names are equal', () => {
    expect(normalizeText('  Cafe\u0301 ')).toBe('Caf\u00e9');
  });

  it('folds sort keys to lower case after normalizing', () => {
    expect(foldedSortKey(' \u00c1cme Cafe\u0301 ')).toBe('\u00e1cme caf\u00e9');
  });
});
