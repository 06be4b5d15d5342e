import { Injectable } from '@nestjs/common';
import { RowScope } from '#src/kernel/auth/row-scope';
import { RevisionClaims } from '#src/kernel/concurrency/revision-claims';
import { assertIfMatch } from '#src/kernel/http/etag';
import { LeadRepository } from '../domain/lead';
import { leadNotFound } from '../domain/lead.errors';
import { invalidTransition, isActiveRegistration, isPartnerEditable } from '../domain/lead-status';
import { LeadCaller } from './lead-caller';
import { RegistrationGuard } from './registration-guard';

/**
 * Soft-deletes a lead as its next revision, honouring If-Match; it then answers 404 everywhere and
 * its registration keys are released. A converted lead stays (an opportunity refers to it);
 * partner-side users may withdraw only leads still submitted or returned.
 */
@Injectable()
export class DeleteLead {
  constructor(
    private readonly leads: LeadRepository,
    private readonly rowScope: RowScope,
    private readonly claims: RevisionClaims,
    private readonly caller: LeadCaller,
    private readonly guard: RegistrationGuard,
  ) {}

  async execute(id: string, expected: number | '*' | undefined): Promise<void> {
    const scope = this.rowScope.filter('leads:delete');
    await this.claims.applyChange(
      `lead:${id}`,
      expected,
      async () => {
        const lead = await this.leads.findById(id, scope);
        if (!lead) throw leadNotFound();
        assertIfMatch(expected, lead.revision);
        if (lead.status === 'converted') throw invalidTransition(lead.status, 'deleted');
        if (this.caller.partnerSide && !isPartnerEditable(lead.status)) throw invalidTransition(lead.status, 'deleted by partner users');
        return lead;
      },
      async (current, revision) => {
        await this.leads.markDeleted(current.id, revision, new Date());
        if (isActiveRegistration(current.status)) await this.guard.release(current.id, current.partnerId, current.registrationKeys);
      },
    );
  }
}
