import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted } from 'mongoose';
import type { AuditEvent } from '#src/kernel/audit/audit-event';
import { AuditDigestRecord } from '#src/kernel/audit/audit-digest.schema';
import { AuditEventRecord } from '#src/kernel/audit/audit-event.schema';
import type { AuditDigest } from '#src/kernel/audit/audit-signing';
import { AuditIntegrityReader } from '../domain/audit-integrity.reader';

type Stored<T> = T & { _id: string };
const withoutKey = <T>({ _id: _key, ...rest }: Stored<T>): T => rest as T;

/** Verification reads (scans are fine here: it is a report, not the append path). Tenant-scoped by the plugin. */
@Injectable()
export class MongooseAuditIntegrityReader extends AuditIntegrityReader {
  constructor(
    @InjectModel(AuditEventRecord.name) private readonly events: Model<AuditEventRecord>,
    @InjectModel(AuditDigestRecord.name) private readonly digests: Model<AuditDigestRecord>,
  ) {
    super();
  }

  async seqRange(from: Date | undefined, to: Date | undefined): Promise<{ fromSeq: number; toSeq: number } | undefined> {
    const time = trusted({
      ...(from === undefined ? {} : { $gte: from.toISOString() }),
      ...(to === undefined ? {} : { $lt: to.toISOString() }),
    });
    const filter = Object.keys(time).length > 0 ? { time } : {};
    const [first, last] = await Promise.all([
      this.events.findOne(filter, { seq: 1 }).sort({ seq: 1 }).lean(),
      this.events.findOne(filter, { seq: 1 }).sort({ seq: -1 }).lean(),
    ]);
    return first && last ? { fromSeq: first.seq, toSeq: last.seq } : undefined;
  }

  async eventsBetween(fromSeq: number, toSeq: number): Promise<AuditEvent[]> {
    const docs = await this.events.find({ seq: trusted({ $gte: fromSeq, $lte: toSeq }) }).sort({ seq: 1 }).lean<Stored<AuditEvent>[]>();
    return docs.map(withoutKey);
  }

  async checkpoints(): Promise<AuditEvent[]> {
    const docs = await this.events.find({ type: { $eq: 'checkpoint' } }).sort({ seq: 1 }).lean<Stored<AuditEvent>[]>();
    return docs.map(withoutKey);
  }

  async allDigests(): Promise<AuditDigest[]> {
    const docs = await this.digests.find({}).sort({ digestSeq: 1 }).lean<Stored<AuditDigest>[]>();
    return docs.map(withoutKey);
  }

  async digestsNewestFirst(before: number | undefined, count: number): Promise<AuditDigest[]> {
    const filter = before === undefined ? {} : { digestSeq: trusted({ $lt: before }) };
    const docs = await this.digests.find(filter).sort({ digestSeq: -1 }).limit(count).lean<Stored<AuditDigest>[]>();
    return docs.map(withoutKey);
  }
}
