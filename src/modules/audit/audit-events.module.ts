import { Module } from '@nestjs/common';
import { AuditAccess } from './application/audit-access';
import { GetAuditEvent } from './application/get-audit-event.use-case';
import { ListAuditEvents } from './application/list-audit-events.use-case';
import { StreamAuditEvents } from './application/stream-audit-events.use-case';
import { AuditEventRepository } from './domain/audit-event.repository';
import { AuditEventsController } from './http/audit-events.controller';
import { MongooseAuditEventRepository } from './infrastructure/mongoose-audit-event.repository';

/**
 * The audit trail's read side for auditors: list, one event, and NDJSON/CSV export of the
 * caller's tenant's events. The events, their model and the chain come from the kernel's
 * AuditModule (global), which alone writes them.
 */
@Module({
  controllers: [AuditEventsController],
  providers: [
    { provide: AuditEventRepository, useClass: MongooseAuditEventRepository },
    AuditAccess,
    ListAuditEvents,
    GetAuditEvent,
    StreamAuditEvents,
  ],
})
export class AuditEventsModule {}
