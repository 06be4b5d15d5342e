import {
  basisPointsToPercent,
  isCommissionPercent,
  Lead,
  normalizeChanges,
  normalizeDraft,
  percentToBasisPoints,
  viewOf,
} from './lead';

describe('lead fields', () => {
  it('stores commission as integer basis points and shows it as a percentage', () => {
    for (const [percent, bp] of [[0, 0], [12.5, 1250], [0.01, 1], [33.33, 3333], [100, 10000], [19.99, 1999]] as const) {
      expect(percentToBasisPoints(percent)).toBe(bp);
      expect(basisPointsToPercent(bp)).toBe(percent);
    }
    expect(isCommissionPercent(12.34)).toBe(true);
    expect(isCommissionPercent(12.345)).toBe(false);
    expect(isCommissionPercent(-1)).toBe(false);
    expect(isCommissionPercent(100.01)).toBe(false);
  });

  it('normalizes drafts: NFC trimmed text, lowercase domain and email, upper-case currency', () => {
    expect(
      normalizeDraft({
        companyName: '  Cafe\u0301 Ltd ',
        companyDomain: ' WWW.Cafe.Example ',
        contact: { name: ' Ana ', email: ' Ana@Cafe.Example ', title: ' CTO ' },
        valueMinor: 100,
        currency: 'eur',
        commissionPercent: 7.5,
        notes: ' hello\nworld ',
      }),
    ).toEqual({
      companyName: 'Caf\u00e9 Ltd',
      companyDomain: 'www.cafe.example',
      contact: { name: 'Ana', email: 'ana@cafe.example', title: 'CTO' },
      valueMinor: 100,
      currency: 'EUR',
      commissionBasisPoints: 750,
      notes: 'hello\nworld',
    });
  });

  it('keeps null in changes (it clears) and drops what was not sent', () => {
    expect(normalizeChanges({ notes: null, commissionPercent: null, companyName: ' X ' })).toEqual({ notes: null, commissionBasisPoints: null, companyName: 'X' });
    expect(normalizeChanges({})).toEqual({});
  });

  it('hides internal fields from partner-side views and never shows registration keys', () => {
    const lead = {
      id: 'a'.repeat(24),
      internalNotes: 'secret',
      conflictsWith: ['b'.repeat(24)],
      registrationKeys: ['domain:acme.com'],
      status: 'submitted',
    } as unknown as Lead;
    expect(viewOf(lead, false)).toEqual({ id: 'a'.repeat(24), status: 'submitted' });
    expect(viewOf(lead, true)).toEqual({ id: 'a'.repeat(24), status: 'submitted', internalNotes: 'secret', conflictsWith: ['b'.repeat(24)] });
  });
});
