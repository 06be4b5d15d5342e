import type { AuditEvent } from '#src/kernel/audit/audit-event';
import type { AuditEventFilter, AuditSeqRange } from './audit-event-query';

/**
 * The caller's tenant's audit events, read only (the kernel's chain is the only writer). Every
 * method reads within the tenant in the request context.
 */
export abstract class AuditEventRepository {
  /** The event with this id (`<tenantId>:<seq>`) in the caller's tenant. */
  abstract findById(id: string): Promise<AuditEvent | undefined>;

  /** At most `count` events matching `filter` with a sequence number below `before` (when given), newest first. */
  abstract listNewestFirst(filter: AuditEventFilter, before: number | undefined, count: number): Promise<AuditEvent[]>;

  /** Every event matching `filter` within `range`, oldest first, read lazily in batches of `batchSize`. */
  abstract stream(filter: AuditEventFilter, range: AuditSeqRange, batchSize: number): AsyncIterable<AuditEvent>;
}
