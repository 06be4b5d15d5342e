import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { RequestContext } from '#src/kernel/context/request-context';
import { isDuplicateKeyError } from '#src/kernel/database/database-errors';
import { RegistrationClaim, RegistrationClaimStore, RegistrationHolder } from '../domain/registration-claims';
import { RegistrationClaimRecord, RegistrationHolderRecord } from './registration-claim.schema';

/**
 * Claims and holders with deterministic ids that include the tenant, so one tenant's key can never
 * collide with (or reveal) another's. The tenant plugin still scopes every operation.
 */
@Injectable()
export class MongooseRegistrationClaims extends RegistrationClaimStore {
  constructor(
    @InjectModel(RegistrationClaimRecord.name) private readonly claims: Model<RegistrationClaimRecord>,
    @InjectModel(RegistrationHolderRecord.name) private readonly holders: Model<RegistrationHolderRecord>,
    private readonly context: RequestContext,
  ) {
    super();
  }

  private claimId(key: string): string {
    return `${this.context.requireTenantId('a registration claim')}|${key}`;
  }

  async addHolder(key: string, leadId: string, partnerId: string): Promise<void> {
    try {
      await this.holders.create({ _id: `${this.claimId(key)}|${leadId}`, key, leadId, partnerId });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  async removeHolder(key: string, leadId: string): Promise<void> {
    await this.holders.deleteOne({ _id: { $eq: `${this.claimId(key)}|${leadId}` } });
  }

  async holdersOf(key: string): Promise<RegistrationHolder[]> {
    const docs = await this.holders.find({ key: { $eq: key } }).sort({ createdAt: 1, _id: 1 }).lean();
    return docs.map((d) => ({ leadId: d.leadId, partnerId: d.partnerId }));
  }

  async insertClaim(key: string, partnerId: string, leadId: string): Promise<boolean> {
    try {
      await this.claims.create({ _id: this.claimId(key), key, partnerId, leadId });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async findClaim(key: string): Promise<RegistrationClaim | undefined> {
    const doc = await this.claims.findById(this.claimId(key)).lean();
    return doc ? { key: doc.key, partnerId: doc.partnerId, leadId: doc.leadId } : undefined;
  }

  async deleteClaim(key: string): Promise<void> {
    await this.claims.deleteOne({ _id: { $eq: this.claimId(key) } });
  }
}
