import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { RequestContext } from '../context/request-context';
import { isDuplicateKeyError } from '../database/database-errors';
import { DomainError } from '../errors/domain-error';
import { assertIfMatch, preconditionFailed } from '../http/etag';
import { RevisionClaimRecord } from './revision-claim.schema';

const ATTEMPTS_WITHOUT_IF_MATCH = 3;
const RETRY_DELAY_MS = 15;
/**
 * A claim whose revision the resource still has not reached this long after it was taken belongs
 * to a writer that died between claim and write (a crash, a kill during deploy). Far beyond any
 * real write (the driver gives up on a socket long before), so a slow live writer is never robbed.
 */
export const STALE_REVISION_CLAIM_MS = 60_000;

/** Claims the step of a resource to a revision; exactly one concurrent claimant wins. */
@Injectable()
export class RevisionClaims {
  constructor(
    @InjectModel(RevisionClaimRecord.name) private readonly claims: Model<RevisionClaimRecord>,
    private readonly context: RequestContext,
  ) {}

  /**
   * True when this caller now owns `revision` of `resource`; false when another writer does.
   * Call it only for the revision after the one just read: an existing claim is then either a
   * live concurrent writer or an abandoned one, and an abandoned one is taken over.
   */
  async claim(resource: string, revision: number): Promise<boolean> {
    if (await this.insertClaim(resource, revision)) return true;
    if (!(await this.retireAbandoned(resource, revision))) return false;
    return this.insertClaim(resource, revision);
  }

  private async insertClaim(resource: string, revision: number): Promise<boolean> {
    try {
      await this.claims.create({ resource, revision });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  /**
   * Deletes the claim on (resource, revision) when it is older than STALE_REVISION_CLAIM_MS. The
   * delete names that claim's own _id, so of several callers retiring it at once none can delete
   * the fresh claim another has just inserted: they all race for the re-insert, and one wins.
   */
  private async retireAbandoned(resource: string, revision: number): Promise<boolean> {
    const existing = await this.claims.findOne({ resource: { $eq: resource }, revision: { $eq: revision } }, { _id: 1, createdAt: 1 }).lean();
    if (!existing) return true; // given back since our insert
    if (Date.now() - existing.createdAt.getTime() < STALE_REVISION_CLAIM_MS) return false;
    await this.claims.deleteOne({ _id: existing._id });
    return true;
  }

  /**
   * Applies one change to a versioned resource: read it, check If-Match, claim the next revision,
   * write. With If-Match, losing the claim is a 412; without (or with `*`), the change is re-read
   * and retried a few times, then answered 409. A failed write gives its claim back.
   */
  async applyChange<T extends { revision: number }, R>(
    resource: string,
    ifMatch: number | '*' | undefined,
    read: () => Promise<T>,
    write: (current: T, nextRevision: number) => Promise<R>,
  ): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      const current = await read();
      assertIfMatch(ifMatch, current.revision);
      const next = current.revision + 1;
      if (await this.claim(resource, next)) {
        try {
          const result = await write(current, next);
          // The audit trail's before/after (the audit interceptor turns it into a field diff).
          this.context.noteChange({ resource, before: current, after: result });
          return result;
        } catch (error) {
          await this.claims.deleteOne({ resource: { $eq: resource }, revision: next });
          throw error;
        }
      }
      if (typeof ifMatch === 'number') throw preconditionFailed();
      if (attempt >= ATTEMPTS_WITHOUT_IF_MATCH) {
        throw new DomainError('conflict', 'Other requests are changing this resource right now; re-read it and retry.', { retryAfterSeconds: 1 });
      }
      // The winner is writing its revision now; give it a moment so the re-read sees it.
      await sleep(RETRY_DELAY_MS * attempt + Math.floor(Math.random() * RETRY_DELAY_MS));
    }
  }
}
