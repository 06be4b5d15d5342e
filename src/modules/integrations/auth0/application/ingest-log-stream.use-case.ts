import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { AuditEventDraft, PLATFORM_STREAM } from '#src/kernel/audit/audit-event';
import { AuditWriter } from '#src/kernel/audit/audit-writer';
import { TenantDirectory } from '#src/kernel/auth/identity-ports';
import { RequestContext } from '#src/kernel/context/request-context';
import { ROOT_LOGGER } from '#src/kernel/logging/logging.module';
import { parseLogBatch } from '../domain/log-batch';
import { readLogEvent, recordingOf } from '../domain/log-event';
import { signinDraft } from './signin-draft';

/** At most this many bad items are itemised in the receipt (all are counted). */
export const MAX_ITEMISED_ERRORS = 100;

export interface LogStreamReceipt {
  /** Items in the delivery: recorded + duplicates + skipped + rejected. */
  readonly received: number;
  /** Appended to an audit stream now. */
  readonly recorded: number;
  /** Already in the trail (a redelivery): nothing appended. */
  readonly duplicates: number;
  /** Event types the trail does not keep. */
  readonly skipped: number;
  /** Items that are not usable events (see errors). */
  readonly rejected: number;
  /** Of recorded + duplicates: events of an unknown or missing organization, in the platform stream. */
  readonly platform: number;
  readonly errors: readonly { readonly index: number; readonly reason: string }[];
}

/**
 * Records a Log Stream delivery in the audit trail: each sign-in in the stream of the tenant its
 * Auth0 Organization names, or in the platform stream. One delivery mixes tenants, so this is a
 * deliberate cross-tenant entry point (runCrossTenant). Auth0's log_id is the event's source,
 * which the chain keeps unique per stream: redelivering a batch appends nothing.
 */
@Injectable()
export class IngestAuth0LogStream {
  constructor(
    private readonly writer: AuditWriter,
    private readonly tenants: TenantDirectory,
    private readonly context: RequestContext,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  async execute(body: string): Promise<LogStreamReceipt> {
    const items = parseLogBatch(body);
    return this.context.runCrossTenant('integration:auth0-log-stream', 'an Auth0 Log Stream delivery carries sign-ins of any tenant', () =>
      this.record(items),
    );
  }

  private async record(items: ReturnType<typeof parseLogBatch>): Promise<LogStreamReceipt> {
    const receivedAt = new Date();
    const errors: { index: number; reason: string }[] = [];
    const byStream = new Map<string, AuditEventDraft[]>();
    const streamOfOrg = new Map<string, Promise<string>>();
    let skipped = 0;

    for (const item of items) {
      const event = 'error' in item ? item.error : readLogEvent(item.value);
      if (typeof event === 'string') {
        errors.push({ index: item.index, reason: event });
        continue;
      }
      const recording = recordingOf(event.type);
      if (!recording) {
        skipped += 1;
        continue;
      }
      const stream = await this.streamOf(event.organizationId, streamOfOrg);
      byStream.set(stream, [...(byStream.get(stream) ?? []), signinDraft(event, recording, receivedAt)]);
    }

    // Streams in parallel, each in delivery order; every write settles before the answer.
    const outcomes = await Promise.allSettled([...byStream].map(([stream, drafts]) => this.append(stream, drafts)));
    const failed = outcomes.find((o) => o.status === 'rejected');
    if (failed) throw failed.reason;

    let recorded = 0;
    let duplicates = 0;
    let platform = 0;
    for (const outcome of outcomes) {
      if (outcome.status !== 'fulfilled') continue;
      recorded += outcome.value.recorded;
      duplicates += outcome.value.duplicates;
      if (outcome.value.stream === PLATFORM_STREAM) platform += outcome.value.recorded + outcome.value.duplicates;
    }
    if (errors.length > 0) this.logger.warn({ rejected: errors.length, first: errors.slice(0, 5) }, 'auth0 log stream: items not recorded');
    return { received: items.length, recorded, duplicates, skipped, rejected: errors.length, platform, errors: errors.slice(0, MAX_ITEMISED_ERRORS) };
  }

  /** The tenant the organization names (whatever its status), else the platform stream; looked up once per delivery. */
  private streamOf(org: string | undefined, known: Map<string, Promise<string>>): Promise<string> {
    if (org === undefined) return Promise.resolve(PLATFORM_STREAM);
    let stream = known.get(org);
    if (!stream) {
      stream = this.tenants.findByOrgId(org).then((tenant) => tenant?.id ?? PLATFORM_STREAM);
      known.set(org, stream);
    }
    return stream;
  }

  private async append(stream: string, drafts: readonly AuditEventDraft[]): Promise<{ stream: string; recorded: number; duplicates: number }> {
    let recorded = 0;
    for (const draft of drafts) if ((await this.writer.recordSystem(stream, draft)) === 'recorded') recorded += 1;
    return { stream, recorded, duplicates: drafts.length - recorded };
  }
}
