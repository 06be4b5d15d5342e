import { Injectable } from '@nestjs/common';
import { RowScope } from '#src/kernel/auth/row-scope';
import { LeadRepository, LeadView } from '../domain/lead';
import { leadNotFound } from '../domain/lead.errors';
import { LeadCaller } from './lead-caller';

@Injectable()
export class GetLead {
  constructor(
    private readonly leads: LeadRepository,
    private readonly rowScope: RowScope,
    private readonly caller: LeadCaller,
  ) {}

  async execute(id: string): Promise<LeadView> {
    const lead = await this.leads.findById(id, this.rowScope.filter('leads:read'));
    if (!lead) throw leadNotFound();
    return this.caller.view(lead);
  }
}
