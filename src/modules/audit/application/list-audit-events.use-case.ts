import { Injectable } from '@nestjs/common';
import { DEFAULT_PAGE_SIZE } from '#src/kernel/http/pagination';
import { AuditEventFilter, AuditEventPage, assertBounds, decodeAuditCursor, toAuditEventPage } from '../domain/audit-event-query';
import { AuditEventRepository } from '../domain/audit-event.repository';
import { AuditAccess } from './audit-access';

export interface AuditPageQuery {
  readonly cursor?: string;
  readonly limit?: number;
}

/** One page of the caller's tenant's audit events, newest (highest sequence number) first. */
@Injectable()
export class ListAuditEvents {
  constructor(
    private readonly events: AuditEventRepository,
    private readonly access: AuditAccess,
  ) {}

  async execute(filter: AuditEventFilter, query: AuditPageQuery): Promise<AuditEventPage> {
    this.access.require('audit:read');
    assertBounds(filter);
    const before = query.cursor === undefined ? undefined : decodeAuditCursor(query.cursor);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    return toAuditEventPage(await this.events.listNewestFirst(filter, before, limit + 1), limit);
  }
}
