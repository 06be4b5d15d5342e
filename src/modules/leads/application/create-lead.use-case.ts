import { Injectable } from '@nestjs/common';
import { RevisionClaims } from '#src/kernel/concurrency/revision-claims';
import { DomainError } from '#src/kernel/errors/domain-error';
import { FindActivePartner } from '#src/modules/partners';
import { INTERNAL_INPUT_FIELDS, LEAD_LIMITS, LeadDraft, LeadRepository, LeadView, NO_ROW_SCOPE, normalizeDraft, SERVER_OWNED_FIELDS } from '../domain/lead';
import { domainNotRegistrable, fieldsNotAllowed, partnerSuspended, registrationConflict, unknownPartner } from '../domain/lead.errors';
import { registrableDomainOf, registrationKeysOf } from '../domain/registration-keys';
import { LeadCaller } from './lead-caller';
import { LeadOwners } from './lead-owners';
import { RegistrationGuard } from './registration-guard';

export interface CreateLeadOptions {
  /** Staff and Admin only: register even though another partner holds the prospect. */
  readonly allowConflict?: boolean;
}

/**
 * Registers a deal at revision 1, status submitted. Partner-side callers register for their own
 * partner organization as themselves; Staff and Admin name the partner (and may name the owner).
 * The registration keys are claimed before the lead is written (see RegistrationGuard).
 */
@Injectable()
export class CreateLead {
  constructor(
    private readonly leads: LeadRepository,
    private readonly caller: LeadCaller,
    private readonly partners: FindActivePartner,
    private readonly owners: LeadOwners,
    private readonly guard: RegistrationGuard,
    private readonly claims: RevisionClaims,
  ) {}

  async execute(draft: LeadDraft, options: CreateLeadOptions = {}): Promise<LeadView> {
    const { partnerId, ownerId } = await this.partyOf(draft, options);
    const partner = await this.partners.execute(partnerId);
    if (!partner) throw this.caller.partnerSide ? partnerSuspended() : unknownPartner();
    if (partner.status === 'suspended') throw partnerSuspended();

    const fields = normalizeDraft(draft);
    if (registrableDomainOf(fields.companyDomain) === undefined) throw domainNotRegistrable();
    const keys = registrationKeysOf({ companyDomain: fields.companyDomain, contactEmail: fields.contact.email });
    const id = this.leads.newId();

    const conflicts = await this.guard.acquire(id, partnerId, keys, options.allowConflict === true);
    if (conflicts.length > 0 && options.allowConflict !== true) {
      throw registrationConflict(this.caller.isInternal ? 'internal' : 'partner', conflicts);
    }
    const conflictsWith = [...new Set(conflicts.flatMap((c) => c.leadIds))].slice(0, LEAD_LIMITS.conflictsWith);
    const by = this.caller.by;
    let lead;
    try {
      lead = await this.leads.insert({
        ...fields,
        id,
        partnerId,
        ownerId,
        status: 'submitted',
        statusHistory: [{ to: 'submitted', by, at: new Date() }],
        conflictsWith,
        registrationKeys: keys.map((k) => k.key),
      });
    } catch (error) {
      await this.guard.release(id, partnerId, keys.map((k) => k.key));
      throw error;
    }
    for (const other of conflictsWith) await this.recordConflict(other, id);
    return this.caller.view(lead);
  }

  private async partyOf(draft: LeadDraft, options: CreateLeadOptions): Promise<{ partnerId: string; ownerId: string }> {
    const actor = this.caller.partnerSide;
    if (actor) {
      const serverOwned = SERVER_OWNED_FIELDS.filter((f) => draft[f] !== undefined);
      const internal = INTERNAL_INPUT_FIELDS.filter((f) => draft[f] !== undefined);
      if (serverOwned.length > 0 || internal.length > 0) {
        throw fieldsNotAllowed([...serverOwned, ...internal], serverOwned.length > 0 ? 'is set by the server for partner users' : 'may be set only by Staff or Admin');
      }
      if (options.allowConflict === true) throw new DomainError('permission_denied', 'Only Staff and Admin may register a lead over a conflict.');
      if (actor.partnerId === undefined) throw partnerSuspended();
      return { partnerId: actor.partnerId, ownerId: actor.sub };
    }
    if (draft.partnerId === undefined) {
      throw new DomainError('validation_failed', 'One or more fields are invalid.', { errors: [{ field: '/partnerId', message: 'is required when Staff or Admin register a lead' }] });
    }
    if (draft.ownerId !== undefined) await this.owners.assertAssignable(draft.ownerId, draft.partnerId);
    return { partnerId: draft.partnerId, ownerId: draft.ownerId ?? this.caller.by };
  }

  /** The earlier registration learns about the new one too (its own revision, no If-Match). */
  private async recordConflict(leadId: string, newLeadId: string): Promise<void> {
    try {
      await this.claims.applyChange(
        `lead:${leadId}`,
        undefined,
        async () => {
          const lead = await this.leads.findById(leadId, NO_ROW_SCOPE);
          if (!lead) throw new DomainError('not_found', 'gone');
          return lead;
        },
        (current, revision) =>
          this.leads.applyRevision(leadId, revision, { conflictsWith: [...new Set([...current.conflictsWith, newLeadId])].slice(-LEAD_LIMITS.conflictsWith) }),
      );
    } catch (error) {
      // Best effort: the new lead already records the conflict; a lead deleted or busy meanwhile
      // must not fail a registration that has been written.
      if (!(error instanceof DomainError)) throw error;
    }
  }
}
