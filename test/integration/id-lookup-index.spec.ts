// The launcher's id lookup indexes (tools/ferretdb-launcher/id_index.go). FerretDB v1 pushes
// {_id: <string>} down to SQLite as `_ferretdb_sjson->'$._id' = ?`, an expression its own _id
// index does not serve, so every such lookup scans the table. The launcher indexes exactly that
// expression on every collection table. Checked in the SQLite files themselves (node:sqlite,
// read-only): the index exists, and SQLite's plan for FerretDB's lookup uses it; with the indexer
// switched off (the control) the same lookup is a table scan.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { startFerretDb } from '../../tools/db/ferretdb.ts';
import type { FerretDbHandle } from '../../tools/db/ferretdb.ts';

// Loaded at run time: jest's resolver does not know the prefix-only builtin node:sqlite.
type SqliteDatabase = { prepare(sql: string): { all(...params: unknown[]): Record<string, unknown>[] }; close(): void };
const { DatabaseSync } = process.getBuiltinModule('node:sqlite') as { DatabaseSync: new (path: string, options: { readOnly: boolean }) => SqliteDatabase };

/** The lookup FerretDB runs for find({_id: 'k:1'}) (internal/backends/sqlite/collection.go). */
const FERRETDB_ID_LOOKUP = `_ferretdb_sjson->'$._id' = '"k:1"'`;

interface Server {
  readonly dir: string;
  readonly handle: FerretDbHandle;
  readonly client: MongoClient;
}

const servers: Server[] = [];

async function server(idLookupIndexes: boolean): Promise<Server> {
  const dir = await mkdtemp(join(tmpdir(), 'id-lookup-'));
  const handle = await startFerretDb({ dataDir: dir, listenAddr: '127.0.0.1:0', logLevel: 'error', idLookupIndexes });
  const client = new MongoClient(handle.uri, { directConnection: true });
  await client.connect();
  const started = { dir, handle, client };
  servers.push(started);
  return started;
}

afterAll(async () => {
  for (const { dir, handle, client } of servers) {
    await client.close();
    await handle.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

function inspect<T>(dir: string, use: (db: SqliteDatabase) => T): T {
  const db = new DatabaseSync(join(dir, 'ids.sqlite'), { readOnly: true });
  try {
    return use(db);
  } finally {
    db.close();
  }
}

function tableOf(db: SqliteDatabase, collection: string): string {
  const [row] = db.prepare('SELECT table_name FROM _ferretdb_collections WHERE name = ?').all(collection);
  return String(row.table_name);
}

/** SQLite's plan for FerretDB's _id lookup, once the collection's lookup index exists (or 15 s passed). */
async function lookupPlan(dir: string, collection: string, waitForIndex: boolean): Promise<{ indexes: string[]; plan: string }> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const found = inspect(dir, (db) => {
      const table = tableOf(db, collection);
      const indexes = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?`).all(table).map((r) => String(r.name));
      const plan = db
        .prepare(`EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM "${table}" WHERE ${FERRETDB_ID_LOOKUP}`)
        .all()
        .map((r) => String(r.detail))
        .join(' ');
      return { indexes, plan };
    });
    if (!waitForIndex || found.indexes.some((name) => name.endsWith('_ferretdb_id_lookup')) || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const docs = Array.from({ length: 200 }, (_, i) => ({ _id: `k:${i}`, n: i }));

describe('id lookup indexes (FerretDB launcher)', () => {
  it('without them (the control), FerretDB’s own _id index does not serve its _id lookup: a table scan', async () => {
    const { dir, client } = await server(false);
    await client.db('ids').collection<{ _id: string; n: number }>('things').insertMany(docs);
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // longer than the indexer's beat
    const { indexes, plan } = await lookupPlan(dir, 'things', false);
    expect(indexes.some((name) => name.endsWith('__id_'))).toBe(true);
    expect(indexes.some((name) => name.endsWith('_ferretdb_id_lookup'))).toBe(false);
    expect(plan).toMatch(/^SCAN /);
  }, 40_000);

  it('with them, the lookup is an index search, on new and on dropped-and-recreated collections', async () => {
    const { dir, client } = await server(true);
    const things = client.db('ids').collection<{ _id: string; n: number }>('things');
    await things.insertMany(docs);
    expect((await lookupPlan(dir, 'things', true)).plan).toMatch(/^SEARCH \S+ USING INDEX \S+_ferretdb_id_lookup/);
    expect(await things.findOne({ _id: 'k:121' })).toEqual({ _id: 'k:121', n: 121 });

    await things.drop();
    await things.insertMany(docs.slice(0, 10));
    expect((await lookupPlan(dir, 'things', true)).plan).toMatch(/^SEARCH \S+ USING INDEX \S+_ferretdb_id_lookup/);
    expect(await things.countDocuments({})).toBe(10);
  }, 40_000);
});
