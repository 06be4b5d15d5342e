import { Injectable } from '@nestjs/common';
import { RowScope } from '#src/kernel/auth/row-scope';
import { RevisionClaims } from '#src/kernel/concurrency/revision-claims';
import { assertIfMatch } from '#src/kernel/http/etag';
import { hasChanges, INTERNAL_INPUT_FIELDS, Lead, LeadChanges, LeadRepository, LeadView, LeadWrite, normalizeChanges, RowFilter } from '../domain/lead';
import { domainNotRegistrable, fieldsNotAllowed, leadNotFound, registrationConflict } from '../domain/lead.errors';
import { invalidTransition, isActiveRegistration, isPartnerEditable } from '../domain/lead-status';
import { registrableDomainOf, registrationKeysOf } from '../domain/registration-keys';
import { LeadCaller } from './lead-caller';
import { LeadOwners } from './lead-owners';
import { RegistrationGuard } from './registration-guard';

/**
 * Applies a partial change as the next revision, honouring If-Match. Partner-side users may change
 * only their own leads, only while submitted or returned, and never internal fields or the owner.
 * A new company domain or contact email moves the lead's registration keys (conflicts checked).
 */
@Injectable()
export class UpdateLead {
  constructor(
    private readonly leads: LeadRepository,
    private readonly rowScope: RowScope,
    private readonly claims: RevisionClaims,
    private readonly caller: LeadCaller,
    private readonly owners: LeadOwners,
    private readonly guard: RegistrationGuard,
  ) {}

  async execute(id: string, requested: LeadChanges, expected: number | '*' | undefined): Promise<LeadView> {
    const scope = this.rowScope.filter('leads:update');
    if (this.caller.partnerSide) {
      const refused = [...INTERNAL_INPUT_FIELDS, 'ownerId' as const].filter((f) => requested[f] !== undefined);
      if (refused.length > 0) throw fieldsNotAllowed(refused, 'may be set only by Staff or Admin');
    }
    const changes = normalizeChanges(requested);
    if (changes.companyDomain !== undefined && registrableDomainOf(changes.companyDomain) === undefined) throw domainNotRegistrable();
    if (!hasChanges(changes)) {
      // Nothing to write: no new revision, but the precondition still holds or fails.
      const current = await this.load(id, scope);
      assertIfMatch(expected, current.revision);
      return this.caller.view(current);
    }
    const updated = await this.claims.applyChange(
      `lead:${id}`,
      expected,
      async () => {
        const lead = await this.load(id, scope);
        assertIfMatch(expected, lead.revision);
        if (this.caller.partnerSide && !isPartnerEditable(lead.status)) throw invalidTransition(lead.status, 'changed by partner users');
        if (changes.ownerId !== undefined) await this.owners.assertAssignable(changes.ownerId, lead.partnerId);
        return lead;
      },
      (current, revision) => this.write(current, revision, changes),
    );
    return this.caller.view(updated);
  }

  private async write(current: Lead, revision: number, changes: LeadWrite): Promise<Lead> {
    const movesKeys = isActiveRegistration(current.status) && (changes.companyDomain !== undefined || changes.contact !== undefined);
    if (!movesKeys) return this.save(current.id, revision, changes);

    const keys = registrationKeysOf({
      companyDomain: changes.companyDomain ?? current.companyDomain,
      contactEmail: (changes.contact ?? current.contact).email,
    });
    const held = new Set(current.registrationKeys);
    const added = keys.filter((k) => !held.has(k.key));
    const removed = current.registrationKeys.filter((k) => !keys.some((n) => n.key === k));
    const conflicts = await this.guard.acquire(current.id, current.partnerId, added, false);
    if (conflicts.length > 0) throw registrationConflict(this.caller.isInternal ? 'internal' : 'partner', conflicts);
    let saved: Lead;
    try {
      saved = await this.save(current.id, revision, { ...changes, registrationKeys: keys.map((k) => k.key) });
    } catch (error) {
      await this.guard.release(current.id, current.partnerId, added.map((k) => k.key));
      throw error;
    }
    await this.guard.release(current.id, current.partnerId, removed);
    return saved;
  }

  private async save(id: string, revision: number, changes: LeadWrite): Promise<Lead> {
    const updated = await this.leads.applyRevision(id, revision, changes);
    if (!updated) throw leadNotFound();
    return updated;
  }

  private async load(id: string, scope: RowFilter): Promise<Lead> {
    const lead = await this.leads.findById(id, scope);
    if (!lead) throw leadNotFound();
    return lead;
  }
}
