import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted } from 'mongoose';
import { isDuplicateKeyError } from '#src/kernel/database/database-errors';
import { isObjectIdHex } from '#src/kernel/domain/object-id';
import type { PageRequest } from '#src/kernel/http/pagination';
import { Membership, MembershipChange, MembershipRepository, NewMembership, PENDING_SUB_PREFIX, pendingSubFor } from '../domain/membership';
import { membershipExists, membershipNotFound } from '../domain/membership.errors';
import { MembershipRecord } from './membership.schema';

function toMembership(doc: MembershipRecord & { _id: unknown }): Membership {
  return {
    id: String(doc._id),
    sub: doc.sub.startsWith(PENDING_SUB_PREFIX) ? undefined : doc.sub,
    email: doc.email ?? undefined,
    role: doc.role,
    partnerId: doc.partnerId ?? undefined,
    status: doc.status,
    revision: doc.revision ?? 1,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

/** Mongoose adapter; the tenant plugin adds the tenant to every query and stamps every insert. */
@Injectable()
export class MongooseMembershipRepository extends MembershipRepository {
  constructor(@InjectModel(MembershipRecord.name) private readonly memberships: Model<MembershipRecord>) {
    super();
  }

  async insert(membership: NewMembership): Promise<Membership> {
    try {
      const pending = membership.sub === undefined;
      const doc = await this.memberships.create({
        ...membership,
        email: membership.email?.toLowerCase(),
        sub: membership.sub ?? pendingSubFor(membership.email ?? ''),
        status: pending ? 'pending' : 'active',
        revision: 1,
      });
      return toMembership(doc.toObject());
    } catch (error) {
      if (isDuplicateKeyError(error)) throw membershipExists();
      throw error;
    }
  }

  async findById(id: string): Promise<Membership | undefined> {
    // Only the id as the API writes it: mongoose's isValidObjectId also takes upper case and any
    // 12-character string, which would make other spellings of an id name the same member.
    if (!isObjectIdHex(id)) return undefined;
    const doc = await this.memberships.findById(id).lean();
    return doc ? toMembership(doc) : undefined;
  }

  async findActiveBySub(sub: string): Promise<Membership | undefined> {
    const doc = await this.memberships.findOne({ sub: { $eq: sub }, status: 'active' }).lean();
    return doc ? toMembership(doc) : undefined;
  }

  async findPendingByEmail(email: string): Promise<Membership | undefined> {
    const doc = await this.memberships.findOne({ sub: { $eq: pendingSubFor(email) }, status: 'pending' }).lean();
    return doc ? toMembership(doc) : undefined;
  }

  async countActiveAdmins(): Promise<number> {
    return this.memberships.countDocuments({ role: 'Admin', status: 'active' });
  }

  async update(id: string, change: MembershipChange, revision: number): Promise<Membership> {
    const set: Record<string, unknown> = { revision };
    const unset: Record<string, 1> = {};
    if (change.sub !== undefined) set.sub = change.sub;
    if (change.role !== undefined) set.role = change.role;
    if (change.status !== undefined) set.status = change.status;
    if (change.partnerId === null) unset.partnerId = 1;
    else if (change.partnerId !== undefined) set.partnerId = change.partnerId;
    try {
      const doc = await this.memberships
        .findOneAndUpdate({ _id: id }, { $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}) }, { returnDocument: 'after' })
        .lean();
      if (!doc) throw membershipNotFound();
      return toMembership(doc);
    } catch (error) {
      if (isDuplicateKeyError(error)) throw membershipExists();
      throw error;
    }
  }

  async list({ afterId, limit }: PageRequest): Promise<Membership[]> {
    const filter = afterId ? { _id: trusted({ $gt: afterId }) } : {};
    return (await this.memberships.find(filter).sort({ _id: 1 }).limit(limit + 1).lean()).map(toMembership);
  }
}
