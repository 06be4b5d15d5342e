import { Inject, Injectable, BeforeApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { randomUUID } from 'node:crypto';
import { Model } from 'mongoose';
import type { Logger } from 'pino';
import { RequestContext } from '../context/request-context';
import { isDuplicateKeyError } from '../database/database-errors';
import { GroupInsert } from '../database/group-insert';
import { ROOT_LOGGER } from '../logging/logging.module';
import type { AuditEventDraft } from './audit-event';
import { AuditChain } from './audit-chain';
import { AuditFaultPoints } from './audit-fault-points';
import { AuditOutboxRecord, OutboxKind } from './audit-outbox.schema';
import { AuditRelay } from './audit-relay';

/** Buffered access events are written at least this often (the most a crash can lose). */
export const ACCESS_FLUSH_MS = 500;
const ACCESS_FLUSH_SIZE = 200;
/** Identical denials within this window become one event with a count. */
export const DENIAL_WINDOW_MS = 60_000;

/** A mutation under way: its intent is stored; complete() stores the outcome. */
export interface ChangeTicket {
  readonly stream: string;
  readonly source: string;
}

interface Coalesced {
  readonly stream: string;
  readonly draft: AuditEventDraft;
  readonly firstAt: number;
  extra: number;
}

/**
 * The only code that writes audit records. Changes and system events go through the outbox and
 * the relay (audit-relay.ts), which chains them:
 * - changes (the audit interceptor): intent before the handler runs, the chained change event
 *   before the response is sent, both awaited, so a 2xx never goes out before its event is
 *   durable; the change event also stands as that request's access record;
 * - access and denial events (the access middleware): buffered and appended to the chain in
 *   batches within ACCESS_FLUSH_MS and on shutdown; identical denials in DENIAL_WINDOW_MS are
 *   coalesced into one with a count;
 * - system events (jobs, the operator CLI, Auth0 ingestion): written and chained before return.
 */
@Injectable()
export class AuditWriter implements OnModuleInit, BeforeApplicationShutdown {
  private buffer: { stream: string; draft: AuditEventDraft }[] = [];
  private readonly denials = new Map<string, Coalesced>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  /** Outbox inserts per stream, group-committed (see GroupInsert). */
  private readonly outboxWriters = new Map<string, GroupInsert<OutboxDraft>>();

  constructor(
    @InjectModel(AuditOutboxRecord.name) private readonly outbox: Model<AuditOutboxRecord>,
    private readonly relay: AuditRelay,
    private readonly chain: AuditChain,
    private readonly context: RequestContext,
    private readonly faults: AuditFaultPoints,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), ACCESS_FLUSH_MS);
    this.timer.unref();
  }

  // Before the database connection closes (its module shuts down in onApplicationShutdown).
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.closeDenialWindows(Number.POSITIVE_INFINITY);
    await this.flush();
    // A failed bulk delete only leaves chained records for the next process's sweep to skip.
    await this.relay.settled().catch((error: unknown) => this.logger.warn({ err: error }, 'relayed audit outbox records not removed'));
  }

  /** Stores the intent of a mutation about to run; throws (the request fails) if it cannot. */
  async beginChange(stream: string, draft: AuditEventDraft): Promise<ChangeTicket> {
    const source = draft.source;
    await this.insert(stream, source, 'intent', draft);
    return { stream, source };
  }

  /**
   * Chains how the mutation ended; resolves once the event is durable, and throws only if it
   * cannot be stored at all. The event goes straight to the chain (batched with concurrent ones);
   * only if that fails is it stored as an outcome record for the relay's sweep to chain. Either
   * way the intent is withdrawn with the next bulk delete, and one event stands for the change.
   */
  async completeChange(ticket: ChangeTicket, draft: AuditEventDraft): Promise<void> {
    const event = { ...draft, source: ticket.source };
    const intentId = outboxId(ticket.stream, ticket.source, 'intent');
    const appended = await this.relay.relay(ticket.stream, [{ ids: [intentId], draft: event }]);
    if (appended === undefined) await this.insert(ticket.stream, ticket.source, 'outcome', event);
    else if (appended === 0) this.logger.warn({ stream: ticket.stream, source: ticket.source }, 'change outcome came after its intent was recorded as interrupted');
    this.faults.hit('after-outcome');
  }

  /** The mutation was refused before it changed anything: withdraw its intent (no change event). */
  async abandonChange(ticket: ChangeTicket): Promise<void> {
    await this.context.runInTenant(ticket.stream, 'audit:writer', async () => {
      await this.outbox.deleteOne({ _id: outboxId(ticket.stream, ticket.source, 'intent') });
    });
  }

  /**
   * A system event (job, CLI, ingestion): durable and chained when this resolves. `duplicate`
   * when its source is already in the stream or waiting in the outbox (a redelivery: no-op);
   * `recorded` otherwise, also when the chaining was deferred to the relay's sweep.
   */
  async recordSystem(stream: string, draft: AuditEventDraft): Promise<'recorded' | 'duplicate'> {
    let id: string;
    try {
      id = await this.insert(stream, draft.source, 'event', draft);
    } catch (error) {
      if (isDuplicateKeyError(error)) return 'duplicate';
      throw error;
    }
    const appended = await this.relay.relay(stream, [{ ids: [id], draft }]);
    return appended === 0 ? 'duplicate' : 'recorded';
  }

  /** An access event: buffered (see ACCESS_FLUSH_MS). */
  recordAccess(stream: string, draft: AuditEventDraft): void {
    this.buffer.push({ stream, draft });
    if (this.buffer.length >= ACCESS_FLUSH_SIZE) void this.flush();
  }

  /**
   * A denial: the first of its kind (key) in a window is recorded at once; repeats only count,
   * and when the window closes one more event carries how many there were.
   */
  recordDenial(stream: string, key: string, draft: AuditEventDraft, now = Date.now()): void {
    this.closeDenialWindows(now);
    const open = this.denials.get(`${stream}|${key}`);
    if (open) {
      open.extra += 1;
      return;
    }
    this.denials.set(`${stream}|${key}`, { stream, draft, firstAt: now, extra: 0 });
    this.recordAccess(stream, draft);
  }

  /** Writes what is buffered to the outbox and chains it. */
  flush(): Promise<void> {
    this.closeDenialWindows(Date.now());
    this.flushing = this.flushing.then(() => this.flushOnce());
    return this.flushing;
  }

  private closeDenialWindows(now: number): void {
    for (const [key, window] of this.denials) {
      if (now - window.firstAt < DENIAL_WINDOW_MS) continue;
      this.denials.delete(key);
      if (window.extra === 0) continue;
      const { draft } = window;
      this.buffer.push({
        stream: window.stream,
        draft: { ...draft, time: new Date(Math.min(now, window.firstAt + DENIAL_WINDOW_MS)).toISOString(), source: `denials:${randomUUID()}`, outcome: { ...draft.outcome, count: window.extra } },
      });
    }
  }

  /**
   * Access and denial events go straight to the chain, one batch per stream: the buffer, not an
   * outbox, is what a crash can lose (at most ACCESS_FLUSH_MS of them).
   */
  private async flushOnce(): Promise<void> {
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    const byStream = new Map<string, AuditEventDraft[]>();
    for (const { stream, draft } of batch) byStream.set(stream, [...(byStream.get(stream) ?? []), draft]);
    await Promise.all(
      [...byStream].map(async ([stream, drafts]) => {
        try {
          await this.chain.append(stream, drafts);
        } catch (error) {
          this.logger.error({ err: error, stream, events: drafts.length }, 'audit access events not stored');
        }
      }),
    );
  }

  /**
   * Stores one outbox record; resolves once it is durable. Concurrent records of a stream share
   * one insert (group commit), so many requests in flight cost about one write, not one each.
   */
  private async insert(stream: string, source: string, kind: OutboxKind, draft: AuditEventDraft): Promise<string> {
    const id = outboxId(stream, source, kind);
    let writer = this.outboxWriters.get(stream);
    if (!writer) {
      writer = new GroupInsert<OutboxDraft>((docs) =>
        this.context.runInTenant(stream, 'audit:writer', () => this.outbox.insertMany(docs, { ordered: false, lean: true })),
      );
      this.outboxWriters.set(stream, writer);
    }
    try {
      await writer.insert({ _id: id, source, kind, createdAt: new Date(), draft: draft as unknown as Record<string, unknown> });
    } finally {
      if (writer.idle && this.outboxWriters.get(stream) === writer) this.outboxWriters.delete(stream);
    }
    return id;
  }
}

type OutboxDraft = Omit<AuditOutboxRecord, 'tenantId'>;

export function newAuditSource(kind: string): string {
  return `${kind}:${randomUUID()}`;
}

function outboxId(stream: string, source: string, kind: OutboxKind): string {
  return `${stream}:${source}:${kind}`;
}
