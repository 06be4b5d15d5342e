// The tenant plugin against the real database (FerretDB in the jest run): every mongoose entry
// point, operation by operation, without a tenant, in tenant A's context (tenant B's rows must
// stay invisible and untouched) and inside runCrossTenant. The context is the real RequestContext
// over a real nestjs-cls ClsService; nothing is mocked.
import { AsyncLocalStorage } from 'node:async_hooks';
import mongoose, { Schema } from 'mongoose';
import type { Connection, Model, PipelineStage, Types } from 'mongoose';
import { ClsService } from 'nestjs-cls';
import { RequestContext } from '#src/kernel/context/request-context';
import {
  PLATFORM_COLLECTIONS,
  TenantScopeError,
  assertEveryModelIsScoped,
  createTenantPlugin,
  declareTenantPrefixedIds,
} from '#src/kernel/tenancy';
import { testDatabaseUri } from '../utils/database';

const A = 'tn_alpha';
const B = 'tn_beta';
const SYSTEM = 'job:tenant-plugin-spec';

interface Contact {
  tenantId: string;
  email: string;
  name?: string;
  score?: number;
}

interface LeanContact extends Contact {
  _id: Types.ObjectId;
}

interface LogEntry {
  obj: Record<string, unknown>;
  msg: string;
}

const connectOptions = { bufferCommands: false, autoIndex: false, serverSelectionTimeoutMS: 5_000 };

function contactSchema(): Schema<Contact> {
  const schema = new Schema<Contact>(
    {
      tenantId: { type: String, required: true },
      email: { type: String, required: true },
      name: String,
      score: Number,
    },
    { collection: 'contacts' },
  );
  // Per-tenant uniqueness: the same email may exist once in each tenant.
  schema.index({ tenantId: 1, email: 1 }, { unique: true });
  return schema;
}

function errorCode(err: unknown): unknown {
  return typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
}

const ctx = new RequestContext(new ClsService(new AsyncLocalStorage()));
// A mongoose Query is a lazy thenable: returned un-awaited from the callback it would execute
// after the context has closed. Awaiting inside the callback keeps it in the context.
const inA = <T>(fn: () => PromiseLike<T>) => ctx.runInTenant(A, SYSTEM, async () => await fn());
const inB = <T>(fn: () => PromiseLike<T>) => ctx.runInTenant(B, SYSTEM, async () => await fn());
const crossTenant = <T>(fn: () => PromiseLike<T>) =>
  ctx.runCrossTenant(SYSTEM, 'tenant plugin spec', async () => await fn());

describe('tenant plugin (mongoose 9 on the real database)', () => {
  let connection: Connection;
  let Contact: Model<Contact>;
  const logs: LogEntry[] = [];
  const ids: Record<string, Types.ObjectId> = {};
  let seededB: LeanContact[];

  const emails = (docs: ReadonlyArray<{ email: string }>) => docs.map((d) => d.email).sort();
  const readB = () => inB(() => Contact.find().sort({ email: 1 }).lean<LeanContact[]>());
  const readA = () => inA(() => Contact.find().sort({ email: 1 }).lean<LeanContact[]>());
  const expectBUnchanged = async () => expect(await readB()).toEqual(seededB);

  beforeAll(async () => {
    connection = await mongoose.createConnection(testDatabaseUri('tenant_plugin'), connectOptions).asPromise();
    connection.plugin(createTenantPlugin(ctx, { warn: (obj, msg) => logs.push({ obj: { ...obj }, msg }) }));
    Contact = connection.model<Contact>('Contact', contactSchema());
    await Contact.syncIndexes();
  });

  afterAll(async () => {
    await connection?.dropDatabase().catch(() => undefined);
    await connection?.close();
  });

  beforeEach(async () => {
    await crossTenant(() => Contact.deleteMany({}));
    for (const [tenant, names] of [
      [A, ['a1', 'a2']],
      [B, ['b1', 'b2']],
    ] as const) {
      await ctx.runInTenant(tenant, SYSTEM, async () => {
        for (const name of names) {
          const doc = await Contact.create({ email: `${name}@example.com`, name, score: 1 });
          ids[name] = doc._id;
        }
      });
    }
    seededB = await readB();
    expect(emails(seededB)).toEqual(['b1@example.com', 'b2@example.com']);
    logs.length = 0;
  });

  // Every entry point, run with whatever context surrounds it.
  const operations: ReadonlyArray<[string, () => Promise<unknown>]> = [
    ['find', () => Contact.find({}).exec()],
    ['find().cursor()', async () => {
      for await (const _doc of Contact.find().cursor()) void _doc;
    }],
    ['findOne', () => Contact.findOne({ email: 'b1@example.com' }).exec()],
    ['findById', () => Contact.findById(ids.b1).exec()],
    ['exists', () => Contact.exists({ email: 'b1@example.com' }).exec()],
    ['countDocuments', () => Contact.countDocuments({}).exec()],
    ['distinct', () => Contact.distinct('email').exec()],
    ['updateOne', () => Contact.updateOne({ email: 'b1@example.com' }, { $set: { name: 'x' } }).exec()],
    ['updateMany', () => Contact.updateMany({}, { $set: { name: 'x' } }).exec()],
    ['replaceOne', () => Contact.replaceOne({ email: 'b1@example.com' }, { email: 'b1@example.com', name: 'x' }).exec()],
    ['deleteOne', () => Contact.deleteOne({ email: 'b1@example.com' }).exec()],
    ['deleteMany', () => Contact.deleteMany({}).exec()],
    ['findOneAndUpdate', () => Contact.findOneAndUpdate({ email: 'b1@example.com' }, { $set: { name: 'x' } }).exec()],
    ['findByIdAndUpdate', () => Contact.findByIdAndUpdate(ids.b1, { $set: { name: 'x' } }).exec()],
    ['findOneAndReplace', () => Contact.findOneAndReplace({ email: 'b1@example.com' }, { email: 'b1@example.com' }).exec()],
    ['findOneAndDelete', () => Contact.findOneAndDelete({ email: 'b1@example.com' }).exec()],
    ['findByIdAndDelete', () => Contact.findByIdAndDelete(ids.b1).exec()],
    ['aggregate', () => Contact.aggregate([{ $group: { _id: '$tenantId', n: { $sum: 1 } } }]).exec()],
    ['aggregate().cursor()', async () => {
      for await (const _row of Contact.aggregate([{ $match: {} }]).cursor()) void _row;
    }],
    ['create', () => Contact.create({ email: 'new@example.com' })],
    ['insertOne', () => Contact.insertOne({ email: 'new@example.com' })],
    ['insertMany', () => Contact.insertMany([{ email: 'new@example.com' }])],
    ['insertMany (lean)', () => Contact.insertMany([{ email: 'new@example.com' }], { lean: true })],
    ['new Model().save', () => new Contact({ email: 'new@example.com' }).save()],
    ['bulkWrite', () => Contact.bulkWrite([{ insertOne: { document: { tenantId: B, email: 'x@example.com' } } }])],
    ['estimatedDocumentCount', () => Contact.estimatedDocumentCount().exec()],
  ];

  describe('without a tenant in context', () => {
    it.each(operations)('%s throws TenantScopeError and touches nothing', async (_name, run) => {
      await expect(run()).rejects.toThrow(TenantScopeError);
      await expectBUnchanged();
      expect(emails(await readA())).toEqual(['a1@example.com', 'a2@example.com']);
    });

    it('also throws inside runAsSystem (a context, but no tenant and no cross-tenant reason)', async () => {
      await expect(ctx.runAsSystem(SYSTEM, () => Contact.find().exec())).rejects.toThrow(TenantScopeError);
    });

    it('names the operation and the model in the error', async () => {
      const err: unknown = await Contact.countDocuments({}).exec().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TenantScopeError);
      expect(err).toMatchObject({ operation: 'countDocuments', model: 'Contact' });
      expect((err as Error).message).toMatch(/countDocuments on Contact/);
    });

    it('document save, updateOne and deleteOne of a loaded document throw', async () => {
      const doc = await inA(() => Contact.findById(ids.a1).orFail().exec());
      doc.name = 'changed';
      await expect(doc.save()).rejects.toThrow(TenantScopeError);
      await expect(doc.updateOne({ $set: { name: 'x' } }).exec()).rejects.toThrow(TenantScopeError);
      await expect(doc.deleteOne().exec()).rejects.toThrow(TenantScopeError);
      expect(await readA()).toEqual(expect.arrayContaining([expect.objectContaining({ email: 'a1@example.com', name: 'a1' })]));
    });
  });

  describe("in tenant A's context, tenant B is invisible and untouched", () => {
    afterEach(async () => {
      await expectBUnchanged();
    });

    it('find returns only A', async () => {
      expect(emails(await inA(() => Contact.find().exec()))).toEqual(['a1@example.com', 'a2@example.com']);
    });

    it('a query cursor returns only A', async () => {
      const seen = await inA(async () => {
        const out: string[] = [];
        for await (const doc of Contact.find().cursor()) out.push(doc.email);
        return out;
      });
      expect(seen.sort()).toEqual(['a1@example.com', 'a2@example.com']);
    });

    it('findOne, findById and exists do not find B', async () => {
      await inA(async () => {
        expect(await Contact.findOne({ email: 'b1@example.com' }).exec()).toBeNull();
        expect(await Contact.findById(ids.b1).exec()).toBeNull();
        expect(await Contact.exists({ email: 'b1@example.com' }).exec()).toBeNull();
        expect(await Contact.findById(ids.a1).exec()).toMatchObject({ email: 'a1@example.com', tenantId: A });
      });
    });

    it('countDocuments counts only A', async () => {
      expect(await inA(() => Contact.countDocuments({}).exec())).toBe(2);
    });

    it('distinct sees only A', async () => {
      expect((await inA(() => Contact.distinct('email').exec())).sort()).toEqual(['a1@example.com', 'a2@example.com']);
      expect(await inA(() => Contact.distinct('tenantId').exec())).toEqual([A]);
    });

    it('updateOne cannot reach B', async () => {
      const res = await inA(() => Contact.updateOne({ email: 'b1@example.com' }, { $set: { name: 'hacked' } }).exec());
      expect(res.matchedCount).toBe(0);
    });

    it('updateMany with an empty filter updates only A', async () => {
      const res = await inA(() => Contact.updateMany({}, { $set: { name: 'bulk' } }).exec());
      expect(res.matchedCount).toBe(2);
      expect((await readA()).map((d) => d.name)).toEqual(['bulk', 'bulk']);
    });

    it('replaceOne cannot reach B, and stamps the replacement with A', async () => {
      await inA(async () => {
        expect((await Contact.replaceOne({ email: 'b1@example.com' }, { email: 'b1@example.com', name: 'r' }).exec()).matchedCount).toBe(0);
        expect((await Contact.replaceOne({ _id: ids.a1 }, { email: 'a1@example.com', name: 'replaced' }).exec()).matchedCount).toBe(1);
      });
      expect(await inA(() => Contact.findById(ids.a1).lean<LeanContact>().exec())).toMatchObject({ tenantId: A, name: 'replaced' });
    });

    it('deleteOne cannot reach B', async () => {
      expect((await inA(() => Contact.deleteOne({ email: 'b1@example.com' }).exec())).deletedCount).toBe(0);
      expect((await inA(() => Contact.deleteOne({ _id: ids.b1 }).exec())).deletedCount).toBe(0);
    });

    it('deleteMany with an empty filter deletes only A', async () => {
      expect((await inA(() => Contact.deleteMany({}).exec())).deletedCount).toBe(2);
      expect(await readA()).toEqual([]);
    });

    it('findOneAndUpdate and findByIdAndUpdate cannot reach B', async () => {
      await inA(async () => {
        expect(await Contact.findOneAndUpdate({ email: 'b1@example.com' }, { $set: { name: 'h' } }).exec()).toBeNull();
        expect(await Contact.findByIdAndUpdate(ids.b1, { $set: { name: 'h' } }).exec()).toBeNull();
        const a1 = await Contact.findByIdAndUpdate(ids.a1, { $set: { name: 'ok' } }, { returnDocument: 'after' }).exec();
        expect(a1).toMatchObject({ name: 'ok', tenantId: A });
      });
    });

    it('findOneAndReplace cannot reach B', async () => {
      const res = await inA(() => Contact.findOneAndReplace({ email: 'b1@example.com' }, { email: 'b1@example.com', name: 'h' }).exec());
      expect(res).toBeNull();
    });

    it('findOneAndDelete and findByIdAndDelete cannot reach B', async () => {
      await inA(async () => {
        expect(await Contact.findOneAndDelete({ email: 'b1@example.com' }).exec()).toBeNull();
        expect(await Contact.findByIdAndDelete(ids.b1).exec()).toBeNull();
      });
    });

    it('aggregate is scoped: a $group count per tenant sees only A', async () => {
      const rows = await inA(() => Contact.aggregate<{ _id: string; n: number }>([{ $group: { _id: '$tenantId', n: { $sum: 1 } } }]).exec());
      expect(rows).toEqual([{ _id: A, n: 2 }]);
    });

    it('an aggregation cursor is scoped', async () => {
      const seen = await inA(async () => {
        const out: string[] = [];
        for await (const row of Contact.aggregate<Contact>([{ $sort: { email: 1 } }]).cursor()) out.push(row.email);
        return out;
      });
      expect(seen).toEqual(['a1@example.com', 'a2@example.com']);
    });

    it('an upsert inserts into A (tenantId comes from the scoped filter)', async () => {
      await inA(() => Contact.updateOne({ email: 'up@example.com' }, { $set: { name: 'up' } }, { upsert: true }).exec());
      expect(await readA()).toEqual(expect.arrayContaining([expect.objectContaining({ email: 'up@example.com', tenantId: A })]));
    });

    it('$or / $nor in the filter cannot widen the scope', async () => {
      await inA(async () => {
        expect(emails(await Contact.find({ $or: [{ email: 'b1@example.com' }, {}] }).exec())).toEqual(['a1@example.com', 'a2@example.com']);
        expect(emails(await Contact.find({ $or: [{ tenantId: A }, {}] }).exec())).toEqual(['a1@example.com', 'a2@example.com']);
        expect(await Contact.countDocuments({ $nor: [{ email: 'a1@example.com' }] }).exec()).toBe(1);
        expect((await Contact.deleteMany({ $or: [{}, { email: 'b2@example.com' }] }).exec()).deletedCount).toBe(2);
      });
    });

    it('{ middleware: false } does not skip the scope', async () => {
      await inA(async () => {
        expect(emails(await Contact.find({}, null, { middleware: false }).exec())).toEqual(['a1@example.com', 'a2@example.com']);
        expect(await Contact.countDocuments({}).setOptions({ middleware: false }).exec()).toBe(2);
        const rows = await Contact.aggregate([{ $group: { _id: '$tenantId', n: { $sum: 1 } } }]).option({ middleware: false }).exec();
        expect(rows).toEqual([{ _id: A, n: 2 }]);
        const [doc] = await Contact.insertMany([{ email: 'mw@example.com' }], { middleware: false });
        expect(doc.tenantId).toBe(A);
        await expect(Contact.bulkWrite([{ deleteMany: { filter: {} } }], { middleware: false })).rejects.toThrow(TenantScopeError);
      });
      await expect(Contact.find({}, null, { middleware: false }).exec()).rejects.toThrow(TenantScopeError);
    });
  });

  describe('a filter naming another tenant', () => {
    const foreign: ReadonlyArray<[string, Record<string, unknown>]> = [
      ['tenantId: B', { tenantId: B }],
      ['tenantId: { $eq: B }', { tenantId: { $eq: B } }],
      ['tenantId: { $ne: A }', { tenantId: { $ne: A } }],
      ['tenantId: { $in: [A, B] }', { tenantId: { $in: [A, B] } }],
      ['tenantId: { $nin: [A] }', { tenantId: { $nin: [A] } }],
      ['tenantId: { $exists: true }', { tenantId: { $exists: true } }],
      ['$or: [{ tenantId: B }, {}]', { $or: [{ tenantId: B }, {}] }],
      ['$and: [{ tenantId: B }]', { $and: [{ tenantId: B }] }],
      ['$nor: [{ tenantId: A }] nested in $or', { $or: [{ $nor: [{ tenantId: { $ne: B } }] }] }],
    ];

    it.each(foreign)('%s is refused for reads, counts, updates and deletes', async (_name, filter) => {
      await inA(async () => {
        await expect(Contact.find(filter).exec()).rejects.toThrow(TenantScopeError);
        await expect(Contact.countDocuments(filter).exec()).rejects.toThrow(TenantScopeError);
        await expect(Contact.updateMany(filter, { $set: { name: 'h' } }).exec()).rejects.toThrow(TenantScopeError);
        await expect(Contact.deleteMany(filter).exec()).rejects.toThrow(TenantScopeError);
        await expect(Contact.aggregate([{ $match: filter }]).exec()).rejects.toThrow(TenantScopeError);
      });
      await expectBUnchanged();
      expect(await readA()).toHaveLength(2);
    });

    it('naming the context tenant itself is fine', async () => {
      await inA(async () => {
        expect(await Contact.countDocuments({ tenantId: A }).exec()).toBe(2);
        expect(await Contact.countDocuments({ tenantId: { $eq: A } }).exec()).toBe(2);
        expect(await Contact.countDocuments({ tenantId: { $in: [A] } }).exec()).toBe(2);
        expect(await Contact.countDocuments({ $and: [{ tenantId: A }, { email: 'a1@example.com' }] }).exec()).toBe(1);
      });
    });
  });

  describe('inserts', () => {
    it('create stamps the context tenant', async () => {
      const doc = await inA(() => Contact.create({ email: 'c@example.com' }));
      expect(doc.tenantId).toBe(A);
      expect(await inA(() => Contact.findById(doc._id).lean<LeanContact>().exec())).toMatchObject({ tenantId: A });
      await expectBUnchanged();
    });

    it('insertOne stamps the context tenant', async () => {
      const doc = await inA(() => Contact.insertOne({ email: 'one@example.com' }));
      expect(doc.tenantId).toBe(A);
      expect(await inA(() => Contact.countDocuments({ email: 'one@example.com' }).exec())).toBe(1);
      await expectBUnchanged();
    });

    it('new Model().save() stamps the context tenant', async () => {
      const doc = await inB(() => new Contact({ email: 'saved@example.com' }).save());
      expect(doc.tenantId).toBe(B);
      expect(emails(await readB())).toEqual(['b1@example.com', 'b2@example.com', 'saved@example.com']);
    });

    it('insertMany stamps the context tenant, hydrated and lean', async () => {
      await inA(async () => {
        const docs = await Contact.insertMany([{ email: 'i1@example.com' }, { email: 'i2@example.com' }]);
        expect(docs.map((d) => d.tenantId)).toEqual([A, A]);
        await Contact.insertMany([{ email: 'i3@example.com' }], { lean: true });
      });
      const a = await readA();
      expect(emails(a)).toEqual(['a1@example.com', 'a2@example.com', 'i1@example.com', 'i2@example.com', 'i3@example.com']);
      expect(new Set(a.map((d) => d.tenantId))).toEqual(new Set([A]));
      await expectBUnchanged();
    });

    it('a document already carrying the same tenantId is accepted', async () => {
      const doc = await inA(() => Contact.create({ tenantId: A, email: 'same@example.com' }));
      expect(doc.tenantId).toBe(A);
    });

    it('create with a conflicting tenantId throws and inserts nothing', async () => {
      await expect(inA(() => Contact.create({ tenantId: B, email: 'evil@example.com' }))).rejects.toThrow(TenantScopeError);
      await expect(inA(() => new Contact({ tenantId: B, email: 'evil@example.com' }).save())).rejects.toThrow(TenantScopeError);
      await expectBUnchanged();
      expect(await readA()).toHaveLength(2);
    });

    it('insertMany with one conflicting tenantId throws and inserts nothing', async () => {
      const batch = [{ email: 'ok@example.com' }, { tenantId: B, email: 'evil@example.com' }];
      await expect(inA(() => Contact.insertMany(batch))).rejects.toThrow(TenantScopeError);
      await expect(inA(() => Contact.insertMany(batch, { lean: true }))).rejects.toThrow(TenantScopeError);
      await expect(inA(() => Contact.insertMany(batch, { ordered: false }))).rejects.toThrow(TenantScopeError);
      await expectBUnchanged();
      expect(await readA()).toHaveLength(2);
    });

    it('a unique index starting with tenantId is per tenant', async () => {
      await inA(() => Contact.create({ email: 'shared@example.com' }));
      await inB(() => Contact.create({ email: 'shared@example.com' }));
      const dup: unknown = await inA(() => Contact.create({ email: 'shared@example.com' })).catch((e: unknown) => e);
      expect(errorCode(dup)).toBe(11000);
      expect(await inA(() => Contact.countDocuments({ email: 'shared@example.com' }).exec())).toBe(1);
      expect(await inB(() => Contact.countDocuments({ email: 'shared@example.com' }).exec())).toBe(1);
    });
  });

  describe('update and replace payloads cannot touch tenantId', () => {
    const payloads: ReadonlyArray<[string, Record<string, unknown>]> = [
      ['$set', { $set: { tenantId: B } }],
      ['$set (dotted)', { $set: { 'tenantId.x': 1 } }],
      ['$unset', { $unset: { tenantId: 1 } }],
      ['$rename from tenantId', { $rename: { tenantId: 'formerTenant' } }],
      ['$rename onto tenantId', { $rename: { name: 'tenantId' } }],
      ['$setOnInsert', { $setOnInsert: { tenantId: B } }],
      ['top-level key', { tenantId: B }],
      ['$inc', { $inc: { tenantId: 1 } }],
    ];

    it.each(payloads)('%s is refused by updateOne, updateMany and findOneAndUpdate', async (_name, update) => {
      await inA(async () => {
        await expect(Contact.updateOne({ _id: ids.a1 }, update).exec()).rejects.toThrow(TenantScopeError);
        await expect(Contact.updateMany({}, update).exec()).rejects.toThrow(TenantScopeError);
        await expect(Contact.findOneAndUpdate({ _id: ids.a1 }, update, { upsert: true }).exec()).rejects.toThrow(TenantScopeError);
        const doc = await Contact.findById(ids.a1).orFail().exec();
        await expect(doc.updateOne(update).exec()).rejects.toThrow(TenantScopeError);
      });
      expect(new Set((await readA()).map((d) => d.tenantId))).toEqual(new Set([A]));
      await expectBUnchanged();
    });

    it('setting tenantId to the context tenant itself is a harmless no-op', async () => {
      const res = await inA(() => Contact.updateOne({ _id: ids.a1 }, { $set: { tenantId: A, name: 'fine' } }).exec());
      expect(res.matchedCount).toBe(1);
      expect((await readA())[0]).toMatchObject({ tenantId: A, name: 'fine' });
    });

    it('a replacement with a different tenantId is refused', async () => {
      await inA(async () => {
        await expect(Contact.replaceOne({ _id: ids.a1 }, { tenantId: B, email: 'a1@example.com' }).exec()).rejects.toThrow(TenantScopeError);
        await expect(Contact.findOneAndReplace({ _id: ids.a1 }, { tenantId: B, email: 'a1@example.com' }).exec()).rejects.toThrow(TenantScopeError);
      });
      expect((await readA()).map((d) => d.tenantId)).toEqual([A, A]);
      await expectBUnchanged();
    });
  });

  describe('refused entry points', () => {
    it('bulkWrite is refused on a tenant collection, even in a tenant context', async () => {
      const err: unknown = await inA(() =>
        Contact.bulkWrite([{ updateMany: { filter: {}, update: { $set: { name: 'bulk' } } } }]),
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TenantScopeError);
      expect((err as Error).message).toMatch(/bulkWrite/);
      await expect(crossTenant(() => Contact.bulkWrite([{ deleteMany: { filter: {} } }]))).rejects.toThrow(TenantScopeError);
      await expectBUnchanged();
      expect((await readA()).map((d) => d.name)).toEqual(['a1', 'a2']);
    });

    it('bulkSave is refused too (it goes through bulkWrite)', async () => {
      await inA(async () => {
        const doc = await Contact.findById(ids.a1).orFail().exec();
        doc.name = 'bulk-saved';
        await expect(Contact.bulkSave([doc])).rejects.toThrow(TenantScopeError);
      });
      expect((await readA())[0].name).toBe('a1');
    });

    it('estimatedDocumentCount is refused in every context', async () => {
      await expect(inA(() => Contact.estimatedDocumentCount().exec())).rejects.toThrow(TenantScopeError);
      await expect(crossTenant(() => Contact.estimatedDocumentCount().exec())).rejects.toThrow(TenantScopeError);
    });

    it('change streams (watch) are refused', async () => {
      await expect(inA(async () => Contact.watch())).rejects.toThrow(TenantScopeError);
    });

    const escapingStages: ReadonlyArray<[string, PipelineStage]> = [
      ['$lookup', { $lookup: { from: 'contacts', as: 'x', localField: 'email', foreignField: 'email' } }],
      ['$unionWith', { $unionWith: 'contacts' }],
      ['$out', { $out: 'stolen' }],
      ['$merge', { $merge: { into: 'contacts' } }],
      ['$lookup inside $facet', { $facet: { x: [{ $lookup: { from: 'contacts', as: 'x', localField: 'email', foreignField: 'email' } }] } }],
    ];

    it.each(escapingStages)('aggregate with %s is refused', async (_name, stage) => {
      await expect(inA(() => Contact.aggregate([stage]).exec())).rejects.toThrow(TenantScopeError);
      await expect(crossTenant(() => Contact.aggregate([stage]).exec())).rejects.toThrow(TenantScopeError);
    });
  });

  describe('documents', () => {
    it('a document loaded in A cannot be saved, updated or deleted in B', async () => {
      const doc = await inA(() => Contact.findById(ids.a1).orFail().exec());
      doc.name = 'from-b';
      await expect(inB(() => doc.save())).rejects.toThrow(TenantScopeError);
      await expect(inB(() => doc.updateOne({ $set: { name: 'from-b' } }).exec())).rejects.toThrow(TenantScopeError);
      await expect(inB(() => doc.deleteOne().exec())).rejects.toThrow(TenantScopeError);
      expect(await readA()).toEqual(expect.arrayContaining([expect.objectContaining({ email: 'a1@example.com', name: 'a1' })]));
      await expectBUnchanged();
    });

    it('a document loaded in A can be saved, updated and deleted in A', async () => {
      await inA(async () => {
        const doc = await Contact.findById(ids.a1).orFail().exec();
        doc.name = 'renamed';
        await doc.save();
        await doc.updateOne({ $set: { score: 5 } }).exec();
        expect(await Contact.findById(ids.a1).lean<LeanContact>().exec()).toMatchObject({ name: 'renamed', score: 5 });
        await doc.deleteOne().exec();
        expect(await Contact.findById(ids.a1).exec()).toBeNull();
      });
      await expectBUnchanged();
    });

    it('changing tenantId on an existing document and saving throws', async () => {
      await inA(async () => {
        const doc = await Contact.findById(ids.a1).orFail().exec();
        doc.tenantId = B;
        await expect(doc.save()).rejects.toThrow(TenantScopeError);
        doc.set('tenantId', undefined);
        await expect(doc.save()).rejects.toThrow(TenantScopeError);
      });
      await inB(async () => {
        const doc = await inA(() => Contact.findById(ids.a2).orFail().exec());
        doc.tenantId = B;
        await expect(doc.save()).rejects.toThrow(TenantScopeError);
      });
      expect((await readA()).map((d) => d.tenantId)).toEqual([A, A]);
      await expectBUnchanged();
    });

    it("a forged document (hydrated with A's tenantId over B's _id) cannot write B's row", async () => {
      const forged = Contact.hydrate({ _id: ids.b1, tenantId: A, email: 'b1@example.com', name: 'b1' });
      forged.name = 'forged';
      const err: unknown = await inA(() => forged.save()).catch((e: unknown) => e);
      expect((err as Error).name).toBe('DocumentNotFoundError');
      await expectBUnchanged();
    });

    it('a document loaded without tenantId in its projection still saves only within the context tenant', async () => {
      await inA(async () => {
        const doc = await Contact.findById(ids.a1).select('name').orFail().exec();
        doc.name = 'projected';
        await doc.save();
      });
      expect((await readA())[0]).toMatchObject({ email: 'a1@example.com', name: 'projected', tenantId: A });
      const fromB = await inB(() => Contact.findById(ids.b1).select('name').orFail().exec());
      fromB.name = 'sneaky';
      await expect(inA(() => fromB.save())).rejects.toThrow('No document found');
      await expectBUnchanged();
    });
  });

  describe('runCrossTenant', () => {
    it('reads across tenants and logs every operation with its reason and system', async () => {
      const result = await crossTenant(async () => ({
        all: await Contact.find().exec(),
        count: await Contact.countDocuments({}).exec(),
        groups: await Contact.aggregate<{ _id: string; n: number }>([{ $group: { _id: '$tenantId', n: { $sum: 1 } } }, { $sort: { _id: 1 } }]).exec(),
      }));
      expect(emails(result.all)).toEqual(['a1@example.com', 'a2@example.com', 'b1@example.com', 'b2@example.com']);
      expect(result.count).toBe(4);
      expect(result.groups).toEqual([
        { _id: A, n: 2 },
        { _id: B, n: 2 },
      ]);
      expect(logs.map((l) => l.obj)).toEqual([
        { operation: 'find', model: 'Contact', reason: 'tenant plugin spec', system: SYSTEM },
        { operation: 'countDocuments', model: 'Contact', reason: 'tenant plugin spec', system: SYSTEM },
        { operation: 'aggregate', model: 'Contact', reason: 'tenant plugin spec', system: SYSTEM },
      ]);
      expect(logs.every((l) => typeof l.msg === 'string' && l.msg.length > 0)).toBe(true);
    });

    it('does not log each query of a routine step (logged once by its owner), and still reads across tenants', async () => {
      const all = await ctx.runCrossTenant(SYSTEM, 'tenant plugin spec', async () => await Contact.find().exec(), { routine: true });
      expect(emails(all)).toEqual(['a1@example.com', 'a2@example.com', 'b1@example.com', 'b2@example.com']);
      expect(logs).toEqual([]);
    });

    it('writes still need an explicit tenantId: inserts without one throw, with one succeed', async () => {
      await crossTenant(async () => {
        await expect(Contact.create({ email: 'x@example.com' })).rejects.toThrow(TenantScopeError);
        await expect(Contact.insertMany([{ email: 'x@example.com' }])).rejects.toThrow(TenantScopeError);
        await Contact.create({ tenantId: B, email: 'explicit@example.com' });
      });
      expect(emails(await readB())).toEqual(['b1@example.com', 'b2@example.com', 'explicit@example.com']);
      // The successful insert is logged (refusals are errors, some also logged on the way).
      expect(logs.at(-1)?.obj).toEqual({ operation: 'save', model: 'Contact', reason: 'tenant plugin spec', system: SYSTEM });
    });

    it('updates may not move documents between tenants, and upserts must name their tenant', async () => {
      await crossTenant(async () => {
        await expect(Contact.updateMany({}, { $set: { tenantId: A } }).exec()).rejects.toThrow(TenantScopeError);
        await expect(Contact.updateOne({ email: 'n@example.com' }, { $set: { name: 'n' } }, { upsert: true }).exec()).rejects.toThrow(TenantScopeError);
        await expect(Contact.replaceOne({ _id: ids.b1 }, { email: 'b1@example.com' }).exec()).rejects.toThrow(TenantScopeError);
        await Contact.updateOne({ tenantId: B, email: 'n@example.com' }, { $set: { name: 'n' } }, { upsert: true }).exec();
      });
      expect(await readB()).toEqual(expect.arrayContaining([expect.objectContaining({ email: 'n@example.com', tenantId: B })]));
      expect(await readA()).toHaveLength(2);
    });

    it('a cross-tenant replacement only matches a row of its own tenant', async () => {
      const res = await crossTenant(() => Contact.replaceOne({ _id: ids.b1 }, { tenantId: A, email: 'b1@example.com' }).exec());
      expect(res.matchedCount).toBe(0);
      await expectBUnchanged();
    });

    it('documents loaded cross-tenant can be saved and deleted (pinned to their own tenant)', async () => {
      await crossTenant(async () => {
        const b1 = await Contact.findById(ids.b1).orFail().exec();
        b1.score = 9;
        await b1.save();
        await b1.deleteOne().exec();
      });
      expect(emails(await readB())).toEqual(['b2@example.com']);
    });
  });

  describe('tenant-prefixed ids (declareTenantPrefixedIds)', () => {
    interface Entry {
      _id: string;
      tenantId: string;
      n: number;
    }
    let Entry: Model<Entry>;
    const queries: { filter: unknown }[] = [];

    beforeAll(async () => {
      const schema = new Schema<Entry>({ _id: String, tenantId: { type: String, required: true }, n: Number }, { collection: 'entries' });
      declareTenantPrefixedIds(schema);
      // Records the filter each query ran with (a post hook: after the tenant plugin's pre hook).
      schema.post(['find', 'findOne', 'countDocuments', 'deleteOne', 'deleteMany', 'updateOne'], function (this: { getFilter(): unknown }) {
        queries.push({ filter: this.getFilter() });
      });
      Entry = connection.model<Entry>('Entry', schema);
      await inA(() => Entry.insertMany([{ _id: `${A}:1`, n: 1 }, { _id: `${A}:2`, n: 2 }]));
      await inB(() => Entry.insertMany([{ _id: `${B}:1`, n: 10 }]));
    });
    beforeEach(() => {
      queries.length = 0;
    });

    it("leaves a lone _id equality naming the caller's tenant as it is, so it stays an index lookup", async () => {
      expect(await inA(() => Entry.findOne({ _id: `${A}:2` }).lean())).toMatchObject({ n: 2, tenantId: A });
      expect(await inA(() => Entry.exists({ _id: `${A}:1` }))).not.toBeNull();
      expect(queries.map((q) => q.filter)).toEqual([{ _id: `${A}:2` }, { _id: `${A}:1` }]);
    });

    it("scopes as usual an _id naming another tenant, or any other filter: B's entries stay invisible", async () => {
      expect(await inA(() => Entry.findOne({ _id: `${B}:1` }).lean())).toBeNull();
      expect(await inA(() => Entry.countDocuments({ _id: { $in: [`${A}:1`, `${B}:1`] } }))).toBe(1);
      // A prefix match alone is not enough: "tn_alpha:" must be followed by the colon.
      expect(await inA(() => Entry.findOne({ _id: `${A}x:1` }).lean())).toBeNull();
      expect(queries.map((q) => q.filter)).toEqual([
        { _id: `${B}:1`, tenantId: A },
        { _id: { $in: [`${A}:1`, `${B}:1`] }, tenantId: A },
        { _id: `${A}x:1`, tenantId: A },
      ]);
      expect(await inA(() => Entry.deleteOne({ _id: `${B}:1` }))).toMatchObject({ deletedCount: 0 });
      expect(await inB(() => Entry.findOne({ _id: `${B}:1` }).lean())).toMatchObject({ n: 10 });
    });

    it('still scopes upserts and updates (an upsert must stamp tenantId)', async () => {
      await inA(() => Entry.updateOne({ _id: `${A}:3` }, { $set: { n: 3 } }, { upsert: true }));
      expect(queries.map((q) => q.filter)).toEqual([{ _id: `${A}:3`, tenantId: A }]);
      expect(await crossTenant(() => Entry.findOne({ _id: `${A}:3` }).lean())).toMatchObject({ tenantId: A, n: 3 });
    });

    it("refuses to insert an _id that names another tenant, or none, in context and across tenants", async () => {
      for (const insert of [
        () => inA(() => Entry.insertMany([{ _id: `${B}:9`, n: 9 }])),
        () => inA(() => Entry.insertMany([{ _id: `${B}:9`, n: 9 }], { lean: true })),
        () => inA(() => Entry.create({ _id: 'no-prefix', n: 9 })),
        () => crossTenant(() => Entry.insertMany([{ _id: `${B}:9`, tenantId: A, n: 9 }], { lean: true })),
      ]) {
        await expect(insert()).rejects.toBeInstanceOf(TenantScopeError);
      }
      expect(await crossTenant(() => Entry.countDocuments({ n: 9 }))).toBe(0);
      await crossTenant(() => Entry.insertMany([{ _id: `${B}:8`, tenantId: B, n: 8 }], { lean: true }));
      expect(await inB(() => Entry.findOne({ _id: `${B}:8` }).lean())).toMatchObject({ n: 8 });
    });
  });

  describe('assertEveryModelIsScoped', () => {
    let other: Connection;
    const tenantRecordSchema = () => new Schema({ name: String }, { collection: 'tenants' });

    beforeEach(async () => {
      other = await mongoose.createConnection(testDatabaseUri('tenant_plugin_models'), connectOptions).asPromise();
    });

    afterEach(async () => {
      await other?.close();
    });

    it('lists tenants as the only platform collection', () => {
      expect(PLATFORM_COLLECTIONS).toEqual(['tenants']);
    });

    it('passes for scoped tenant models and platform collections', () => {
      other.plugin(createTenantPlugin(ctx));
      other.model('Contact', contactSchema());
      other.model('Tenant', tenantRecordSchema());
      expect(() => assertEveryModelIsScoped(other)).not.toThrow();
      expect(() => assertEveryModelIsScoped(connection)).not.toThrow();
    });

    it('lists every model that is not scoped, and why', () => {
      other.model('Early', contactSchema().clone().set('collection', 'early')); // compiled before the plugin
      other.plugin(createTenantPlugin(ctx));
      other.model('Widget', new Schema({ name: String }, { collection: 'widgets' }));
      const loose = new Schema({ tenantId: String, email: String }, { collection: 'loose' });
      loose.index({ email: 1 }, { unique: true });
      other.model('Loose', loose);
      other.model('Tenant', tenantRecordSchema());
      let message = '';
      try {
        assertEveryModelIsScoped(other);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toContain('Early (collection early) compiled without the tenant plugin');
      expect(message).toContain('Widget (collection widgets) has no tenantId path');
      expect(message).toContain('Loose (collection loose): tenantId must be a required String');
      expect(message).toContain('Loose (collection loose): index {"email":1} must start with tenantId');
      expect(message).not.toContain('Tenant (collection tenants)');
    });
  });
});
