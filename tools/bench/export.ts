// The export benchmark: seed N rows straight into the feature's collection, then stream its CSV
// export over HTTP, counting records and sampling the API process's memory.
//
// Seeding clones one template document that the API itself created (POST through the real use
// case), so the rows always have the shape the current schema writes, defaults included; only
// `_id`, the fields of unique indexes and a few display fields vary.
import { MongoClient, ObjectId } from 'mongodb';
import type { Collection, Document } from 'mongodb';
import { assertLoopback, log, memoryOf } from './harness.ts';

export interface ExportTarget {
  /** `leads`, `opportunities`: names the collection, the routes and the BENCH_<NAME>_BODY override. */
  readonly name: string;
  readonly exportPath: string;
  readonly createPath: string;
  readonly collection: string;
  /** Top-level string fields made unique per row (on top of unique-index fields). */
  readonly vary: readonly string[];
  /** A request body for createPath; undefined: built from the OpenAPI schema. */
  readonly body?: (context: SeedContext) => unknown;
}

export interface SeedContext {
  readonly activePartnerId: string;
  readonly adminSub: string;
}

export interface ExportSettings {
  readonly rows: number;
  readonly seedBatch: number;
  readonly timeoutMs: number;
  readonly deadline: number;
}

export type ExportOutcome =
  | { readonly kind: 'skipped'; readonly label: string; readonly reason: string }
  | {
      readonly kind: 'measured';
      readonly label: string;
      readonly rows: number;
      readonly expectedRows: number;
      readonly seedSeconds: number;
      readonly seconds: number;
      readonly firstByteSeconds: number;
      readonly megabytes: number;
      readonly rssBeforeMb: number;
      readonly peakRssMb: number;
      readonly hwmMb: number;
      /** The database server's peak RSS while the export ran (FerretDB sorts and filters in memory). */
      readonly dbPeakRssMb: number;
    };

export const EXPORT_TARGETS: readonly ExportTarget[] = [
  {
    name: 'leads',
    exportPath: '/v1/leads/export',
    createPath: '/v1/leads',
    collection: 'leads',
    vary: ['companyName', 'companyNameKey', 'companyDomain'],
    body: (context) => ({
      companyName: 'Bench Template Co',
      companyDomain: 'bench-template.example',
      contact: { name: 'Pat Bench', email: 'pat@bench-template.example', title: 'CTO' },
      valueMinor: 1_250_000,
      currency: 'EUR',
      expectedCloseDate: '2030-06-30',
      notes: 'Seeded by npm run bench; "quoted", with a comma.',
      partnerId: context.activePartnerId,
    }),
  },
  {
    name: 'opportunities',
    exportPath: '/v1/opportunities/export',
    createPath: '/v1/opportunities',
    collection: 'opportunities',
    vary: ['name', 'nameKey'],
    // No ownerId: an owner must be a Partner or Agent member of the partner, and the bench has none.
    body: (context) => ({ name: 'Bench Template Opportunity', amountMinor: 1_250_000, currency: 'EUR', expectedCloseDate: '2030-06-30', partnerId: context.activePartnerId }),
  },
];

type OpenApi = { paths?: Record<string, Record<string, OpenApiOperation | undefined> | undefined>; components?: { schemas?: Record<string, JsonSchema> } };
type OpenApiOperation = { requestBody?: { content?: Record<string, { schema?: JsonSchema }> } };
type JsonSchema = {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  default?: unknown;
  example?: unknown;
  minimum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  required?: string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  allOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
};

/**
 * A plausible value for a schema: its example, default or first enum value, else something of the
 * right type and format. Only required properties are filled; partnerId and ownerId point at real
 * records. Good enough for a template row; BENCH_<NAME>_BODY overrides it.
 */
export function sampleFor(schema: JsonSchema | undefined, spec: OpenApi, context: SeedContext, name = '', depth = 0): unknown {
  if (!schema || depth > 8) return undefined;
  if (schema.$ref) return sampleFor(spec.components?.schemas?.[schema.$ref.split('/').pop() ?? ''], spec, context, name, depth + 1);
  const variant = schema.allOf?.[0] ?? schema.oneOf?.[0] ?? schema.anyOf?.[0];
  if (variant) return sampleFor({ ...variant, ...schema, allOf: undefined, oneOf: undefined, anyOf: undefined }, spec, context, name, depth + 1);
  if (name === 'partnerId') return context.activePartnerId;
  if (name === 'ownerId') return context.adminSub;
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum?.length) return schema.enum[0];
  switch (schema.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) out[key] = sampleFor(schema.properties?.[key], spec, context, key, depth + 1);
      return out;
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => sampleFor(schema.items, spec, context, name, depth + 1));
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 0, 1);
    case 'boolean':
      return false;
    default: {
      if (schema.format === 'email') return 'bench@bench.example';
      if (schema.format === 'uri' || schema.format === 'url') return 'https://bench.example/';
      if (schema.format === 'date') return '2030-01-31';
      if (schema.format === 'date-time') return '2030-01-31T00:00:00.000Z';
      if (/domain/i.test(name)) return 'bench.example';
      if (/currency/i.test(name)) return 'EUR';
      const text = `Bench ${name || 'value'}`;
      return text.padEnd(schema.minLength ?? 0, 'x').slice(0, schema.maxLength ?? text.length);
    }
  }
}

function bodyFor(target: ExportTarget, spec: OpenApi, context: SeedContext): unknown {
  const override = process.env[`BENCH_${target.name.toUpperCase()}_BODY`];
  if (override) return JSON.parse(override);
  if (target.body) return target.body(context);
  const schema = spec.paths?.[target.createPath]?.post?.requestBody?.content?.['application/json']?.schema;
  if (!schema) throw new Error(`no POST ${target.createPath} request schema in the OpenAPI document`);
  return sampleFor(schema, spec, context);
}

/** A new `_id` of the same kind as the template's. */
function idFactory(templateId: unknown): (i: number) => unknown {
  if (templateId instanceof ObjectId) return () => new ObjectId();
  if (typeof templateId === 'string' && /^[0-9a-f]{24}$/.test(templateId)) return () => new ObjectId().toHexString();
  return (i) => `${String(templateId)}-bench-${i}`;
}

function varied(value: unknown, i: number): unknown {
  if (typeof value === 'string') return /^[a-z0-9.-]+\.[a-z]{2,}$/i.test(value) ? `b${i}.${value}` : `${value} ${i}`;
  if (typeof value === 'number') return value + i + 1;
  return value;
}

async function findTemplate(collection: Collection<Document>, id: string): Promise<Document | null> {
  const byString = await collection.findOne({ _id: id as never });
  if (byString || !/^[0-9a-f]{24}$/.test(id)) return byString;
  return collection.findOne({ _id: new ObjectId(id) });
}

async function seed(collection: Collection<Document>, template: Document, count: number, target: ExportTarget, settings: ExportSettings): Promise<void> {
  const uniqueFields = new Set<string>();
  for (const index of await collection.listIndexes().toArray()) {
    if (index.unique) for (const key of Object.keys(index.key as Record<string, unknown>)) uniqueFields.add(key);
  }
  const fields = [...new Set([...target.vary, ...uniqueFields])].filter((f) => f !== '_id' && f !== 'tenantId' && !f.includes('.') && f in template);
  const nextId = idFactory(template._id);
  const started = Date.now();
  let reported = 0;
  for (let done = 0; done < count; ) {
    if (Date.now() > settings.deadline) throw new Error(`seeding stopped at ${done} rows: the benchmark's time limit was reached`);
    const size = Math.min(settings.seedBatch, count - done);
    const batch: Document[] = new Array(size);
    for (let j = 0; j < size; j += 1) {
      const i = done + j;
      const doc: Document = { ...template, _id: nextId(i) };
      for (const field of fields) doc[field] = varied(template[field], i);
      batch[j] = doc;
    }
    await collection.insertMany(batch, { ordered: false });
    done += size;
    if (done - reported >= count / 10 || done === count) {
      reported = done;
      const seconds = (Date.now() - started) / 1000;
      log(`seed ${target.name}: ${done.toLocaleString('en')} / ${count.toLocaleString('en')} (${Math.round(done / seconds).toLocaleString('en')} rows/s)`);
    }
  }
}

/** Counts CSV records (line ends outside quotes) as the bytes arrive. */
class RecordCounter {
  records = 0;
  bytes = 0;
  #inQuotes = false;

  push(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    if (!this.#inQuotes && chunk.indexOf(0x22) === -1) {
      for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, at + 1)) this.records += 1;
      return;
    }
    for (let i = 0; i < chunk.length; i += 1) {
      const b = chunk[i];
      if (b === 0x22) this.#inQuotes = !this.#inQuotes;
      else if (b === 0x0a && !this.#inQuotes) this.records += 1;
    }
  }
}

/** The API under test; `fresh()` replaces it with a newly started process and returns that. */
export interface ApiUnderTest {
  readonly baseUrl: string;
  readonly pid: number;
  fresh(): Promise<{ baseUrl: string; pid: number }>;
}

/**
 * Seeds the rows through the current API process, then measures the export in a freshly started
 * one, so the figures show what the export itself costs, not what earlier load left behind.
 */
export async function benchmarkExport(
  target: ExportTarget,
  api: ApiUnderTest,
  database: { uri: string; pid: number },
  auth: Record<string, string>,
  context: SeedContext,
  settings: ExportSettings,
): Promise<ExportOutcome> {
  const label = `GET ${target.exportPath}`;
  assertLoopback(api.baseUrl);
  const spec = (await (await fetch(`${api.baseUrl}/openapi.json`)).json()) as OpenApi;
  if (!spec.paths?.[target.exportPath]?.get) return { kind: 'skipped', label, reason: `${target.exportPath} not present` };

  let body: unknown;
  try {
    body = bodyFor(target, spec, context);
  } catch (error) {
    return { kind: 'skipped', label, reason: `no template body: ${(error as Error).message}` };
  }
  const created = await fetch(`${api.baseUrl}${target.createPath}`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const createdBody = (await created.json()) as { id?: string; code?: string; detail?: string };
  if (created.status !== 201 || typeof createdBody.id !== 'string') {
    return {
      kind: 'skipped',
      label,
      reason: `could not create a template via POST ${target.createPath} (${created.status} ${createdBody.code ?? ''}: ${createdBody.detail ?? ''}); set BENCH_${target.name.toUpperCase()}_BODY`,
    };
  }

  const client = new MongoClient(database.uri, { directConnection: true, serverSelectionTimeoutMS: 10_000 });
  let seedSeconds: number;
  try {
    await client.connect();
    const collection = client.db().collection(target.collection);
    const template = await findTemplate(collection, createdBody.id);
    if (!template) return { kind: 'skipped', label, reason: `template ${createdBody.id} not found in collection ${target.collection}` };
    const seedStarted = Date.now();
    await seed(collection, template, settings.rows - 1, target, settings);
    seedSeconds = (Date.now() - seedStarted) / 1000;
  } finally {
    await client.close();
  }

  const exporter = await api.fresh();
  const before = memoryOf(exporter.pid);
  let peakRss = before?.rssMb ?? NaN;
  let dbPeakRss = memoryOf(database.pid)?.rssMb ?? NaN;
  const sample = (): void => {
    const now = memoryOf(exporter.pid);
    if (now && !(now.rssMb <= peakRss)) peakRss = now.rssMb;
    const db = memoryOf(database.pid);
    if (db && !(db.rssMb <= dbPeakRss)) dbPeakRss = db.rssMb;
  };
  const sampler = setInterval(sample, 100);
  const counter = new RecordCounter();
  log(`export: ${label} (${settings.rows.toLocaleString('en')} rows)`);
  const started = performance.now();
  let firstByte = NaN;
  try {
    const res = await fetch(`${exporter.baseUrl}${target.exportPath}`, { headers: auth, signal: AbortSignal.timeout(settings.timeoutMs) });
    if (res.status !== 200 || !res.body) throw new Error(`${label} answered ${res.status}: ${(await res.text()).slice(0, 500)}`);
    if (!res.headers.get('content-type')?.startsWith('text/csv')) throw new Error(`${label} sent ${res.headers.get('content-type')}, not text/csv`);
    for await (const chunk of res.body) {
      if (Number.isNaN(firstByte)) firstByte = performance.now();
      counter.push(chunk);
    }
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - started) / 1000;
  sample();
  const after = memoryOf(exporter.pid);
  return {
    kind: 'measured',
    label,
    rows: Math.max(0, counter.records - 1),
    expectedRows: settings.rows,
    seedSeconds,
    seconds,
    firstByteSeconds: (firstByte - started) / 1000,
    megabytes: counter.bytes / 1_000_000,
    rssBeforeMb: before?.rssMb ?? NaN,
    peakRssMb: peakRss,
    hwmMb: after?.hwmMb ?? NaN,
    dbPeakRssMb: dbPeakRss,
  };
}
