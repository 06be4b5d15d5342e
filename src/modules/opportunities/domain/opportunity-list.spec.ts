import { DomainError } from '#src/kernel/errors/domain-error';
import { encodeKeysetCursor } from '#src/kernel/http/keyset-cursor';
import type { Opportunity } from './opportunity';
import { closeDateSortKey, OPPORTUNITY_SORT_VALUES, opportunityPageRequest, parseOpportunitySort, toOpportunityPage } from './opportunity-list';

const ID = '0123456789abcdef01234567';

/** Where a list query with this sort and cursor resumes. */
const decode = (cursor: string, sort: string) => opportunityPageRequest({ sort, cursor }).after;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof DomainError ? error.code : 'other';
  }
  return undefined;
}

describe('opportunity list sorting and cursors', () => {
  it('accepts the whitelisted keys, ascending or descending, and defaults to createdAt ascending', () => {
    expect(OPPORTUNITY_SORT_VALUES).toEqual([
      'createdAt', '-createdAt', 'updatedAt', '-updatedAt', 'amountMinor', '-amountMinor', 'name', '-name', 'expectedCloseDate', '-expectedCloseDate',
    ]);
    expect(parseOpportunitySort(undefined)).toEqual({ field: 'createdAt', direction: 1 });
    expect(parseOpportunitySort('-amountMinor')).toEqual({ field: 'amountMinor', direction: -1 });
    expect(codeOf(() => parseOpportunitySort('probability'))).toBe('validation_failed');
    expect(codeOf(() => parseOpportunitySort('--name'))).toBe('validation_failed');
  });

  it('round-trips a cursor for every sort key, and refuses it under another sort', () => {
    const values = { createdAt: new Date(1_700_000_000_123), updatedAt: new Date(5), amountMinor: 42, name: 'acme', expectedCloseDate: '2026-01-31' };
    for (const [field, value] of Object.entries(values)) {
      for (const prefix of ['', '-']) {
        const sort = parseOpportunitySort(`${prefix}${field}`);
        const cursor = encodeKeysetCursor(sort, { value, id: ID });
        expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(decode(cursor, `${prefix}${field}`)).toEqual({ value, id: ID });
        expect(codeOf(() => decode(cursor, prefix === '' ? `-${field}` : field))).toBe('validation_failed');
      }
    }
  });

  it('refuses cursors it did not issue', () => {
    const forge = (body: unknown): string => Buffer.from(JSON.stringify(body)).toString('base64url');
    for (const cursor of ['x', forge(null), forge({ s: 'amountMinor', v: 'a', i: ID }), forge({ s: 'amountMinor', v: 1, i: 'nope' }), forge({ s: 'amountMinor', v: 1.5, i: ID })]) {
      expect(codeOf(() => decode(cursor, 'amountMinor'))).toBe('validation_failed');
    }
  });

  it('sorts opportunities without an expected close date after every date', () => {
    expect(closeDateSortKey(undefined) > closeDateSortKey('9999-12-31')).toBe(true);
    expect(closeDateSortKey('2026-01-01')).toBe('2026-01-01');
  });

  it('builds a page from limit + 1 rows, with a cursor at the last row shown', () => {
    const row = (n: number): Opportunity =>
      ({ id: `${n}`.padStart(24, '0'), name: `Deal ${n}`, amountMinor: n, createdAt: new Date(n), updatedAt: new Date(n), stageHistory: [] }) as unknown as Opportunity;
    const request = { sort: parseOpportunitySort('amountMinor'), limit: 2 };
    const page = toOpportunityPage([row(1), row(2), row(3)], request);
    expect(page.data.map((o) => o.amountMinor)).toEqual([1, 2]);
    expect(decode(page.nextCursor as string, 'amountMinor')).toEqual({ value: 2, id: row(2).id });
    expect(toOpportunityPage([row(1), row(2)], request).nextCursor).toBeNull();
  });
});
