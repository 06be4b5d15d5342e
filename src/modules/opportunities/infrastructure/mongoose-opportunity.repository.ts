import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types, UpdateQuery } from 'mongoose';
import { isDuplicateKeyError } from '#src/kernel/database/database-errors';
import { isObjectIdHex } from '#src/kernel/domain/object-id';
import { foldedSortKey } from '#src/kernel/domain/text';
import { cursorRows } from '#src/kernel/export';
import {
  NewOpportunity,
  Opportunity,
  OpportunityRepository,
  OpportunityWrite,
  RowFilter,
} from '../domain/opportunity';
import { leadAlreadyConverted } from '../domain/opportunity.errors';
import { closeDateSortKey, OpportunityListFilter, OpportunityPageRequest, OpportunitySort, OpportunitySortField } from '../domain/opportunity-list';
import type { StageChange } from '../domain/opportunity-stage';
import { OpportunityRecord, StageChangeRecord } from './opportunity.schema';

function toChange(record: StageChangeRecord): StageChange {
  return {
    ...(record.from ? { from: record.from } : {}),
    to: record.to,
    by: record.by,
    at: record.at,
    ...(record.reason ? { reason: record.reason } : {}),
  };
}

function toOpportunity(doc: OpportunityRecord): Opportunity {
  const optional = <K extends keyof OpportunityRecord>(key: K): Partial<Pick<OpportunityRecord, K>> =>
    doc[key] === undefined || doc[key] === null ? {} : ({ [key]: doc[key] } as Pick<OpportunityRecord, K>);
  return {
    id: doc._id,
    name: doc.name,
    amountMinor: doc.amountMinor,
    currency: doc.currency,
    stage: doc.stage,
    probability: doc.probability,
    ...optional('expectedCloseDate'),
    partnerId: doc.partnerId,
    ownerId: doc.ownerId,
    ...optional('leadId'),
    ...optional('closeReason'),
    stageHistory: (doc.stageHistory ?? []).map(toChange),
    revision: doc.revision,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// Deleted opportunities are invisible; null also matches a missing field.
const LIVE = { deletedAt: null };

const SORT_PATH: Readonly<Record<OpportunitySortField, string>> = {
  createdAt: 'createdAt',
  updatedAt: 'updatedAt',
  amountMinor: 'amountMinor',
  name: 'nameKey',
  expectedCloseDate: 'expectedCloseKey',
};

function range(from: Date | number | undefined, to: Date | number | undefined, toInclusive: boolean): Record<string, unknown> | undefined {
  if (from === undefined && to === undefined) return undefined;
  return {
    ...(from === undefined ? {} : { $gte: from }),
    ...(to === undefined ? {} : { [toInclusive ? '$lte' : '$lt']: to }),
  };
}

/** The filter's own conditions; the caller's row scope is ANDed beside them, never merged in. */
function filterConditions(filter: OpportunityListFilter): Record<string, unknown> {
  const own: Record<string, unknown> = { ...LIVE };
  if (filter.stage !== undefined) own.stage = { $eq: filter.stage };
  if (filter.partnerId !== undefined) own.partnerId = { $eq: filter.partnerId };
  if (filter.ownerId !== undefined) own.ownerId = { $eq: filter.ownerId };
  const created = range(filter.createdFrom, filter.createdTo, false);
  if (created) own.createdAt = created;
  const updated = range(filter.updatedFrom, filter.updatedTo, false);
  if (updated) own.updatedAt = updated;
  const amount = range(filter.minAmount, filter.maxAmount, true);
  if (amount) own.amountMinor = amount;
  if (filter.namePrefix !== undefined) own.nameKey = { $regex: `^${escapeRegex(foldedSortKey(filter.namePrefix))}` };
  return own;
}

function sortSpec(sort: OpportunitySort | undefined): Record<string, 1 | -1> {
  if (sort === undefined) return { _id: 1 };
  return { [SORT_PATH[sort.field]]: sort.direction, _id: sort.direction };
}

/**
 * Mongoose adapter. The tenant plugin adds the tenant to every query and stamps every insert;
 * the caller's row scope is ANDed into every read as a whole condition, never merged key by key.
 */
@Injectable()
export class MongooseOpportunityRepository extends OpportunityRepository {
  constructor(@InjectModel(OpportunityRecord.name) private readonly opportunities: Model<OpportunityRecord>) {
    super();
  }

  newId(): string {
    return new Types.ObjectId().toHexString();
  }

  async insert(opportunity: NewOpportunity): Promise<Opportunity> {
    const { id, ...fields } = opportunity;
    try {
      const doc = await this.opportunities.create({
        ...fields,
        stageHistory: [...fields.stageHistory],
        _id: id,
        nameKey: foldedSortKey(fields.name),
        expectedCloseKey: closeDateSortKey(fields.expectedCloseDate),
        leadKey: fields.leadId === undefined ? `own:${id}` : `lead:${fields.leadId}`,
        revision: 1,
      });
      return toOpportunity(doc.toObject());
    } catch (error) {
      // Code 11000 is all FerretDB tells; with a fresh ObjectId, only the lead key can collide.
      if (fields.leadId !== undefined && isDuplicateKeyError(error)) throw leadAlreadyConverted();
      throw error;
    }
  }

  async findById(id: string, scope: RowFilter): Promise<Opportunity | undefined> {
    if (!isObjectIdHex(id)) return undefined;
    const doc = await this.opportunities.findOne({ $and: [scope, { _id: { $eq: id }, ...LIVE }] }).lean();
    return doc ? toOpportunity(doc) : undefined;
  }

  async list(filter: OpportunityListFilter, page: OpportunityPageRequest, scope: RowFilter): Promise<Opportunity[]> {
    const conditions: Record<string, unknown>[] = [scope, filterConditions(filter)];
    if (page.after) {
      // Keyset pagination: strictly after (sort value, id) in the sort's direction; no skip.
      const path = SORT_PATH[page.sort.field];
      const beyond = page.sort.direction === 1 ? '$gt' : '$lt';
      conditions.push({ $or: [{ [path]: { [beyond]: page.after.value } }, { [path]: { $eq: page.after.value }, _id: { [beyond]: page.after.id } }] });
    }
    const docs = await this.opportunities.find({ $and: conditions }).sort(sortSpec(page.sort)).limit(page.limit + 1).lean();
    return docs.map(toOpportunity);
  }

  async *stream(filter: OpportunityListFilter, sort: OpportunitySort | undefined, scope: RowFilter, batchSize: number): AsyncIterable<Opportunity> {
    const rows = cursorRows(() => this.opportunities.find({ $and: [scope, filterConditions(filter)] }).sort(sortSpec(sort)).lean().cursor({ batchSize }));
    for await (const doc of rows) yield toOpportunity(doc as OpportunityRecord);
  }

  async applyRevision(id: string, revision: number, changes: OpportunityWrite): Promise<Opportunity | undefined> {
    const $set: Record<string, unknown> = { revision };
    const $unset: Record<string, ''> = {};
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) $unset[key] = '';
      else $set[key] = value;
    }
    if (typeof changes.name === 'string') $set.nameKey = foldedSortKey(changes.name);
    if (changes.expectedCloseDate !== undefined) $set.expectedCloseKey = closeDateSortKey(changes.expectedCloseDate ?? undefined);
    const update: UpdateQuery<OpportunityRecord> = Object.keys($unset).length > 0 ? { $set, $unset } : { $set };
    // A plain write by id: the revision claim already decided that this caller may write.
    const doc = await this.opportunities.findOneAndUpdate({ _id: { $eq: id } }, update, { returnDocument: 'after', runValidators: true }).lean();
    return doc ? toOpportunity(doc) : undefined;
  }

  async markDeleted(id: string, revision: number, at: Date): Promise<void> {
    await this.opportunities.updateOne({ _id: { $eq: id } }, { $set: { deletedAt: at, revision } });
  }

  async discard(id: string): Promise<void> {
    await this.opportunities.deleteOne({ _id: { $eq: id } });
  }

  async findByLead(leadId: string): Promise<Opportunity | undefined> {
    const doc = await this.opportunities.findOne({ leadKey: { $eq: `lead:${leadId}` } }).lean();
    return doc ? toOpportunity(doc) : undefined;
  }
}
