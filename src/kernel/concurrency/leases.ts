import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { isDuplicateKeyError } from '../database/database-errors';
import { DomainError } from '../errors/domain-error';
import { LeaseRecord } from './lease.schema';

const DEFAULT_TTL_MS = 30_000;
const WAIT_STEP_MS = 25;
const MAX_WAIT_MS = 20_000;

/** Mutual exclusion per tenant and name, on unique inserts only (docs/database.md). */
@Injectable()
export class Leases {
  constructor(@InjectModel(LeaseRecord.name) private readonly leases: Model<LeaseRecord>) {}

  /** Runs fn while holding the named lease; waits up to 20 s for a current holder, then 409. */
  async withLease<T>(name: string, fn: () => Promise<T>, ttlMs = DEFAULT_TTL_MS): Promise<T> {
    const generation = await this.acquire(name, ttlMs);
    try {
      return await fn();
    } finally {
      await this.leases.updateOne({ name: { $eq: name }, generation }, { $set: { releasedAt: new Date() } });
    }
  }

  private async acquire(name: string, ttlMs: number): Promise<number> {
    const deadline = Date.now() + MAX_WAIT_MS;
    for (;;) {
      const latest = await this.leases.findOne({ name: { $eq: name } }).sort({ generation: -1 }).lean();
      const held = latest !== null && !latest.releasedAt && latest.expiresAt.getTime() > Date.now();
      if (!held) {
        const generation = (latest?.generation ?? 0) + 1;
        try {
          await this.leases.create({ name, generation, expiresAt: new Date(Date.now() + ttlMs) });
          return generation;
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
        }
      }
      if (Date.now() > deadline) {
        throw new DomainError('conflict', 'Another change of the same kind is in progress; retry shortly.', { retryAfterSeconds: 1 });
      }
      await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS + Math.random() * WAIT_STEP_MS));
    }
  }
}
