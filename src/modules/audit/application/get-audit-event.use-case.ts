import { Injectable } from '@nestjs/common';
import type { AuditEvent } from '#src/kernel/audit/audit-event';
import { parseAuditEventId } from '../domain/audit-event-query';
import { auditEventNotFound } from '../domain/audit-event.errors';
import { AuditEventRepository } from '../domain/audit-event.repository';
import { AuditAccess } from './audit-access';

/** One audit event of the caller's tenant, exactly as stored. */
@Injectable()
export class GetAuditEvent {
  constructor(
    private readonly events: AuditEventRepository,
    private readonly access: AuditAccess,
  ) {}

  async execute(id: string): Promise<AuditEvent> {
    this.access.require('audit:read');
    if (!parseAuditEventId(id)) throw auditEventNotFound();
    const event = await this.events.findById(id);
    if (!event) throw auditEventNotFound();
    return event;
  }
}
