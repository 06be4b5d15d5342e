import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted } from 'mongoose';
import type { Logger } from 'pino';
import type { AppConfig } from '#src/config/app-config';
import { APP_CONFIG } from '#src/config/config.module';
import { Leases } from '../concurrency/leases';
import { RequestContext } from '../context/request-context';
import { ROOT_LOGGER } from '../logging/logging.module';
import { auditEventId, PLATFORM_STREAM } from './audit-event';
import { RETENTION_DELETE_OPTION } from './append-only';
import { AuditEventRecord } from './audit-event.schema';
import { AuditHeadRecord } from './audit-head.schema';
import { AuditKeys } from './audit-keys';
import { checkpointDraft } from './audit-signing';
import { AuditWriter, newAuditSource } from './audit-writer';

export const RETENTION_ACTOR = 'job:audit-retention';
const DAY_MS = 24 * 60 * 60 * 1000;
const FIRST_RUN_DELAY_MS = 5 * 60 * 1000;

export interface RetentionReport {
  readonly stream: string;
  /** Events 1..removedThroughSeq are gone; 0 when nothing was old enough. */
  readonly removedThroughSeq: number;
}

/**
 * Removes audit events older than AUDIT_RETENTION_DAYS (at least 365): the trail's one delete
 * path (TTL indexes are not available on our database subset). Per stream, under a lease: it
 * finds the longest prefix 1..k of events all older than the cutoff, appends a signed retention
 * checkpoint naming k and the hash of event k (the chain's new anchor, and this run's event),
 * records the floor, then deletes 1..k. Each step is safe to repeat after a crash.
 * Runs daily (not under NODE_ENV=test; tests call run()).
 */
@Injectable()
export class AuditRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @InjectModel(AuditEventRecord.name) private readonly events: Model<AuditEventRecord>,
    @InjectModel(AuditHeadRecord.name) private readonly hints: Model<AuditHeadRecord>,
    private readonly writer: AuditWriter,
    private readonly keys: AuditKeys,
    private readonly leases: Leases,
    private readonly context: RequestContext,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.nodeEnv === 'test') return;
    const tick = () => void this.run().catch((error: unknown) => this.logger.error({ err: error, job: RETENTION_ACTOR }, 'audit retention run failed'));
    this.timer = setTimeout(() => {
      tick();
      this.timer = setInterval(tick, DAY_MS);
      this.timer.unref();
    }, FIRST_RUN_DELAY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearTimeout(this.timer);
    clearInterval(this.timer);
  }

  async run(now: Date = new Date()): Promise<RetentionReport[]> {
    const cutoff = new Date(now.getTime() - this.config.audit.retentionDays * DAY_MS).toISOString();
    const streams = await this.context.runCrossTenant(RETENTION_ACTOR, 'list the audit streams to apply retention to', async () =>
      (await this.events.distinct('tenantId')) as string[],
    );
    const reports: RetentionReport[] = [];
    for (const stream of streams.sort()) {
      const removedThroughSeq = await this.context.runInTenant(stream, RETENTION_ACTOR, () =>
        this.leases.withLease('audit-retention', () => this.applyTo(stream, cutoff, now)),
      );
      reports.push({ stream, removedThroughSeq });
    }
    // The run itself, whether or not it removed anything.
    await this.context.runAsSystem(RETENTION_ACTOR, () =>
      this.writer.recordSystem(PLATFORM_STREAM, {
        time: new Date().toISOString(),
        type: 'system',
        action: 'audit.retention.run',
        actor: { type: 'system', id: RETENTION_ACTOR },
        target: null,
        context: {},
        outcome: { result: 'success' },
        data: { cutoff, retentionDays: this.config.audit.retentionDays, streams: reports.length, trimmed: reports.filter((r) => r.removedThroughSeq > 0).length },
        source: newAuditSource('retention-run'),
      }),
    );
    return reports;
  }

  private async applyTo(stream: string, cutoff: string, now: Date): Promise<number> {
    const firstKept = await this.events.findOne({ time: trusted({ $gte: cutoff }) }, { seq: 1 }).sort({ seq: 1 }).lean();
    if (!firstKept) return 0; // everything is old, but the newest events stay: retention never empties a stream
    const k = firstKept.seq - 1;
    const floor = (await this.hints.findOne({ _id: `${stream}:floor` }).lean())?.seq ?? 0;
    if (k <= floor) return 0;
    const anchor = await this.events.findOne({ _id: auditEventId(stream, k) }, { hash: 1 }).lean();
    if (anchor) {
      // The checkpoint first: once it is in, the events below it may go (a repeat finds it by source).
      await this.writer.recordSystem(stream, checkpointDraft({ tenantId: stream, removedThroughSeq: k, anchorHash: anchor.hash, time: now.toISOString() }, this.keys.signing));
    }
    await this.hints.updateOne({ _id: { $eq: `${stream}:floor` } }, { $max: { seq: k } }, { upsert: true });
    await this.events.deleteMany({ seq: trusted({ $lte: k }) }).setOptions({ [RETENTION_DELETE_OPTION]: true });
    this.logger.info({ job: RETENTION_ACTOR, stream, removedThroughSeq: k }, 'audit events past retention removed');
    return k;
  }
}
