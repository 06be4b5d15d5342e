import { DomainError } from '#src/kernel/errors/domain-error';
import { encodeKeysetCursor } from '#src/kernel/http/keyset-cursor';
import type { Lead } from './lead';
import { LEAD_SORT_VALUES, leadPageRequest, parseLeadSort, sortValueOf, toLeadPage } from './lead-list';

const ID = '65f0a1b2c3d4e5f6a7b8c9d0';

/** Where a list query with this sort and cursor resumes. */
const decode = (cursor: string, sort: string) => leadPageRequest({ sort, cursor }).after;

function lead(n: number): Lead {
  return {
    id: n.toString(16).padStart(24, '0'),
    companyName: `Ácme ${n}`,
    companyDomain: 'acme.com',
    contact: { name: 'J', email: 'j@acme.com' },
    valueMinor: n * 100,
    currency: 'EUR',
    partnerId: ID,
    ownerId: 'auth0|x',
    status: 'submitted',
    statusHistory: [],
    conflictsWith: [],
    registrationKeys: [],
    revision: 1,
    createdAt: new Date(1_700_000_000_000 + n),
    updatedAt: new Date(1_700_000_000_000 + n),
  };
}

describe('lead lists: sort and cursor', () => {
  it('parses every whitelisted sort, ascending by default', () => {
    expect(parseLeadSort(undefined)).toEqual({ field: 'createdAt', direction: 1 });
    expect(parseLeadSort('-valueMinor')).toEqual({ field: 'valueMinor', direction: -1 });
    expect(LEAD_SORT_VALUES).toHaveLength(8);
    for (const value of LEAD_SORT_VALUES) expect(() => parseLeadSort(value)).not.toThrow();
    expect(() => parseLeadSort('tenantId')).toThrow(DomainError);
  });

  it('round-trips a cursor for each sort key', () => {
    for (const value of LEAD_SORT_VALUES) {
      const sort = parseLeadSort(value);
      const position = { value: sortValueOf(lead(7), sort.field), id: ID };
      expect(decode(encodeKeysetCursor(sort, position), value)).toEqual(position);
    }
  });

  it('refuses cursors from another sort, forged ones and garbage', () => {
    const cursor = encodeKeysetCursor(parseLeadSort('createdAt'), { value: new Date(5), id: ID });
    expect(decode(cursor, 'createdAt')).toEqual({ value: new Date(5), id: ID });
    expect(() => decode(cursor, '-createdAt')).toThrow('The cursor is not valid.');
    const forged = Buffer.from(JSON.stringify({ s: 'createdAt', v: 'x', i: ID })).toString('base64url');
    expect(() => decode(forged, 'createdAt')).toThrow(DomainError);
    const badId = Buffer.from(JSON.stringify({ s: 'createdAt', v: 1, i: '$gt' })).toString('base64url');
    expect(() => decode(badId, 'createdAt')).toThrow(DomainError);
    expect(() => decode('bm90IGpzb24', 'createdAt')).toThrow(DomainError);
  });

  it('sorts company names folded to lower case', () => {
    expect(sortValueOf(lead(3), 'companyName')).toBe('ácme 3');
  });

  it('builds a page from limit+1 rows, with a cursor only when there is more', () => {
    const request = { sort: parseLeadSort('valueMinor'), limit: 2 };
    const more = toLeadPage([lead(1), lead(2), lead(3)], request, (l) => l.id);
    expect(more.data).toEqual([lead(1).id, lead(2).id]);
    expect(decode(more.nextCursor!, 'valueMinor')).toEqual({ value: 200, id: lead(2).id });
    expect(toLeadPage([lead(1), lead(2)], request, (l) => l.id).nextCursor).toBeNull();
  });
});
