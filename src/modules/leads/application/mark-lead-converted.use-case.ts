import { Injectable } from '@nestjs/common';
import { RowScope } from '#src/kernel/auth/row-scope';
import { LeadForConversion, leadForConversion } from './find-lead-for-conversion.use-case';
import { LeadTransitions } from './lead-transitions';

/**
 * For the opportunities feature: approved → converted, as the lead's next revision, recording the
 * opportunity and a status-history entry, and releasing the lead's registration keys.
 * `expectedRevision` is the revision FindLeadForConversion returned: 412 precondition_failed if
 * the lead changed since; 409 invalid_transition unless it is approved; 404 outside the caller's
 * leads:update row scope.
 */
@Injectable()
export class MarkLeadConverted {
  constructor(
    private readonly transitions: LeadTransitions,
    private readonly rowScope: RowScope,
  ) {}

  async execute(id: string, opportunityId: string, expectedRevision: number): Promise<LeadForConversion> {
    const lead = await this.transitions.apply(id, 'convert', {
      scope: this.rowScope.filter('leads:update'),
      ifMatch: expectedRevision,
      extra: { convertedOpportunityId: opportunityId },
    });
    return leadForConversion(lead);
  }
}
