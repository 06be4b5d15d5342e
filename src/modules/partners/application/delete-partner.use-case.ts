import { Injectable } from '@nestjs/common';
import { RowScope } from '#src/kernel/auth/row-scope';
import { RevisionClaims } from '#src/kernel/concurrency/revision-claims';
import { PartnerRepository } from '../domain/partner';
import { partnerNotFound } from '../domain/partner.errors';

/** Soft-deletes a partner as its next revision, honouring If-Match; it then answers 404 everywhere. */
@Injectable()
export class DeletePartner {
  constructor(
    private readonly partners: PartnerRepository,
    private readonly rowScope: RowScope,
    private readonly claims: RevisionClaims,
  ) {}

  async execute(id: string, expected: number | '*' | undefined): Promise<void> {
    const scope = this.rowScope.filter('partners:delete');
    await this.claims.applyChange(
      `partner:${id}`,
      expected,
      async () => {
        const partner = await this.partners.findById(id, scope);
        if (!partner) throw partnerNotFound();
        return partner;
      },
      (current, revision) => this.partners.markDeleted(current.id, revision, new Date()),
    );
  }
}
