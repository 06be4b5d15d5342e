import { Inject, Injectable, BeforeApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted } from 'mongoose';
import type { Logger } from 'pino';
import type { AppConfig } from '#src/config/app-config';
import { APP_CONFIG } from '#src/config/config.module';
import { RequestContext } from '../context/request-context';
import { ROOT_LOGGER } from '../logging/logging.module';
import { AuditChain } from './audit-chain';
import type { AuditEventDraft } from './audit-event';
import { AuditOutboxRecord } from './audit-outbox.schema';

/** Records younger than this are left to the process that wrote them (its fast path). */
const SWEEP_GRACE_MS = 2_000;
const SWEEP_INTERVAL_MS = 1_000;
const SWEEP_BATCH = 500;
const SWEEP_ACTOR = 'audit:relay';
const SWEEP_REASON = 'chain audit records any process left in the outbox';

type OutboxRow = Pick<AuditOutboxRecord, '_id' | 'tenantId' | 'source' | 'kind' | 'createdAt' | 'draft'>;

/** Outbox rows (their ids) and the event they stand for. */
export interface RelayRecord {
  readonly ids: readonly string[];
  readonly draft: AuditEventDraft;
}

interface StreamQueue {
  waiting: { records: readonly RelayRecord[]; resolve: (appended: number | undefined) => void }[];
  running: Promise<void> | undefined;
}

/**
 * Turns outbox records into chained events, exactly once each. The process that wrote a record
 * relays it at once (relay()); a sweep every second relays what any process left behind (it
 * died, or its fast path failed), so nothing acknowledged is lost across restarts. Appending
 * skips a source already in the chain, so two relays of one record append it once; the records
 * are deleted only after their event is in, in bulk on the sweep's beat rather than one delete
 * per batch (a relayed record still in the outbox is harmless: its source is in the chain).
 */
@Injectable()
export class AuditRelay implements OnModuleInit, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private readonly pending = new Set<Promise<void>>();
  private readonly queues = new Map<string, StreamQueue>();
  /** Outbox ids per stream whose events are chained, waiting for the next bulk delete. */
  private relayed = new Map<string, string[]>();
  /** An intent without an outcome this long is presumed cut off by a crash (AUDIT_INTERRUPTED_AFTER_SECONDS). */
  private readonly interruptedAfterMs: number;

  constructor(
    @InjectModel(AuditOutboxRecord.name) private readonly outbox: Model<AuditOutboxRecord>,
    private readonly chain: AuditChain,
    private readonly context: RequestContext,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.interruptedAfterMs = config.audit.interruptedAfterSeconds * 1000;
  }

  onModuleInit(): void {
    // Logged once here rather than by the tenant plugin on every sweep (every second).
    this.logger.info({ system: SWEEP_ACTOR, reason: SWEEP_REASON, everyMs: SWEEP_INTERVAL_MS }, 'cross-tenant routine: audit outbox sweep');
    this.timer = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  // Before the database connection closes (its module shuts down in onApplicationShutdown).
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.settled().catch((error: unknown) => this.logger.warn({ err: error }, 'relayed audit outbox records not removed (the next sweep will)'));
    await this.sweeping;
    await this.chain.flushHints().catch((error: unknown) => this.logger.warn({ err: error }, 'audit head hints not written'));
  }

  /**
   * Chains these records of one stream now (fast path); on failure resolves undefined, and the
   * sweep chains whatever of them is in the outbox.
   * Records that arrive while a batch is being chained wait and go together in the next one, so
   * under load the chain and the outbox see one write per batch, not per record. Resolves to how
   * many of them were appended (the others' sources were in the stream already), or undefined
   * when deferred to the sweep.
   */
  relay(stream: string, records: readonly RelayRecord[]): Promise<number | undefined> {
    const queue = this.queues.get(stream) ?? { waiting: [], running: undefined };
    this.queues.set(stream, queue);
    const done = new Promise<number | undefined>((resolve) => queue.waiting.push({ records, resolve }));
    queue.running ??= this.drain(stream, queue);
    return done;
  }

  private async drain(stream: string, queue: StreamQueue): Promise<void> {
    const run = (async () => {
      while (queue.waiting.length > 0) {
        const batch = queue.waiting.splice(0);
        const records = batch.flatMap((b) => b.records);
        let appended: Set<string> | undefined;
        try {
          appended = new Set((await this.chain.append(stream, records.map((r) => r.draft))).map((event) => event.source));
          this.markRelayed(stream, records.flatMap((r) => r.ids));
        } catch (error) {
          appended = undefined;
          this.logger.warn({ err: error, stream, records: records.length }, 'audit relay deferred to the sweep');
        }
        // Each appended source counts once, for the first caller that brought it.
        for (const b of batch) b.resolve(appended && b.records.filter((r) => appended.delete(r.draft.source)).length);
      }
    })();
    this.pending.add(run);
    try {
      await run;
    } finally {
      this.pending.delete(run);
      queue.running = undefined;
      if (queue.waiting.length > 0) queue.running = this.drain(stream, queue);
      else this.queues.delete(stream);
    }
  }

  /** Waits for the fast paths under way, then removes the records they chained (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.pending.size > 0 || [...this.queues.values()].some((q) => q.running)) {
      await Promise.allSettled([...this.pending, ...[...this.queues.values()].map((q) => q.running)]);
    }
    await this.removeRelayed();
  }

  /** One pass over what is left in the outbox; at most one pass runs at a time. */
  sweep(now = new Date()): Promise<void> {
    this.sweeping ??= this.sweepOnce(now)
      .catch((error: unknown) => this.logger.error({ err: error }, 'audit relay sweep failed'))
      .finally(() => {
        this.sweeping = undefined;
      });
    return this.sweeping;
  }

  private async sweepOnce(now: Date): Promise<void> {
    await this.removeRelayed();
    const before = new Date(now.getTime() - SWEEP_GRACE_MS);
    const rows = await this.context.runCrossTenant(
      SWEEP_ACTOR,
      SWEEP_REASON,
      async () => this.outbox.find({ createdAt: trusted({ $lt: before }) }).sort({ createdAt: 1 }).limit(SWEEP_BATCH).lean<OutboxRow[]>(),
      { routine: true },
    );
    const byStream = new Map<string, OutboxRow[]>();
    for (const row of rows) byStream.set(row.tenantId, [...(byStream.get(row.tenantId) ?? []), row]);
    for (const [stream, streamRows] of byStream) {
      const records = ready(streamRows, now, this.interruptedAfterMs);
      if (records.length === 0) continue;
      await this.chain.append(stream, records.map((r) => r.draft));
      await this.remove(stream, records.flatMap((r) => r.ids));
    }
  }

  private markRelayed(stream: string, ids: readonly string[]): void {
    const list = this.relayed.get(stream) ?? [];
    list.push(...ids);
    this.relayed.set(stream, list);
  }

  /** Deletes the records whose events are chained: one delete per stream; kept for the next beat on failure. */
  private async removeRelayed(): Promise<void> {
    const relayed = this.relayed;
    this.relayed = new Map();
    for (const [stream, ids] of relayed) {
      try {
        await this.remove(stream, ids);
      } catch (error) {
        this.markRelayed(stream, ids);
        throw error;
      }
    }
  }

  private async remove(stream: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.context.runInTenant(stream, 'audit:relay', async () => {
      await this.outbox.deleteMany({ _id: trusted({ $in: [...ids] }) });
    });
  }
}

/**
 * The events these records stand for, in the order they were written: an outcome or an event as
 * it is, an intent only once it has waited interruptedAfterMs for an outcome that never came.
 */
function ready(rows: readonly OutboxRow[], now: Date, interruptedAfterMs: number): { ids: string[]; draft: AuditEventDraft }[] {
  const bySource = new Map<string, OutboxRow[]>();
  for (const row of rows) bySource.set(row.source, [...(bySource.get(row.source) ?? []), row]);
  const out: { ids: string[]; draft: AuditEventDraft; at: number }[] = [];
  for (const group of bySource.values()) {
    const ids = group.map((r) => r._id);
    const complete = group.find((r) => r.kind === 'outcome' || r.kind === 'event');
    if (complete) {
      out.push({ ids, draft: complete.draft as unknown as AuditEventDraft, at: group[0].createdAt.getTime() });
      continue;
    }
    const intent = group[0];
    if (now.getTime() - intent.createdAt.getTime() < interruptedAfterMs) continue;
    const draft = intent.draft as unknown as AuditEventDraft;
    out.push({
      ids,
      draft: { ...draft, outcome: { result: 'unknown', reason: 'interrupted: the process stopped before the outcome was recorded' } },
      at: intent.createdAt.getTime(),
    });
  }
  return out.sort((a, b) => a.at - b.at).map(({ ids, draft }) => ({ ids, draft }));
}
