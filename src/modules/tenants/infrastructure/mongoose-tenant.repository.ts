import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { isValidObjectId, Model } from 'mongoose';
import { isDuplicateKeyError } from '#src/kernel/database/database-errors';
import { NewTenant, Tenant, TenantRepository, TenantStatus } from '../domain/tenant';
import { tenantExists } from '../domain/tenant.errors';
import { TenantDocument, TenantRecord } from './tenant.schema';

function toTenant(doc: TenantDocument | (TenantRecord & { _id: unknown })): Tenant {
  return {
    id: String(doc._id),
    name: doc.name,
    orgId: doc.orgId,
    status: doc.status,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

@Injectable()
export class MongooseTenantRepository extends TenantRepository {
  constructor(@InjectModel(TenantRecord.name) private readonly tenants: Model<TenantRecord>) {
    super();
  }

  async insert(tenant: NewTenant): Promise<Tenant> {
    try {
      return toTenant(await this.tenants.create({ ...tenant, status: 'active' }));
    } catch (error) {
      if (isDuplicateKeyError(error)) throw tenantExists(tenant.orgId);
      throw error;
    }
  }

  async findByOrgId(orgId: string): Promise<Tenant | undefined> {
    const doc = await this.tenants.findOne({ orgId: { $eq: orgId } }).lean();
    return doc ? toTenant(doc) : undefined;
  }

  async findById(id: string): Promise<Tenant | undefined> {
    if (!isValidObjectId(id)) return undefined;
    const doc = await this.tenants.findById(id).lean();
    return doc ? toTenant(doc) : undefined;
  }

  async list(): Promise<Tenant[]> {
    return (await this.tenants.find().sort({ _id: 1 }).lean()).map(toTenant);
  }

  async setStatus(orgId: string, status: TenantStatus): Promise<Tenant | undefined> {
    const doc = await this.tenants
      .findOneAndUpdate({ orgId: { $eq: orgId } }, { $set: { status } }, { returnDocument: 'after' })
      .lean();
    return doc ? toTenant(doc) : undefined;
  }

  async remove(id: string): Promise<void> {
    await this.tenants.deleteOne({ _id: id });
  }
}
