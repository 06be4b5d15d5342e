import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted } from 'mongoose';
import { whereEquals, whereStartsWith } from '#src/kernel/database/filter-conditions';
import { NOT_DELETED } from '#src/kernel/database/record-fields';
import { revisionUpdate } from '#src/kernel/database/revision-update';
import { isObjectIdHex } from '#src/kernel/domain/object-id';
import type { PageRequest } from '#src/kernel/http/pagination';
import {
  NewPartner,
  Partner,
  PartnerChanges,
  PartnerContact,
  PartnerListFilter,
  PartnerRepository,
  RowFilter,
} from '../domain/partner';
import { PartnerContactRecord, PartnerRecord } from './partner.schema';

function toContact(record: PartnerContactRecord): PartnerContact {
  return {
    name: record.name,
    ...(record.email ? { email: record.email } : {}),
    ...(record.phone ? { phone: record.phone } : {}),
  };
}

function toPartner(doc: PartnerRecord): Partner {
  return {
    id: doc._id,
    name: doc.name,
    website: doc.website ?? undefined,
    domain: doc.domain ?? undefined,
    tier: doc.tier,
    status: doc.status,
    region: doc.region ?? undefined,
    primaryContact: doc.primaryContact ? toContact(doc.primaryContact) : undefined,
    ownerId: doc.ownerId ?? undefined,
    revision: doc.revision,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

/**
 * Mongoose adapter. The tenant plugin adds the tenant to every query and stamps every insert;
 * the caller's row scope is ANDed into every read as a whole condition, never merged key by key.
 */
@Injectable()
export class MongoosePartnerRepository extends PartnerRepository {
  constructor(@InjectModel(PartnerRecord.name) private readonly partners: Model<PartnerRecord>) {
    super();
  }

  async insert(partner: NewPartner): Promise<Partner> {
    const doc = await this.partners.create({ ...partner, revision: 1 });
    return toPartner(doc.toObject());
  }

  async findById(id: string, scope: RowFilter): Promise<Partner | undefined> {
    if (!isObjectIdHex(id)) return undefined;
    const doc = await this.partners.findOne({ $and: [scope, { _id: { $eq: id }, ...NOT_DELETED }] }).lean();
    return doc ? toPartner(doc) : undefined;
  }

  async list(filter: PartnerListFilter, { afterId, limit }: PageRequest, scope: RowFilter): Promise<Partner[]> {
    const own = {
      ...NOT_DELETED,
      ...(afterId === undefined ? {} : { _id: trusted({ $gt: afterId }) }),
      ...whereEquals('status', filter.status),
      ...whereEquals('tier', filter.tier),
      ...whereStartsWith('name', filter.namePrefix, { ignoreCase: true }),
    };
    const docs = await this.partners.find({ $and: [scope, own] }).sort({ _id: 1 }).limit(limit + 1).lean();
    return docs.map(toPartner);
  }

  async applyRevision(id: string, revision: number, changes: PartnerChanges): Promise<Partner | undefined> {
    const update = revisionUpdate(revision, changes);
    // A plain write by id: the revision claim already decided that this caller may write.
    const doc = await this.partners.findOneAndUpdate({ _id: id }, update, { returnDocument: 'after' }).lean();
    return doc ? toPartner(doc) : undefined;
  }

  async markDeleted(id: string, revision: number, at: Date): Promise<void> {
    await this.partners.updateOne({ _id: id }, { $set: { deletedAt: at, revision } });
  }
}
