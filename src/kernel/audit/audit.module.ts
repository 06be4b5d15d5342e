import { Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AuditChain } from './audit-chain';
import { AuditChangeInterceptor } from './audit-change.interceptor';
import { AuditDigestRecord, AuditDigestSchema } from './audit-digest.schema';
import { AuditEventRecord, AuditEventSchema } from './audit-event.schema';
import { AuditKeys } from './audit-keys';
import { AuditRetention } from './audit-retention';
import { AuditSealer } from './audit-sealer';
import { AuditFaultPoints } from './audit-fault-points';
import { AuditHeadRecord, AuditHeadSchema } from './audit-head.schema';
import { AuditOutboxRecord, AuditOutboxSchema } from './audit-outbox.schema';
import { AuditRelay } from './audit-relay';
import { AuditWriter } from './audit-writer';
import { SystemAudit } from './system-audit';

/**
 * The audit trail's write side: the writer (the only code that writes audit records), the
 * outbox relay and the hash chain. AppModule registers the change interceptor right inside the
 * idempotency interceptor; configureApp mounts the access middleware.
 */
@Global()
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: AuditEventRecord.name, schema: AuditEventSchema },
      { name: AuditHeadRecord.name, schema: AuditHeadSchema },
      { name: AuditOutboxRecord.name, schema: AuditOutboxSchema },
      { name: AuditDigestRecord.name, schema: AuditDigestSchema },
    ]),
  ],
  providers: [AuditChain, AuditRelay, AuditWriter, AuditChangeInterceptor, AuditFaultPoints, SystemAudit, AuditKeys, AuditSealer, AuditRetention],
  exports: [AuditWriter, AuditChain, AuditRelay, AuditChangeInterceptor, SystemAudit, AuditKeys, AuditSealer, AuditRetention, MongooseModule],
})
export class AuditModule {}
