import type { AuditEvent } from '#src/kernel/audit/audit-event';
import type { AuditDigest } from '#src/kernel/audit/audit-signing';

/** What verifying the caller's stream reads: events by seq range, its checkpoints and digests. */
export abstract class AuditIntegrityReader {
  /** The lowest and highest seq of events with `from <= time < to` (either bound optional), or undefined when none. */
  abstract seqRange(from: Date | undefined, to: Date | undefined): Promise<{ fromSeq: number; toSeq: number } | undefined>;
  /** Events with fromSeq <= seq <= toSeq, in seq order. */
  abstract eventsBetween(fromSeq: number, toSeq: number): Promise<AuditEvent[]>;
  /** Every retention checkpoint event of the stream. */
  abstract checkpoints(): Promise<AuditEvent[]>;
  /** Every digest of the stream, in digestSeq order. */
  abstract allDigests(): Promise<AuditDigest[]>;
  /** At most `count` digests with digestSeq below `before` (when given), newest first. */
  abstract digestsNewestFirst(before: number | undefined, count: number): Promise<AuditDigest[]>;
}
