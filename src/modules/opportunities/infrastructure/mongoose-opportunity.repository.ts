import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { isDuplicateKeyError } from '#src/kernel/database/database-errors';
import { whereBetween, whereEquals, whereStartsWith } from '#src/kernel/database/filter-conditions';
import { keysetAfter, keysetSortSpec, SortPaths } from '#src/kernel/database/keyset-query';
import { presentField } from '#src/kernel/database/present-field';
import { NOT_DELETED } from '#src/kernel/database/record-fields';
import { revisionUpdate } from '#src/kernel/database/revision-update';
import { toStateChange } from '#src/kernel/database/state-change.schema';
import { isObjectIdHex } from '#src/kernel/domain/object-id';
import { foldedSortKey } from '#src/kernel/domain/text';
import { cursorRows } from '#src/kernel/export';
import { NewOpportunity, Opportunity, OpportunityRepository, OpportunityWrite, RowFilter } from '../domain/opportunity';
import { leadAlreadyConverted } from '../domain/opportunity.errors';
import { closeDateSortKey, OpportunityListFilter, OpportunityPageRequest, OpportunitySort, OpportunitySortField } from '../domain/opportunity-list';
import { OpportunityRecord } from './opportunity.schema';

function toOpportunity(doc: OpportunityRecord): Opportunity {
  return {
    id: doc._id,
    name: doc.name,
    amountMinor: doc.amountMinor,
    currency: doc.currency,
    stage: doc.stage,
    probability: doc.probability,
    ...presentField(doc, 'expectedCloseDate'),
    partnerId: doc.partnerId,
    ownerId: doc.ownerId,
    ...presentField(doc, 'leadId'),
    ...presentField(doc, 'closeReason'),
    stageHistory: (doc.stageHistory ?? []).map(toStateChange),
    revision: doc.revision,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

const SORT_PATHS: SortPaths<OpportunitySortField> = {
  createdAt: 'createdAt',
  updatedAt: 'updatedAt',
  amountMinor: 'amountMinor',
  name: 'nameKey',
  expectedCloseDate: 'expectedCloseKey',
};

/** The filter's own conditions (deleted opportunities left out); the caller's row scope is ANDed beside them, never merged in. */
function filterConditions(filter: OpportunityListFilter): Record<string, unknown> {
  return {
    ...NOT_DELETED,
    ...whereEquals('stage', filter.stage),
    ...whereEquals('partnerId', filter.partnerId),
    ...whereEquals('ownerId', filter.ownerId),
    ...whereBetween('createdAt', filter.createdFrom, filter.createdTo, 'exclusive'),
    ...whereBetween('updatedAt', filter.updatedFrom, filter.updatedTo, 'exclusive'),
    ...whereBetween('amountMinor', filter.minAmount, filter.maxAmount, 'inclusive'),
    ...whereStartsWith('nameKey', filter.namePrefix === undefined ? undefined : foldedSortKey(filter.namePrefix)),
  };
}

/** Without a sort (exports), id order. */
function sortSpec(sort: OpportunitySort | undefined): Record<string, 1 | -1> {
  return sort === undefined ? { _id: 1 } : keysetSortSpec(sort, SORT_PATHS);
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
    const doc = await this.opportunities.findOne({ $and: [scope, { _id: { $eq: id }, ...NOT_DELETED }] }).lean();
    return doc ? toOpportunity(doc) : undefined;
  }

  async list(filter: OpportunityListFilter, page: OpportunityPageRequest, scope: RowFilter): Promise<Opportunity[]> {
    const conditions: Record<string, unknown>[] = [scope, filterConditions(filter)];
    if (page.after) conditions.push(keysetAfter(page.sort, SORT_PATHS, page.after));
    const docs = await this.opportunities.find({ $and: conditions }).sort(sortSpec(page.sort)).limit(page.limit + 1).lean();
    return docs.map(toOpportunity);
  }

  async *stream(filter: OpportunityListFilter, sort: OpportunitySort | undefined, scope: RowFilter, batchSize: number): AsyncIterable<Opportunity> {
    const rows = cursorRows(() => this.opportunities.find({ $and: [scope, filterConditions(filter)] }).sort(sortSpec(sort)).lean().cursor({ batchSize }));
    for await (const doc of rows) yield toOpportunity(doc as OpportunityRecord);
  }

  async applyRevision(id: string, revision: number, changes: OpportunityWrite): Promise<Opportunity | undefined> {
    const update = revisionUpdate(revision, changes, {
      ...(typeof changes.name === 'string' ? { nameKey: foldedSortKey(changes.name) } : {}),
      ...(changes.expectedCloseDate === undefined ? {} : { expectedCloseKey: closeDateSortKey(changes.expectedCloseDate ?? undefined) }),
    });
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
