import { Injectable } from '@nestjs/common';
import { RevisionClaims } from '#src/kernel/concurrency/revision-claims';
import { assertIfMatch } from '#src/kernel/http/etag';
import { Lead, LeadRepository, LeadWrite, RowFilter } from '../domain/lead';
import { leadNotFound } from '../domain/lead.errors';
import { appendHistory, isActiveRegistration, LeadAction, LeadStatusChange, nextStatus } from '../domain/lead-status';
import { LeadCaller } from './lead-caller';
import { RegistrationGuard } from './registration-guard';

export interface TransitionOptions {
  /** The caller's row scope for the permission the transition needs. */
  readonly scope: RowFilter;
  readonly ifMatch: number | '*' | undefined;
  readonly reason?: string;
  /** More fields to write with the new status (e.g. the opportunity a conversion made). */
  readonly extra?: LeadWrite;
  /** A further precondition on the current lead; throw to refuse before anything is claimed. */
  readonly check?: (current: Lead) => void;
}

/**
 * Applies one state-machine step as the lead's next revision: If-Match first (412), then the
 * transition (409 naming the current status), then the revision claim, the write with a new
 * status-history entry, and the release of the registration keys when the lead stops being active.
 */
@Injectable()
export class LeadTransitions {
  constructor(
    private readonly leads: LeadRepository,
    private readonly claims: RevisionClaims,
    private readonly guard: RegistrationGuard,
    private readonly caller: LeadCaller,
  ) {}

  async apply(id: string, action: LeadAction, options: TransitionOptions): Promise<Lead> {
    const by = this.caller.by;
    return this.claims.applyChange(
      `lead:${id}`,
      options.ifMatch,
      async () => {
        const lead = await this.leads.findById(id, options.scope);
        if (!lead) throw leadNotFound();
        // Checked here, before the claim, so a stale ETag is a 412 whatever the state now is.
        assertIfMatch(options.ifMatch, lead.revision);
        nextStatus(lead.status, action);
        options.check?.(lead);
        return lead;
      },
      async (current, revision) => {
        const to = nextStatus(current.status, action);
        const at = new Date();
        const entry: LeadStatusChange = { from: current.status, to, by, at, ...(options.reason === undefined ? {} : { reason: options.reason }) };
        const write: LeadWrite = {
          ...options.extra,
          status: to,
          statusHistory: appendHistory(current.statusHistory, entry),
          ...(to === 'approved' ? { approvedAt: at } : {}),
        };
        const updated = await this.leads.applyRevision(current.id, revision, write);
        if (!updated) throw leadNotFound();
        if (isActiveRegistration(current.status) && !isActiveRegistration(to)) {
          await this.guard.release(current.id, current.partnerId, current.registrationKeys);
        }
        return updated;
      },
    );
  }
}
