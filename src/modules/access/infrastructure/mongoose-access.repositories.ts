import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import type { Role } from '#src/kernel/context/request-context';
import { RoleGrants, RoleGrantsRepository } from '../domain/role-grants';
import { TenantSettings, TenantSettingsRepository } from '../domain/tenant-settings';
import { RoleGrantsRecord } from './role-grants.schema';
import { TenantSettingsRecord } from './tenant-settings.schema';

// Writes are upserts on the row's unique (tenantId[, role]) key; callers have already won the
// revision claim, so no two writers reach here for the same revision.

@Injectable()
export class MongooseRoleGrantsRepository extends RoleGrantsRepository {
  constructor(@InjectModel(RoleGrantsRecord.name) private readonly rows: Model<RoleGrantsRecord>) {
    super();
  }

  async findAll(): Promise<RoleGrants[]> {
    return (await this.rows.find().lean()).map(({ role, grants, revision }) => ({ role, grants, revision }));
  }

  async find(role: Role): Promise<RoleGrants | undefined> {
    const row = await this.rows.findOne({ role: { $eq: role } }).lean();
    return row ? { role: row.role, grants: row.grants, revision: row.revision } : undefined;
  }

  async save({ role, grants, revision }: RoleGrants): Promise<void> {
    await this.rows.updateOne({ role: { $eq: role } }, { $set: { grants: [...grants], revision } }, { upsert: true });
  }
}

@Injectable()
export class MongooseTenantSettingsRepository extends TenantSettingsRepository {
  constructor(@InjectModel(TenantSettingsRecord.name) private readonly rows: Model<TenantSettingsRecord>) {
    super();
  }

  async find(): Promise<TenantSettings | undefined> {
    const row = await this.rows.findOne().lean();
    return row
      ? { requireMfaForAdminActions: row.requireMfaForAdminActions, registrationProtectionDays: row.registrationProtectionDays, revision: row.revision }
      : undefined;
  }

  async save(settings: TenantSettings): Promise<void> {
    await this.rows.updateOne({}, { $set: { ...settings } }, { upsert: true });
  }
}
