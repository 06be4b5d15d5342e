import { Injectable } from '@nestjs/common';
import { RowScope } from '#src/kernel/auth/row-scope';
import { LeadView } from '../domain/lead';
import { reasonRequired } from '../domain/lead.errors';
import { LeadAction, REASON_REQUIRED } from '../domain/lead-status';
import { LeadCaller } from './lead-caller';
import { LeadTransitions } from './lead-transitions';

/** The transitions people trigger over HTTP; convert and expire belong to other use cases. */
export type ReviewAction = Extract<LeadAction, 'review' | 'approve' | 'reject' | 'return' | 'resubmit'>;

/**
 * review / approve / reject / return (Staff: leads:approve) and resubmit (the partner side:
 * leads:update), each as the lead's next revision with a status-history entry.
 */
@Injectable()
export class ChangeLeadStatus {
  constructor(
    private readonly transitions: LeadTransitions,
    private readonly rowScope: RowScope,
    private readonly caller: LeadCaller,
  ) {}

  async execute(id: string, action: ReviewAction, reason: string | undefined, expected: number | '*' | undefined): Promise<LeadView> {
    const scope = this.rowScope.filter(action === 'resubmit' ? 'leads:update' : 'leads:approve');
    const trimmed = reason?.trim().normalize('NFC');
    if (REASON_REQUIRED.includes(action) && !trimmed) throw reasonRequired();
    const lead = await this.transitions.apply(id, action, { scope, ifMatch: expected, reason: trimmed || undefined });
    return this.caller.view(lead);
  }
}
