// The kernel's list query builders (src/kernel/database) against the real database: keyset pages
// visit every row exactly once in (key, _id) order, in both directions and across ties, and the
// filter conditions select what they say, literal prefixes included.
import mongoose, { Schema } from 'mongoose';
import type { Connection, Model } from 'mongoose';
import { whereBetween, whereEquals, whereStartsWith } from '#src/kernel/database/filter-conditions';
import { keysetAfter, keysetSortSpec } from '#src/kernel/database/keyset-query';
import { NOT_DELETED } from '#src/kernel/database/record-fields';
import { revisionUpdate } from '#src/kernel/database/revision-update';
import type { KeysetPosition, KeysetSort } from '#src/kernel/http/keyset-cursor';
import { testDatabaseUri } from '../utils/database.ts';

interface Row {
  _id: string;
  score: number;
  nameKey: string;
  at: Date;
  status: string;
  region?: string;
  revision: number;
  deletedAt?: Date;
}

type Field = 'score' | 'name' | 'at';
const PATHS = { score: 'score', name: 'nameKey', at: 'at' } as const;
const NAMES = ['a.c', 'abc', 'a(b', 'zed', 'a.c', '^x', 'A.C'];

const rowSchema = new Schema<Row>(
  {
    _id: { type: String, required: true },
    score: { type: Number, required: true },
    nameKey: { type: String, required: true },
    at: { type: Date, required: true },
    status: { type: String, required: true },
    region: { type: String },
    revision: { type: Number, required: true },
    deletedAt: { type: Date },
  },
  { collection: 'rows', strict: 'throw' },
);

// 21 rows with many ties on every key, so the _id tie-breaker decides a lot of the order.
const ROWS: Row[] = Array.from({ length: 21 }, (_, n) => ({
  _id: (1000 + ((n * 8) % 21)).toString(16).padStart(24, '0'),
  score: n % 4,
  nameKey: NAMES[n % NAMES.length],
  at: new Date(1_700_000_000_000 + (n % 3) * 1000),
  status: n % 2 === 0 ? 'open' : 'closed',
  revision: 1,
}));

const compare = (a: string | number | Date, b: string | number | Date): number => (a < b ? -1 : a > b ? 1 : 0);
const valueOf = (row: Row, field: Field) => row[PATHS[field]];

function expectedOrder(sort: KeysetSort<Field>): string[] {
  return [...ROWS]
    .sort((a, b) => sort.direction * (compare(valueOf(a, sort.field), valueOf(b, sort.field)) || compare(a._id, b._id)))
    .map((row) => row._id);
}

describe('list query builders on the real database', () => {
  let connection: Connection;
  let Rows: Model<Row>;

  beforeAll(async () => {
    // As the app connects: filters sanitized, so the builders' operators must be marked trusted.
    connection = await mongoose.createConnection(testDatabaseUri('list_queries'), { serverSelectionTimeoutMS: 10_000, sanitizeFilter: true }).asPromise();
    Rows = connection.model<Row>('Row', rowSchema);
    await Rows.insertMany(ROWS);
  });

  afterAll(async () => {
    await connection?.dropDatabase().catch(() => undefined);
    await connection?.close();
  });

  async function readAll(sort: KeysetSort<Field>, limit: number): Promise<string[]> {
    const seen: string[] = [];
    let after: KeysetPosition | undefined;
    for (let pages = 0; pages < ROWS.length + 1; pages++) {
      const conditions = after ? [keysetAfter(sort, PATHS, after)] : [{}];
      const rows = await Rows.find({ $and: conditions }).sort(keysetSortSpec(sort, PATHS)).limit(limit).lean();
      seen.push(...rows.map((row) => row._id));
      if (rows.length < limit) return seen;
      const last = rows[rows.length - 1];
      after = { value: valueOf(last, sort.field), id: last._id };
    }
    throw new Error('paging did not end');
  }

  it.each([
    ['score', 1],
    ['score', -1],
    ['name', 1],
    ['name', -1],
    ['at', 1],
    ['at', -1],
  ] as const)('pages by %s (direction %d): every row once, in (key, _id) order', async (field, direction) => {
    const sort: KeysetSort<Field> = { field, direction };
    const expected = expectedOrder(sort);
    expect(await readAll(sort, 4)).toEqual(expected);
    expect(await readAll(sort, 1)).toEqual(expected);
  });

  it('selects by equality, ranges and literal prefixes, leaving soft-deleted rows out', async () => {
    const deleted = ROWS[0]._id;
    await Rows.updateOne({ _id: deleted }, { $set: { deletedAt: new Date() } });
    const ids = async (conditions: Record<string, unknown>): Promise<string[]> =>
      (await Rows.find({ ...NOT_DELETED, ...conditions }).sort({ _id: 1 }).lean()).map((row) => row._id);
    const live = ROWS.filter((row) => row._id !== deleted);
    const expectIds = (rows: Row[]) => rows.map((row) => row._id).sort();

    expect(await ids(whereEquals('status', 'open'))).toEqual(expectIds(live.filter((row) => row.status === 'open')));
    expect(await ids(whereBetween('score', 1, 2, 'inclusive'))).toEqual(expectIds(live.filter((row) => row.score >= 1 && row.score <= 2)));
    expect(await ids(whereBetween('score', 1, 2, 'exclusive'))).toEqual(expectIds(live.filter((row) => row.score === 1)));
    const noon = new Date(1_700_000_001_000);
    expect(await ids(whereBetween('at', undefined, noon, 'exclusive'))).toEqual(expectIds(live.filter((row) => row.at < noon)));
    expect(await ids(whereStartsWith('nameKey', 'a.c'))).toEqual(expectIds(live.filter((row) => row.nameKey.startsWith('a.c'))));
    expect(await ids(whereStartsWith('nameKey', 'a('))).toEqual(expectIds(live.filter((row) => row.nameKey.startsWith('a('))));
    expect(await ids(whereStartsWith('nameKey', '^x'))).toEqual(expectIds(live.filter((row) => row.nameKey === '^x')));
    expect(await ids(whereStartsWith('nameKey', 'a.c', { ignoreCase: true }))).toEqual(
      expectIds(live.filter((row) => row.nameKey.toLowerCase().startsWith('a.c'))),
    );
    expect(await ids(whereStartsWith('nameKey', '.'))).toEqual([]);
  });

  it('writes a revision: sets values, unsets nulls', async () => {
    const id = ROWS[1]._id;
    await Rows.updateOne({ _id: id }, revisionUpdate(2, { region: 'EMEA', status: 'open' }));
    expect(await Rows.findById(id).lean()).toMatchObject({ revision: 2, region: 'EMEA', status: 'open' });
    await Rows.updateOne({ _id: id }, revisionUpdate(3, { region: null }));
    const row = await Rows.findById(id).lean();
    expect(row?.revision).toBe(3);
    expect(row && 'region' in row).toBe(false);
  });
});
