import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { RequestContext } from '../context/request-context';
import { isDuplicateKeyError } from '../database/database-errors';
import { AuditEvent, AuditEventDraft, auditEventId, chainEvent } from './audit-event';
import { AuditEventRecord } from './audit-event.schema';
import { AuditHeadRecord } from './audit-head.schema';

interface Head {
  readonly seq: number;
  readonly hash: string;
}

/** How often (in appends per stream) this process writes its head hint. */
const HINT_EVERY = 50;
const MAX_ATTEMPTS = 50;

/** The drafts as consecutive events after `head`. */
function chainEvents(stream: string, drafts: readonly AuditEventDraft[], head: Head | undefined): AuditEvent[] {
  const events: AuditEvent[] = [];
  let previous = head;
  for (const draft of drafts) {
    const event = chainEvent(stream, draft, previous);
    events.push(event);
    previous = { seq: event.seq, hash: event.hash };
  }
  return events;
}

/** The index of the first document an ordered insert refused as a duplicate key, if that is why it failed. */
function firstDuplicateIndex(error: unknown): number | undefined {
  const raw = (error as { writeErrors?: unknown } | null)?.writeErrors;
  const first = (Array.isArray(raw) ? raw[0] : raw) as { index?: unknown; code?: unknown; err?: { index?: unknown; code?: unknown } } | undefined;
  const index = first?.index ?? first?.err?.index;
  const code = first?.code ?? first?.err?.code;
  if (typeof index === 'number' && code === 11000) return index;
  return isDuplicateKeyError(error) ? 0 : undefined;
}

/**
 * Appends events to a stream's hash chain; the only code that inserts audit events.
 *
 * Correct with any number of processes appending at once, on inserts alone (docs/database.md):
 * an event's `_id` is `<stream>:<seq>`, so two appenders of the same seq cannot both insert — the
 * loser re-reads the head and tries the next one, and no chain forks. A source appears once per
 * stream (unique index), so a relay retrying after a crash cannot append an event twice.
 *
 * Cost does not grow with the stream: the head is cached per process, and found again by `_id`
 * lookups only, probing forward from a hint (exponentially, then bisecting): no scan, no sort.
 * Appends to one stream are queued within the process, so its own appends never contend.
 */
@Injectable()
export class AuditChain {
  private readonly heads = new Map<string, Head | null>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly sinceHint = new Map<string, number>();
  private touched = new Set<string>();

  constructor(
    @InjectModel(AuditEventRecord.name) private readonly events: Model<AuditEventRecord>,
    @InjectModel(AuditHeadRecord.name) private readonly hints: Model<AuditHeadRecord>,
    private readonly context: RequestContext,
  ) {}

  /** Appends the drafts in order; those whose source is already in the stream are skipped. */
  append(stream: string, drafts: readonly AuditEventDraft[]): Promise<AuditEvent[]> {
    const previous = this.queues.get(stream) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.context.runInTenant(stream, 'audit:chain', () => this.appendAll(stream, drafts)));
    this.queues.set(stream, run);
    void run.finally(() => {
      if (this.queues.get(stream) === run) this.queues.delete(stream);
    }).catch(() => undefined);
    return run;
  }

  /** The stream's newest event as this process knows it (probing when it does not). */
  async head(stream: string): Promise<Head | null> {
    return this.context.runInTenant(stream, 'audit:chain', () => this.currentHead(stream));
  }

  /** The streams this process appended to since the last call (the sealer's work list). */
  takeTouched(): string[] {
    const streams = [...this.touched];
    this.touched = new Set();
    return streams;
  }

  /** Writes the head hints of every stream this process has appended to (on shutdown). */
  async flushHints(): Promise<void> {
    for (const [stream, head] of this.heads) if (head) await this.context.runInTenant(stream, 'audit:chain', () => this.writeHint(stream, head.seq));
  }

  /**
   * Appends the drafts as consecutive events with one ordered insert per attempt (a burst of access
   * events costs one write, not one per event). An insert stops at the first duplicate key: either
   * that seq was taken (another appender moved the head: re-read it and go on with the rest) or that
   * draft's source is already in the stream (skip it).
   */
  private async appendAll(stream: string, drafts: readonly AuditEventDraft[]): Promise<AuditEvent[]> {
    const appended: AuditEvent[] = [];
    let rest = drafts;
    for (let conflicts = 0; rest.length > 0; ) {
      const batch = chainEvents(stream, rest, (await this.currentHead(stream)) ?? undefined);
      const inserted = await this.insertOrdered(batch);
      if (inserted > 0) {
        const last = batch[inserted - 1];
        this.heads.set(stream, { seq: last.seq, hash: last.hash });
        this.touched.add(stream);
        appended.push(...batch.slice(0, inserted));
        await this.maybeWriteHint(stream, last.seq, inserted);
      }
      if (inserted === batch.length) break;
      const refused = batch[inserted];
      if (await this.exists(refused.id)) {
        if (++conflicts > MAX_ATTEMPTS) throw new Error(`audit stream ${stream}: no free sequence number after ${MAX_ATTEMPTS} attempts`);
        this.heads.set(stream, await this.probe(stream, refused.seq));
        rest = rest.slice(inserted);
      } else {
        rest = rest.slice(inserted + 1); // its source is already chained
      }
    }
    return appended;
  }

  /** How many of `events` (in order) are now stored; stops at the first duplicate key. */
  private async insertOrdered(events: readonly AuditEvent[]): Promise<number> {
    try {
      // lean: the events are plain JSON already (chainEvent), so skip hydrating and validating them.
      await this.events.insertMany(
        events.map((event) => ({ _id: event.id, ...event })),
        { ordered: true, lean: true },
      );
      return events.length;
    } catch (error) {
      const index = firstDuplicateIndex(error);
      if (index === undefined) throw error;
      // Trust the reported position only if the event before it is ours; otherwise start over.
      if (index > 0 && !(await this.isStored(events[index - 1]))) return 0;
      return index;
    }
  }

  private async isStored(event: AuditEvent): Promise<boolean> {
    const stored = await this.events.findOne({ _id: event.id }, { hash: 1 }).lean();
    return stored?.hash === event.hash;
  }

  private async currentHead(stream: string): Promise<Head | null> {
    const cached = this.heads.get(stream);
    if (cached !== undefined) return cached;
    const [hint, floor] = await Promise.all([this.readHint(`${stream}:head`), this.readHint(`${stream}:floor`)]);
    const head = await this.probe(stream, Math.max(hint, floor));
    this.heads.set(stream, head);
    return head;
  }

  /** The newest event at or after `from` (from = 0: the stream may be empty), by `_id` lookups only. */
  private async probe(stream: string, from: number): Promise<Head | null> {
    let known = from > 0 && (await this.exists(auditEventId(stream, from))) ? from : 0;
    if (known === 0 && from > 0) {
      // The hint is never ahead of the head, so a missing event here means it was removed by
      // retention up to the floor: the chain continues above it.
      known = from;
    }
    let step = 1;
    let missing = known + step;
    while (await this.exists(auditEventId(stream, missing))) {
      known = missing;
      step *= 2;
      missing = known + step;
    }
    // known exists (or is the floor), missing does not: bisect between them.
    while (missing - known > 1) {
      const middle = Math.floor((known + missing) / 2);
      if (await this.exists(auditEventId(stream, middle))) known = middle;
      else missing = middle;
    }
    if (known === 0) return null;
    const event = await this.events.findOne({ _id: auditEventId(stream, known) }, { seq: 1, hash: 1 }).lean();
    // Only the floor itself can be missing: start above it with the checkpoint's anchor.
    if (!event) return this.floorAnchor(stream, known);
    return { seq: event.seq, hash: event.hash };
  }

  private async floorAnchor(stream: string, floor: number): Promise<Head> {
    const checkpoint = await this.events
      .findOne({ _id: auditEventId(stream, floor + 1) }, { prevHash: 1 })
      .lean();
    if (!checkpoint) throw new Error(`audit stream ${stream}: nothing above the retention floor ${floor}`);
    return { seq: floor, hash: checkpoint.prevHash };
  }

  private async exists(id: string): Promise<boolean> {
    return (await this.events.exists({ _id: id })) !== null;
  }

  private async readHint(id: string): Promise<number> {
    const hint = await this.hints.findOne({ _id: id }).lean();
    return hint?.seq ?? 0;
  }

  private async maybeWriteHint(stream: string, seq: number, appended: number): Promise<void> {
    const count = (this.sinceHint.get(stream) ?? 0) + appended;
    if (count < HINT_EVERY && seq > appended) {
      this.sinceHint.set(stream, count);
      return;
    }
    this.sinceHint.set(stream, 0);
    await this.writeHint(stream, seq);
  }

  /** A hint only helps; a stale one costs a few more lookups. Never written ahead of the head. */
  private async writeHint(stream: string, seq: number): Promise<void> {
    await this.hints.updateOne({ _id: { $eq: `${stream}:head` } }, { $max: { seq } }, { upsert: true });
  }
}
