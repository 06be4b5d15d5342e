import { DomainError } from '../errors/domain-error';
import { encodeKeysetCursor } from './keyset-cursor';
import { keysetPageRequest, parseKeysetSort, sortParamValues, toKeysetPage } from './keyset-page';
import { DEFAULT_PAGE_SIZE } from './page';

const FIELDS = ['createdAt', 'score'] as const;
const KINDS = { createdAt: 'date', score: 'integer' } as const;
const id = (n: number): string => n.toString(16).padStart(24, '0');
const row = (n: number) => ({ id: id(n), score: n * 10, createdAt: new Date(n) });

describe('keyset pages', () => {
  it('lists each sort field ascending and descending', () => {
    expect(sortParamValues(FIELDS)).toEqual(['createdAt', '-createdAt', 'score', '-score']);
  });

  it('parses a whitelisted sort, the fallback ascending without one, and refuses anything else on /sort', () => {
    expect(parseKeysetSort(undefined, FIELDS, 'createdAt')).toEqual({ field: 'createdAt', direction: 1 });
    expect(parseKeysetSort('-score', FIELDS, 'createdAt')).toEqual({ field: 'score', direction: -1 });
    for (const bad of ['tenantId', '--score', '+score', '']) {
      let error: unknown;
      try {
        parseKeysetSort(bad, FIELDS, 'createdAt');
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('validation_failed');
      expect((error as DomainError).options.errors).toEqual([{ field: '/sort', message: 'must be one of createdAt, -createdAt, score, -score' }]);
    }
  });

  it('builds a page request: default size, no position without a cursor, the decoded position with one', () => {
    const sort = parseKeysetSort('-createdAt', FIELDS, 'createdAt');
    expect(keysetPageRequest(sort, {}, KINDS)).toEqual({ sort, after: undefined, limit: DEFAULT_PAGE_SIZE });
    const cursor = encodeKeysetCursor(sort, { value: new Date(7), id: id(7) });
    expect(keysetPageRequest(sort, { cursor, limit: 3 }, KINDS)).toEqual({ sort, after: { value: new Date(7), id: id(7) }, limit: 3 });
    expect(() => keysetPageRequest(parseKeysetSort('createdAt', FIELDS, 'createdAt'), { cursor }, KINDS)).toThrow('The cursor is not valid.');
  });

  it('pages limit + 1 rows: the extra row means "more", and the cursor resumes after the last row shown', () => {
    const request = { sort: parseKeysetSort('score', FIELDS, 'createdAt'), limit: 2 };
    const page = toKeysetPage([row(1), row(2), row(3)], request, (r, field) => r[field], (r) => r.id);
    expect(page.data).toEqual([id(1), id(2)]);
    expect(keysetPageRequest(request.sort, { cursor: page.nextCursor! }, KINDS).after).toEqual({ value: 20, id: id(2) });
    expect(toKeysetPage([row(1), row(2)], request, (r, field) => r[field], (r) => r.id)).toEqual({ data: [id(1), id(2)], nextCursor: null });
    expect(toKeysetPage([] as ReturnType<typeof row>[], request, (r, field) => r[field], (r) => r.id)).toEqual({ data: [], nextCursor: null });
  });
});
