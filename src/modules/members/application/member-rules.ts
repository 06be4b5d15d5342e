import { Injectable } from '@nestjs/common';
import { Leases } from '#src/kernel/concurrency/leases';
import { FindActivePartner } from '#src/modules/partners';
import { needsPartner, Role } from '../domain/membership';
import { lastAdmin, partnerNotAllowed, partnerRequired, unknownPartner } from '../domain/membership.errors';
import { MembershipRepository } from '../domain/membership';

const ADMIN_CHANGES_LEASE = 'members:admin-changes';

/** Rules shared by adding and changing members: partner affiliation and the last Admin. */
@Injectable()
export class MemberRules {
  constructor(
    private readonly memberships: MembershipRepository,
    private readonly partners: FindActivePartner,
    private readonly leases: Leases,
  ) {}

  /** Partner and Agent need a partner of this tenant; Admin and Staff must have none. */
  async assertAffiliation(role: Role, partnerId: string | undefined): Promise<void> {
    if (!needsPartner(role)) {
      if (partnerId !== undefined) throw partnerNotAllowed(role);
      return;
    }
    if (partnerId === undefined) throw partnerRequired(role);
    if (!(await this.partners.execute(partnerId))) throw unknownPartner();
  }

  /**
   * Runs a change that removes an active Admin, only if another active Admin remains. The
   * check and the write happen under one tenant-wide lease (a unique insert), so two Admins
   * demoting each other at once cannot both succeed, on FerretDB as on MongoDB.
   */
  async keepingAnAdmin<T>(removesAnAdmin: boolean, change: () => Promise<T>): Promise<T> {
    if (!removesAnAdmin) return change();
    return this.leases.withLease(ADMIN_CHANGES_LEASE, async () => {
      if ((await this.memberships.countActiveAdmins()) <= 1) throw lastAdmin();
      return change();
    });
  }
}
