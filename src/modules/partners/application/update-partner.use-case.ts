import { Injectable } from '@nestjs/common';
import { RowScope } from '#src/kernel/auth/row-scope';
import { RevisionClaims } from '#src/kernel/concurrency/revision-claims';
import { assertIfMatch } from '#src/kernel/http/etag';
import { hasChanges, normalizeChanges, Partner, PartnerChanges, PartnerRepository, RowFilter } from '../domain/partner';
import { partnerNotFound } from '../domain/partner.errors';
import { PartnerOwners } from './partner-owners';

/** Applies a partial change as the next revision, honouring If-Match. */
@Injectable()
export class UpdatePartner {
  constructor(
    private readonly partners: PartnerRepository,
    private readonly rowScope: RowScope,
    private readonly claims: RevisionClaims,
    private readonly owners: PartnerOwners,
  ) {}

  async execute(id: string, requested: PartnerChanges, expected: number | '*' | undefined): Promise<Partner> {
    const scope = this.rowScope.filter('partners:update');
    const changes = normalizeChanges(requested);
    if (!hasChanges(changes)) {
      // Nothing to write: no new revision, but the precondition still holds or fails.
      const current = await this.load(id, scope);
      assertIfMatch(expected, current.revision);
      return current;
    }
    if (typeof changes.ownerId === 'string') await this.owners.assertAssignable(changes.ownerId);
    return this.claims.applyChange(`partner:${id}`, expected, () => this.load(id, scope), async (current, revision) => {
      const updated = await this.partners.applyRevision(current.id, revision, changes);
      if (!updated) throw partnerNotFound();
      return updated;
    });
  }

  private async load(id: string, scope: RowFilter): Promise<Partner> {
    const partner = await this.partners.findById(id, scope);
    if (!partner) throw partnerNotFound();
    return partner;
  }
}
