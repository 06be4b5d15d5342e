import { CURSOR_EXPORT_BATCH_SIZE } from '#src/kernel/export';
import { Injectable } from '@nestjs/common';
import { RowScope } from '#src/kernel/auth/row-scope';
import { LeadRepository, LeadView, viewOf } from '../domain/lead';
import { LeadListFilter, LeadSort } from '../domain/lead-list';
import { LeadCaller } from './lead-caller';

/** Leads are read from the database this many at a time while an export streams (see the kernel's reason). */
export const EXPORT_BATCH_SIZE = CURSOR_EXPORT_BATCH_SIZE;

/**
 * For CSV export: every lead matching `filter` in the caller's row scope for leads:export, in
 * `sort` order (unsorted when none is given: cheapest for large exports), as views already stripped of
 * internal fields (internalNotes, conflictsWith) for Partner and Agent callers. The permission and
 * scope are checked when execute() is called (in the request context); rows are read lazily in
 * batches of EXPORT_BATCH_SIZE as the iterable is consumed, which must happen in that same context.
 */
@Injectable()
export class StreamLeads {
  constructor(
    private readonly leads: LeadRepository,
    private readonly rowScope: RowScope,
    private readonly caller: LeadCaller,
  ) {}

  execute(filter: LeadListFilter, sort?: LeadSort): AsyncIterable<LeadView> {
    const scope = this.rowScope.filter('leads:export');
    const internal = this.caller.isInternal;
    const rows = this.leads.stream(filter, sort, scope, EXPORT_BATCH_SIZE);
    return (async function* views() {
      for await (const lead of rows) yield viewOf(lead, internal);
    })();
  }
}
