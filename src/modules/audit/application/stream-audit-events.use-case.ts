import { Injectable } from '@nestjs/common';
import type { AuditEvent } from '#src/kernel/audit/audit-event';
import { CURSOR_EXPORT_BATCH_SIZE } from '#src/kernel/export';
import { AuditEventFilter, AuditSeqRange, assertBounds } from '../domain/audit-event-query';
import { AuditEventRepository } from '../domain/audit-event.repository';
import { AuditAccess } from './audit-access';

/**
 * For the export: every event of the caller's tenant matching `filter` within `range`, oldest
 * (lowest sequence number) first, so that a file can be verified front to back. The permission
 * is checked when execute() is called (in the request context); rows are read lazily as the
 * iterable is consumed, which must happen in that same context.
 */
@Injectable()
export class StreamAuditEvents {
  constructor(
    private readonly events: AuditEventRepository,
    private readonly access: AuditAccess,
  ) {}

  execute(filter: AuditEventFilter, range: AuditSeqRange): AsyncIterable<AuditEvent> {
    this.access.require('audit:export');
    assertBounds(filter, range);
    return this.events.stream(filter, range, CURSOR_EXPORT_BATCH_SIZE);
  }
}
