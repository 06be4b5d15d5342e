import { Injectable } from '@nestjs/common';
import { RowScope } from '#src/kernel/auth/row-scope';
import { Opportunity, OpportunityRepository } from '../domain/opportunity';
import { opportunityNotFound } from '../domain/opportunity.errors';

@Injectable()
export class GetOpportunity {
  constructor(
    private readonly opportunities: OpportunityRepository,
    private readonly rowScope: RowScope,
  ) {}

  async execute(id: string): Promise<Opportunity> {
    const opportunity = await this.opportunities.findById(id, this.rowScope.filter('opportunities:read'));
    if (!opportunity) throw opportunityNotFound();
    return opportunity;
  }
}
