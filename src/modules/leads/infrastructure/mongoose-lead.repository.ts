import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted, Types } from 'mongoose';
import { whereBetween, whereEquals, whereStartsWith } from '#src/kernel/database/filter-conditions';
import { keysetAfter, keysetSortSpec, SortPaths } from '#src/kernel/database/keyset-query';
import { presentField } from '#src/kernel/database/present-field';
import { NOT_DELETED } from '#src/kernel/database/record-fields';
import { revisionUpdate } from '#src/kernel/database/revision-update';
import { toStateChange } from '#src/kernel/database/state-change.schema';
import { isObjectIdHex } from '#src/kernel/domain/object-id';
import { foldedSortKey } from '#src/kernel/domain/text';
import { cursorRows } from '#src/kernel/export';
import { Lead, LeadContact, LeadRepository, LeadWrite, NewLead, RowFilter } from '../domain/lead';
import { LeadListFilter, LeadPageRequest, LeadSort, LeadSortField } from '../domain/lead-list';
import { LeadContactRecord, LeadRecord } from './lead.schema';

function toContact(record: LeadContactRecord): LeadContact {
  return {
    name: record.name,
    email: record.email,
    ...(record.phone ? { phone: record.phone } : {}),
    ...(record.title ? { title: record.title } : {}),
  };
}

function toLead(doc: LeadRecord): Lead {
  return {
    id: doc._id,
    companyName: doc.companyName,
    companyDomain: doc.companyDomain,
    contact: toContact(doc.contact),
    valueMinor: doc.valueMinor,
    currency: doc.currency,
    ...presentField(doc, 'expectedCloseDate'),
    partnerId: doc.partnerId,
    ownerId: doc.ownerId,
    ...presentField(doc, 'source'),
    ...presentField(doc, 'notes'),
    ...presentField(doc, 'internalNotes'),
    ...presentField(doc, 'commissionBasisPoints'),
    status: doc.status,
    statusHistory: (doc.statusHistory ?? []).map(toStateChange),
    conflictsWith: doc.conflictsWith ?? [],
    registrationKeys: doc.registrationKeys ?? [],
    ...presentField(doc, 'approvedAt'),
    ...presentField(doc, 'convertedOpportunityId'),
    revision: doc.revision,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

const SORT_PATHS: SortPaths<LeadSortField> = {
  createdAt: 'createdAt',
  updatedAt: 'updatedAt',
  valueMinor: 'valueMinor',
  companyName: 'companyNameKey',
};

/** The filter's own conditions (deleted leads left out); the caller's row scope is ANDed beside them, never merged in. */
function filterConditions(filter: LeadListFilter): Record<string, unknown> {
  return {
    ...NOT_DELETED,
    ...whereEquals('status', filter.status),
    ...whereEquals('partnerId', filter.partnerId),
    ...whereEquals('ownerId', filter.ownerId),
    ...whereBetween('createdAt', filter.createdFrom, filter.createdTo, 'exclusive'),
    ...whereBetween('updatedAt', filter.updatedFrom, filter.updatedTo, 'exclusive'),
    ...whereBetween('valueMinor', filter.minValue, filter.maxValue, 'inclusive'),
    ...whereStartsWith('companyNameKey', filter.namePrefix === undefined ? undefined : foldedSortKey(filter.namePrefix)),
  };
}

function sortSpec(sort: LeadSort): Record<string, 1 | -1> {
  return keysetSortSpec(sort, SORT_PATHS);
}

/**
 * Mongoose adapter. The tenant plugin adds the tenant to every query and stamps every insert;
 * the caller's row scope is ANDed into every read as a whole condition, never merged key by key.
 */
@Injectable()
export class MongooseLeadRepository extends LeadRepository {
  constructor(@InjectModel(LeadRecord.name) private readonly leads: Model<LeadRecord>) {
    super();
  }

  newId(): string {
    return new Types.ObjectId().toHexString();
  }

  async insert(lead: NewLead): Promise<Lead> {
    const { id, ...fields } = lead;
    const doc = await this.leads.create({
      ...fields,
      statusHistory: [...fields.statusHistory],
      conflictsWith: [...fields.conflictsWith],
      registrationKeys: [...fields.registrationKeys],
      _id: id,
      companyNameKey: foldedSortKey(lead.companyName),
      revision: 1,
    });
    return toLead(doc.toObject());
  }

  async findById(id: string, scope: RowFilter): Promise<Lead | undefined> {
    if (!isObjectIdHex(id)) return undefined;
    const doc = await this.leads.findOne({ $and: [scope, { _id: { $eq: id }, ...NOT_DELETED }] }).lean();
    return doc ? toLead(doc) : undefined;
  }

  async list(filter: LeadListFilter, page: LeadPageRequest, scope: RowFilter): Promise<Lead[]> {
    const conditions: Record<string, unknown>[] = [scope, filterConditions(filter)];
    if (page.after) conditions.push(keysetAfter(page.sort, SORT_PATHS, page.after));
    const docs = await this.leads.find({ $and: conditions }).sort(sortSpec(page.sort)).limit(page.limit + 1).lean();
    return docs.map(toLead);
  }

  async *stream(filter: LeadListFilter, sort: LeadSort | undefined, scope: RowFilter, batchSize: number): AsyncIterable<Lead> {
    const query = this.leads.find({ $and: [scope, filterConditions(filter)] });
    // Unsorted unless asked: FerretDB sorts in memory, so a sorted export of a million rows would
    // be held in the database before the first byte (measured by npm run bench).
    const rows = cursorRows(() => (sort ? query.sort(sortSpec(sort)) : query).lean().cursor({ batchSize }));
    for await (const doc of rows) yield toLead(doc as LeadRecord);
  }

  async applyRevision(id: string, revision: number, changes: LeadWrite): Promise<Lead | undefined> {
    const derived = typeof changes.companyName === 'string' ? { companyNameKey: foldedSortKey(changes.companyName) } : {};
    const update = revisionUpdate(revision, changes, derived);
    // A plain write by id: the revision claim already decided that this caller may write.
    const doc = await this.leads.findOneAndUpdate({ _id: { $eq: id } }, update, { returnDocument: 'after', runValidators: true }).lean();
    return doc ? toLead(doc) : undefined;
  }

  async markDeleted(id: string, revision: number, at: Date): Promise<void> {
    await this.leads.updateOne({ _id: { $eq: id } }, { $set: { deletedAt: at, revision } });
  }

  async findApprovedBefore(cutoff: Date, limit: number): Promise<Lead[]> {
    const docs = await this.leads
      .find({ ...NOT_DELETED, status: { $eq: 'approved' }, approvedAt: trusted({ $lt: cutoff }) })
      .sort({ approvedAt: 1, _id: 1 })
      .limit(limit)
      .lean();
    return docs.map(toLead);
  }

  async tenantsWithApprovedLeads(): Promise<string[]> {
    const ids: unknown[] = await this.leads.distinct('tenantId', { ...NOT_DELETED, status: { $eq: 'approved' } });
    return ids.filter((id): id is string => typeof id === 'string').sort();
  }
}
