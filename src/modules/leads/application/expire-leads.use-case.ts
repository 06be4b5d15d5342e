import { Injectable } from '@nestjs/common';
import { RequestContext } from '#src/kernel/context/request-context';
import { SystemAudit } from '#src/kernel/audit/system-audit';
import { DomainError } from '#src/kernel/errors/domain-error';
import { GetTenantSettings } from '#src/modules/access';
import { Lead, LeadRepository, NO_ROW_SCOPE } from '../domain/lead';
import { LeadTransitions } from './lead-transitions';

export const EXPIRY_ACTOR = 'job:expire-leads';
const BATCH = 100;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface ExpiryReport {
  /** Tenants that had approved leads. */
  readonly tenants: number;
  readonly expired: number;
}

/** Re-approved or changed since it was listed: recorded as a refused expiry, retried next run. */
class NotDue extends DomainError {
  constructor() {
    super('conflict', 'The lead is no longer due to expire.');
  }
}

/**
 * approved → expired for every lead whose approval is older than its tenant's
 * registrationProtectionDays, as the system actor `job:expire-leads`, each as the lead's next
 * revision (so a concurrent conversion and the expiry cannot both happen). Lists the tenants with
 * approved leads across tenants (the only cross-tenant step), then works inside each tenant.
 */
@Injectable()
export class ExpireLeads {
  constructor(
    private readonly leads: LeadRepository,
    private readonly context: RequestContext,
    private readonly settings: GetTenantSettings,
    private readonly transitions: LeadTransitions,
    private readonly audit: SystemAudit,
  ) {}

  async execute(now: Date = new Date()): Promise<ExpiryReport> {
    const tenantIds = await this.context.runCrossTenant(EXPIRY_ACTOR, 'list tenants with approved leads to expire', () =>
      this.leads.tenantsWithApprovedLeads(),
    );
    let expired = 0;
    for (const tenantId of tenantIds) {
      expired += await this.context.runInTenant(tenantId, EXPIRY_ACTOR, () => this.expireInTenant(now));
    }
    return { tenants: tenantIds.length, expired };
  }

  private async expireInTenant(now: Date): Promise<number> {
    const { registrationProtectionDays } = await this.settings.execute();
    const cutoff = new Date(now.getTime() - registrationProtectionDays * DAY_MS);
    const tried = new Set<string>();
    let expired = 0;
    for (;;) {
      const due = (await this.leads.findApprovedBefore(cutoff, BATCH + tried.size)).filter((lead) => !tried.has(lead.id));
      if (due.length === 0) return expired;
      for (const lead of due.slice(0, BATCH)) {
        tried.add(lead.id);
        if (await this.expire(lead, cutoff)) expired++;
      }
    }
  }

  private async expire(lead: Lead, cutoff: Date): Promise<boolean> {
    try {
      await this.audit.change('lead.expire', { type: 'lead', id: lead.id }, () =>
        this.transitions.apply(lead.id, 'expire', {
          scope: NO_ROW_SCOPE,
          ifMatch: undefined,
          check: (current) => {
            // Re-approved or changed since it was listed: judged on what it is now.
            if (!current.approvedAt || current.approvedAt.getTime() >= cutoff.getTime()) throw new NotDue();
          },
        }),
      );
      return true;
    } catch (error) {
      // Converted, deleted or re-approved meanwhile, or busy: left for now (a later run retries).
      if (error instanceof NotDue || error instanceof DomainError) return false;
      throw error;
    }
  }
}
