import { Module } from '@nestjs/common';
import { AuditAccess } from './application/audit-access';
import { GetAuditEvent } from './application/get-audit-event.use-case';
import { ListAuditEvents } from './application/list-audit-events.use-case';
import { StreamAuditEvents } from './application/stream-audit-events.use-case';
import { AuditEventRepository } from './domain/audit-event.repository';
import { AuditEventsController } from './http/audit-events.controller';
import { AuditIntegrityController } from './http/audit-integrity.controller';
import { AuditIntegrityReader } from './domain/audit-integrity.reader';
import { ListAuditDigests } from './application/list-audit-digests.use-case';
import { VerifyAuditTrail } from './application/verify-audit-trail.use-case';
import { MongooseAuditIntegrityReader } from './infrastructure/mongoose-audit-integrity.reader';
import { MongooseAuditEventRepository } from './infrastructure/mongoose-audit-event.repository';

/**
 * The audit trail's read side for auditors: list, one event, and NDJSON/CSV export of the
 * caller's tenant's events. The events, their model and the chain come from the kernel's
 * AuditModule (global), which alone writes them.
 */
@Module({
  // Integrity first: its fixed paths (verify, digests, keys) must win over GET :id.
  controllers: [AuditIntegrityController, AuditEventsController],
  providers: [
    { provide: AuditEventRepository, useClass: MongooseAuditEventRepository },
    AuditAccess,
    ListAuditEvents,
    GetAuditEvent,
    StreamAuditEvents,
    { provide: AuditIntegrityReader, useClass: MongooseAuditIntegrityReader },
    VerifyAuditTrail,
    ListAuditDigests,
  ],
})
export class AuditEventsModule {}
