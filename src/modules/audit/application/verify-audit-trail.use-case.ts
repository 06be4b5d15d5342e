import { Injectable } from '@nestjs/common';
import { AuditKeys } from '#src/kernel/audit/audit-keys';
import { AuditChainReport, verifyAuditChain } from '#src/kernel/audit/audit-verification';
import { RequestContext } from '#src/kernel/context/request-context';
import { DomainError } from '#src/kernel/errors/domain-error';
import { AuditIntegrityReader } from '../domain/audit-integrity.reader';
import { AuditAccess } from './audit-access';

/** One verification covers at most this many events: ask for a narrower time range beyond it. */
export const MAX_VERIFIED_EVENTS = 100_000;

/**
 * Verifies the caller's stream online, over the events whose time lies in [from, to): each hash
 * recomputed, each link, the retention anchor, and every digest's signature and consistency, with
 * the published keys — the same checks as `npm run cli -- audit:verify` runs offline on an export.
 */
@Injectable()
export class VerifyAuditTrail {
  constructor(
    private readonly reader: AuditIntegrityReader,
    private readonly access: AuditAccess,
    private readonly keys: AuditKeys,
    private readonly context: RequestContext,
  ) {}

  async execute(from: Date | undefined, to: Date | undefined): Promise<AuditChainReport> {
    this.access.require('audit:read');
    const stream = this.context.requireTenantId('verifying the audit trail');
    const range = await this.reader.seqRange(from, to);
    if (!range) return { intact: true, stream, checkedEvents: 0, firstSeq: null, lastSeq: null, checkedDigests: 0 };
    if (range.toSeq - range.fromSeq + 1 > MAX_VERIFIED_EVENTS) {
      throw new DomainError('validation_failed', `One verification covers at most ${MAX_VERIFIED_EVENTS} events; narrow the time range.`, {
        errors: [{ field: '/to', message: `the range holds ${range.toSeq - range.fromSeq + 1} events; at most ${MAX_VERIFIED_EVENTS}` }],
      });
    }
    // The event before the range is its anchor; checkpoints anchor a stream trimmed by retention.
    const [events, checkpoints, digests] = await Promise.all([
      this.reader.eventsBetween(Math.max(1, range.fromSeq - 1), range.toSeq),
      this.reader.checkpoints(),
      this.reader.allDigests(),
    ]);
    const seen = new Set(events.map((e) => e.seq));
    const all = [...events, ...checkpoints.filter((c) => !seen.has(c.seq))];
    return verifyAuditChain({ events: all, digests, keys: this.keys.published, stream, from: range.fromSeq, to: range.toSeq });
  }
}
