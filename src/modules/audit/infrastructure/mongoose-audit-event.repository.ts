import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted } from 'mongoose';
import { AuditChain } from '#src/kernel/audit/audit-chain';
import { AuditEvent, auditEventId } from '#src/kernel/audit/audit-event';
import { AuditEventRecord } from '#src/kernel/audit/audit-event.schema';
import { RequestContext } from '#src/kernel/context/request-context';
import { whereBetween, whereEquals, whereStartsWith } from '#src/kernel/database/filter-conditions';
import { cursorRows } from '#src/kernel/export';
import { AuditEventFilter, AuditSeqRange, isUnfiltered } from '../domain/audit-event-query';
import { AuditEventRepository } from '../domain/audit-event.repository';

/** Lookups by `_id` run this many at a time (the connection pool is shared with every request). */
const LOOKUP_CONCURRENCY = 25;

type StoredEvent = AuditEventRecord & { _id: string };

/** The event exactly as the chain stored it, minus the storage key: what its hash covers. */
function toEvent(doc: StoredEvent): AuditEvent {
  const { _id: _storageKey, ...event } = doc;
  return event as unknown as AuditEvent;
}

/**
 * `time` from `from` (inclusive) to `to` (exclusive). It is stored as toISOString() text, which
 * sorts like the instants: the input has four-digit years, and one an offset pushes below 0000
 * starts with `-`, which sorts below every digit.
 */
function timeBetween(from: Date | undefined, to: Date | undefined): Record<string, unknown> {
  if (from === undefined && to === undefined) return {};
  return { time: trusted({ ...(from === undefined ? {} : { $gte: from.toISOString() }), ...(to === undefined ? {} : { $lt: to.toISOString() }) }) };
}

function conditions(filter: AuditEventFilter): Record<string, unknown> {
  return {
    ...timeBetween(filter.from, filter.to),
    ...whereEquals('actor.id', filter.actorId),
    ...(filter.action !== undefined && 'exact' in filter.action ? whereEquals('action', filter.action.exact) : {}),
    ...(filter.action !== undefined && 'prefix' in filter.action ? whereStartsWith('action', filter.action.prefix) : {}),
    ...whereEquals('target.type', filter.targetType),
    ...whereEquals('target.id', filter.targetId),
    ...whereEquals('outcome.result', filter.result),
    ...whereEquals('context.ip', filter.ip),
  };
}

/**
 * Reads the caller's stream through the scoped model (the tenant plugin adds the tenant to every
 * query). On FerretDB only a lone `_id` equality reaches an index (docs/database.md), so the
 * paths that must not slow down as the trail grows use it alone: one event by id, and the
 * unfiltered newest-first list, whose page is a run of sequence numbers below the head
 * (`<tenantId>:<seq>` ids, no gaps). Filtered lists and exports are queries: a scan there, the
 * (tenantId, seq) index on MongoDB.
 */
@Injectable()
export class MongooseAuditEventRepository extends AuditEventRepository {
  constructor(
    @InjectModel(AuditEventRecord.name) private readonly events: Model<AuditEventRecord>,
    private readonly chain: AuditChain,
    private readonly context: RequestContext,
  ) {
    super();
  }

  async findById(id: string): Promise<AuditEvent | undefined> {
    // A path parameter is always a string. A lone `_id` equality, so FerretDB can use an index
    // (the tenant plugin leaves it alone only if the id names the caller's tenant).
    const doc = await this.events.findOne({ _id: String(id) }).lean<StoredEvent>();
    return doc ? toEvent(doc) : undefined;
  }

  async listNewestFirst(filter: AuditEventFilter, before: number | undefined, count: number): Promise<AuditEvent[]> {
    if (isUnfiltered(filter)) return this.listBySeq(before, count);
    const docs = await this.events
      .find({ $and: [conditions(filter), before === undefined ? {} : { seq: trusted({ $lt: before }) }] })
      .sort({ seq: -1 })
      .limit(count)
      .lean<StoredEvent[]>();
    return docs.map(toEvent);
  }

  async *stream(filter: AuditEventFilter, range: AuditSeqRange, batchSize: number): AsyncIterable<AuditEvent> {
    const query = this.events.find({ $and: [conditions(filter), whereBetween('seq', range.fromSeq, range.toSeq, 'inclusive')] }).sort({ seq: 1 });
    for await (const doc of cursorRows(() => query.lean().cursor({ batchSize }))) yield toEvent(doc as unknown as StoredEvent);
  }

  /** The `count` events at and below `before - 1` (or the head), by `_id` lookups only. */
  private async listBySeq(before: number | undefined, count: number): Promise<AuditEvent[]> {
    const stream = this.context.requireTenantId('audit event list');
    const top = before === undefined ? await this.newestSeq(stream) : before - 1;
    const seqs: number[] = [];
    for (let seq = top; seq >= 1 && seqs.length < count; seq -= 1) seqs.push(seq);
    const found: AuditEvent[] = [];
    for (let i = 0; i < seqs.length; i += LOOKUP_CONCURRENCY) {
      const batch = await Promise.all(seqs.slice(i, i + LOOKUP_CONCURRENCY).map((seq) => this.findById(auditEventId(stream, seq))));
      for (const event of batch) if (event) found.push(event);
      // Below a missing number there is only what retention has already removed.
      if (batch.some((event) => event === undefined)) break;
    }
    return found;
  }

  /**
   * The stream's newest sequence number: the chain's head as this process knows it (a cache, or
   * a probe from the stored hint), then forward while newer events exist (other processes may
   * have appended), doubling the step and bisecting back, so the cost grows with the log of
   * what this process has not seen, never with the stream.
   */
  private async newestSeq(stream: string): Promise<number> {
    let known = (await this.chain.head(stream))?.seq ?? 0;
    let step = 1;
    let missing = known + step;
    while (await this.exists(stream, missing)) {
      known = missing;
      step *= 2;
      missing = known + step;
    }
    while (missing - known > 1) {
      const middle = Math.floor((known + missing) / 2);
      if (await this.exists(stream, middle)) known = middle;
      else missing = middle;
    }
    return known;
  }

  private async exists(stream: string, seq: number): Promise<boolean> {
    return (await this.events.exists({ _id: auditEventId(stream, seq) })) !== null;
  }
}
