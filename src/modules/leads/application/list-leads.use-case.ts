import { Injectable } from '@nestjs/common';
import { RowScope } from '#src/kernel/auth/row-scope';
import type { KeysetPageQuery } from '#src/kernel/http/keyset-page';
import type { Page } from '#src/kernel/http/page';
import { LeadRepository, LeadView } from '../domain/lead';
import { leadPageRequest, LeadListFilter, toLeadPage } from '../domain/lead-list';
import { LeadCaller } from './lead-caller';

/** One page of leads in the caller's row scope, in a stable order (sort key, then id). */
@Injectable()
export class ListLeads {
  constructor(
    private readonly leads: LeadRepository,
    private readonly rowScope: RowScope,
    private readonly caller: LeadCaller,
  ) {}

  /** `query.sort`: `createdAt`, `-createdAt`, `updatedAt`, `valueMinor`, `companyName`, … */
  async execute(filter: LeadListFilter, query: KeysetPageQuery): Promise<Page<LeadView>> {
    const scope = this.rowScope.filter('leads:read');
    const request = leadPageRequest(query);
    return toLeadPage(await this.leads.list(filter, request, scope), request, (lead) => this.caller.view(lead));
  }
}
