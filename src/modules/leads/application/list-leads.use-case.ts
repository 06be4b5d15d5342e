import { Injectable } from '@nestjs/common';
import { RowScope } from '#src/kernel/auth/row-scope';
import { DEFAULT_PAGE_SIZE } from '#src/kernel/http/pagination';
import { LeadRepository, LeadView } from '../domain/lead';
import { decodeLeadCursor, LeadListFilter, LeadPage, LeadPageRequest, parseLeadSort, toLeadPage } from '../domain/lead-list';
import { LeadCaller } from './lead-caller';

export interface LeadPageQuery {
  /** `createdAt`, `-createdAt`, `updatedAt`, `valueMinor`, `companyName`, … */
  readonly sort?: string;
  readonly cursor?: string;
  readonly limit?: number;
}

/** One page of leads in the caller's row scope, in a stable order (sort key, then id). */
@Injectable()
export class ListLeads {
  constructor(
    private readonly leads: LeadRepository,
    private readonly rowScope: RowScope,
    private readonly caller: LeadCaller,
  ) {}

  async execute(filter: LeadListFilter, query: LeadPageQuery): Promise<LeadPage<LeadView>> {
    const scope = this.rowScope.filter('leads:read');
    const sort = parseLeadSort(query.sort);
    const request: LeadPageRequest = {
      sort,
      after: query.cursor === undefined ? undefined : decodeLeadCursor(query.cursor, sort),
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
    };
    return toLeadPage(await this.leads.list(filter, request, scope), request, (lead) => this.caller.view(lead));
  }
}
