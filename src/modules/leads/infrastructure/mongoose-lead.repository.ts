import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types, UpdateQuery } from 'mongoose';
import { isObjectIdHex } from '#src/kernel/domain/object-id';
import { foldedSortKey } from '#src/kernel/domain/text';
import { cursorRows } from '#src/kernel/export';
import { Lead, LeadContact, LeadRepository, LeadWrite, NewLead, RowFilter } from '../domain/lead';
import { LeadListFilter, LeadPageRequest, LeadSort, LeadSortField } from '../domain/lead-list';
import type { LeadStatusChange } from '../domain/lead-status';
import { LeadContactRecord, LeadRecord, LeadStatusChangeRecord } from './lead.schema';

function toContact(record: LeadContactRecord): LeadContact {
  return {
    name: record.name,
    email: record.email,
    ...(record.phone ? { phone: record.phone } : {}),
    ...(record.title ? { title: record.title } : {}),
  };
}

function toChange(record: LeadStatusChangeRecord): LeadStatusChange {
  return {
    ...(record.from ? { from: record.from } : {}),
    to: record.to,
    by: record.by,
    at: record.at,
    ...(record.reason ? { reason: record.reason } : {}),
  };
}

function toLead(doc: LeadRecord): Lead {
  const optional = <K extends keyof LeadRecord>(key: K): Partial<Pick<LeadRecord, K>> =>
    doc[key] === undefined || doc[key] === null ? {} : ({ [key]: doc[key] } as Pick<LeadRecord, K>);
  return {
    id: doc._id,
    companyName: doc.companyName,
    companyDomain: doc.companyDomain,
    contact: toContact(doc.contact),
    valueMinor: doc.valueMinor,
    currency: doc.currency,
    ...optional('expectedCloseDate'),
    partnerId: doc.partnerId,
    ownerId: doc.ownerId,
    ...optional('source'),
    ...optional('notes'),
    ...optional('internalNotes'),
    ...optional('commissionBasisPoints'),
    status: doc.status,
    statusHistory: (doc.statusHistory ?? []).map(toChange),
    conflictsWith: doc.conflictsWith ?? [],
    registrationKeys: doc.registrationKeys ?? [],
    ...optional('approvedAt'),
    ...optional('convertedOpportunityId'),
    revision: doc.revision,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// Deleted leads are invisible; null also matches a missing field.
const LIVE = { deletedAt: null };

const SORT_PATH: Readonly<Record<LeadSortField, string>> = {
  createdAt: 'createdAt',
  updatedAt: 'updatedAt',
  valueMinor: 'valueMinor',
  companyName: 'companyNameKey',
};

function range(from: Date | number | undefined, to: Date | number | undefined, toInclusive: boolean): Record<string, unknown> | undefined {
  if (from === undefined && to === undefined) return undefined;
  return {
    ...(from === undefined ? {} : { $gte: from }),
    ...(to === undefined ? {} : { [toInclusive ? '$lte' : '$lt']: to }),
  };
}

/** The filter's own conditions; the caller's row scope is ANDed beside them, never merged in. */
function filterConditions(filter: LeadListFilter): Record<string, unknown> {
  const own: Record<string, unknown> = { ...LIVE };
  if (filter.status !== undefined) own.status = { $eq: filter.status };
  if (filter.partnerId !== undefined) own.partnerId = { $eq: filter.partnerId };
  if (filter.ownerId !== undefined) own.ownerId = { $eq: filter.ownerId };
  const created = range(filter.createdFrom, filter.createdTo, false);
  if (created) own.createdAt = created;
  const updated = range(filter.updatedFrom, filter.updatedTo, false);
  if (updated) own.updatedAt = updated;
  const value = range(filter.minValue, filter.maxValue, true);
  if (value) own.valueMinor = value;
  if (filter.namePrefix !== undefined) own.companyNameKey = { $regex: `^${escapeRegex(foldedSortKey(filter.namePrefix))}` };
  return own;
}

function sortSpec(sort: LeadSort): Record<string, 1 | -1> {
  return { [SORT_PATH[sort.field]]: sort.direction, _id: sort.direction };
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
    const doc = await this.leads.findOne({ $and: [scope, { _id: { $eq: id }, ...LIVE }] }).lean();
    return doc ? toLead(doc) : undefined;
  }

  async list(filter: LeadListFilter, page: LeadPageRequest, scope: RowFilter): Promise<Lead[]> {
    const conditions: Record<string, unknown>[] = [scope, filterConditions(filter)];
    if (page.after) {
      // Keyset pagination: strictly after (sort value, id) in the sort's direction; no skip.
      const path = SORT_PATH[page.sort.field];
      const beyond = page.sort.direction === 1 ? '$gt' : '$lt';
      conditions.push({ $or: [{ [path]: { [beyond]: page.after.value } }, { [path]: { $eq: page.after.value }, _id: { [beyond]: page.after.id } }] });
    }
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
    const $set: Record<string, unknown> = { revision };
    const $unset: Record<string, ''> = {};
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) $unset[key] = '';
      else $set[key] = value;
    }
    if (typeof changes.companyName === 'string') $set.companyNameKey = foldedSortKey(changes.companyName);
    const update: UpdateQuery<LeadRecord> = Object.keys($unset).length > 0 ? { $set, $unset } : { $set };
    // A plain write by id: the revision claim already decided that this caller may write.
    const doc = await this.leads.findOneAndUpdate({ _id: { $eq: id } }, update, { returnDocument: 'after', runValidators: true }).lean();
    return doc ? toLead(doc) : undefined;
  }

  async markDeleted(id: string, revision: number, at: Date): Promise<void> {
    await this.leads.updateOne({ _id: { $eq: id } }, { $set: { deletedAt: at, revision } });
  }

  async findApprovedBefore(cutoff: Date, limit: number): Promise<Lead[]> {
    const docs = await this.leads
      .find({ ...LIVE, status: { $eq: 'approved' }, approvedAt: { $lt: cutoff } })
      .sort({ approvedAt: 1, _id: 1 })
      .limit(limit)
      .lean();
    return docs.map(toLead);
  }

  async tenantsWithApprovedLeads(): Promise<string[]> {
    const ids: unknown[] = await this.leads.distinct('tenantId', { ...LIVE, status: { $eq: 'approved' } });
    return ids.filter((id): id is string => typeof id === 'string').sort();
  }
}
