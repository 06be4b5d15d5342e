import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { isValidObjectId, Model } from 'mongoose';
import { isDuplicateKeyError } from '#src/kernel/database/database-errors';
import type { PageRequest } from '#src/kernel/http/pagination';
import { Membership, MembershipRepository, NewMembership } from '../domain/membership';
import { membershipExists } from '../domain/membership.errors';
import { MembershipRecord } from './membership.schema';

function toMembership(doc: MembershipRecord & { _id: unknown }): Membership {
  return {
    id: String(doc._id),
    sub: doc.sub,
    email: doc.email ?? undefined,
    role: doc.role,
    partnerId: doc.partnerId ?? undefined,
    status: doc.status,
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
      const doc = await this.memberships.create({ ...membership, status: 'active' });
      return toMembership(doc.toObject());
    } catch (error) {
      if (isDuplicateKeyError(error)) throw membershipExists();
      throw error;
    }
  }

  async findById(id: string): Promise<Membership | undefined> {
    if (!isValidObjectId(id)) return undefined;
    const doc = await this.memberships.findById(id).lean();
    return doc ? toMembership(doc) : undefined;
  }

  async findActiveBySub(sub: string): Promise<Membership | undefined> {
    const doc = await this.memberships.findOne({ sub: { $eq: sub }, status: 'active' }).lean();
    return doc ? toMembership(doc) : undefined;
  }

  async list({ afterId, limit }: PageRequest): Promise<Membership[]> {
    const filter = afterId ? { _id: { $gt: afterId } } : {};
    return (await this.memberships.find(filter).sort({ _id: 1 }).limit(limit + 1).lean()).map(toMembership);
  }
}
