import { Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { createHash, randomBytes } from 'node:crypto';
import { Model } from 'mongoose';
import type { Logger } from 'pino';
import { Leases } from '../concurrency/leases';
import { RequestContext } from '../context/request-context';
import { isDuplicateKeyError } from '../database/database-errors';
import type { FieldError } from '../errors/domain-error';
import { ROOT_LOGGER } from '../logging/logging.module';
import { IdempotencyClaimRecord } from './idempotency-claim.schema';
import { IdempotentResponseRecord } from './idempotent-response.schema';

/** How long a key is remembered: a retry within this window is answered from storage. */
export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;
/** A claim without a response this long after it was taken is presumed abandoned (crash, deploy). */
export const IDEMPOTENCY_IN_FLIGHT_LOCK_MS = 5 * 60 * 1000;

const MAX_ATTEMPTS = 5;
const RETIRE_LEASE_TTL_MS = 5_000;

/** Who asked for what: a key is scoped to the caller and the route (the tenant comes from context). */
export interface IdempotencyScope {
  readonly caller: string;
  /** Method and route template: `POST /v1/partners`. */
  readonly route: string;
  readonly key: string;
}

/** This request's ownership of a key: it runs the handler and records the outcome. */
export interface IdempotencyClaim {
  readonly id: string;
  readonly nonce: string;
  readonly expiresAt: Date;
}

export interface StoredProblem {
  readonly code: string;
  readonly detail: string;
  readonly errors?: readonly FieldError[];
  readonly allow?: readonly string[];
}

export type StoredResponse =
  | {
      readonly kind: 'success';
      readonly status: number;
      readonly headers: { readonly location?: string; readonly etag?: string; readonly contentType?: string };
      readonly body: { readonly kind: 'json' | 'text'; readonly text: string } | { readonly kind: 'empty' };
    }
  | { readonly kind: 'problem'; readonly status: number; readonly problem: StoredProblem };

export type IdempotencyOutcome =
  | { readonly kind: 'execute'; readonly claim: IdempotencyClaim }
  | { readonly kind: 'replay'; readonly response: StoredResponse }
  | { readonly kind: 'in_flight' }
  | { readonly kind: 'mismatch' };

type ClaimRow = Pick<IdempotencyClaimRecord, '_id' | 'requestHash' | 'nonce' | 'lockedUntil' | 'expiresAt'>;

/**
 * Idempotency keys on unique inserts only (docs/database.md): the first request inserts the
 * claim and runs; its outcome is inserted beside it. A claim with a response is completed, one
 * without is in flight. Expired or abandoned claims are retired under a lease, then re-claimed.
 */
@Injectable()
export class IdempotencyStore {
  constructor(
    @InjectModel(IdempotencyClaimRecord.name) private readonly claims: Model<IdempotencyClaimRecord>,
    @InjectModel(IdempotentResponseRecord.name) private readonly responses: Model<IdempotentResponseRecord>,
    private readonly leases: Leases,
    private readonly context: RequestContext,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  /** Claims the key for this request, or says what an earlier request with it has become. */
  async begin(scope: IdempotencyScope, requestHash: string): Promise<IdempotencyOutcome> {
    const id = this.claimId(scope);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const claim = await this.tryClaim(id, scope, requestHash);
      if (claim) return { kind: 'execute', claim };

      const existing = await this.readClaim(id);
      if (!existing) continue; // released or retired since our insert: claim again
      const response = await this.readResponse(existing.nonce);
      if (isStale(existing, response !== null)) {
        await this.retireIfStale(id, existing.nonce);
        continue;
      }
      if (existing.requestHash !== requestHash) return { kind: 'mismatch' };
      if (!response) return { kind: 'in_flight' };
      return { kind: 'replay', response: toStoredResponse(response) };
    }
    // The key keeps changing hands under us: the client should simply retry.
    return { kind: 'in_flight' };
  }

  /** Records the outcome the claim's request answered with; later retries replay it. */
  async complete(claim: IdempotencyClaim, response: StoredResponse): Promise<void> {
    const row = { _id: this.responseId(claim.nonce), status: response.status, expiresAt: claim.expiresAt, ...toRow(response) };
    try {
      await this.responses.create(row);
    } catch (error) {
      // The work is done and the client gets its answer; a retry meets an in-flight key until
      // the lock lapses, and is then run again.
      this.logger.error({ err: error, requestId: this.context.requestId, claim: claim.id }, 'idempotent response not recorded');
    }
  }

  /** Gives the key back: the request failed in a way worth retrying, or its answer cannot be kept (`why`). */
  async release(claim: IdempotencyClaim, why?: string): Promise<void> {
    if (why) this.logger.warn({ requestId: this.context.requestId, claim: claim.id, why }, 'idempotency key released unanswered');
    try {
      await this.claims.deleteOne({ _id: claim.id, nonce: { $eq: claim.nonce } });
    } catch (error) {
      this.logger.error({ err: error, requestId: this.context.requestId, claim: claim.id }, 'idempotency claim not released');
    }
  }

  private claimId({ caller, route, key }: IdempotencyScope): string {
    const tenantId = this.context.requireTenantId('an idempotency key');
    return `${tenantId}:${createHash('sha256').update(JSON.stringify([caller, route, key])).digest('hex')}`;
  }

  private responseId(nonce: string): string {
    return `${this.context.requireTenantId('an idempotent response')}:${nonce}`;
  }

  private async tryClaim(id: string, scope: IdempotencyScope, requestHash: string): Promise<IdempotencyClaim | undefined> {
    const now = Date.now();
    const claim: IdempotencyClaim = { id, nonce: randomBytes(16).toString('hex'), expiresAt: new Date(now + IDEMPOTENCY_RETENTION_MS) };
    try {
      await this.claims.create({
        _id: id,
        caller: scope.caller,
        route: scope.route,
        key: scope.key,
        requestHash,
        nonce: claim.nonce,
        lockedUntil: new Date(now + IDEMPOTENCY_IN_FLIGHT_LOCK_MS),
        expiresAt: claim.expiresAt,
      });
      return claim;
    } catch (error) {
      if (isDuplicateKeyError(error)) return undefined;
      throw error;
    }
  }

  private readClaim(id: string): Promise<ClaimRow | null> {
    return this.claims.findById(id).select({ requestHash: 1, nonce: 1, lockedUntil: 1, expiresAt: 1 }).lean<ClaimRow>().exec();
  }

  private readResponse(nonce: string): Promise<IdempotentResponseRecord | null> {
    return this.responses.findById(this.responseId(nonce)).lean<IdempotentResponseRecord>().exec();
  }

  /**
   * Deletes a claim (and its response) that has expired or was abandoned. Concurrent retries all
   * see it stale; the lease lets one delete it, and the re-read stops the others from deleting
   * the claim that replaced it.
   */
  private async retireIfStale(id: string, nonce: string): Promise<void> {
    await this.leases.withLease(
      `idempotency:${id}`,
      async () => {
        const current = await this.readClaim(id);
        if (current?.nonce !== nonce) return;
        const response = await this.readResponse(nonce);
        if (!isStale(current, response !== null)) return;
        await this.responses.deleteOne({ _id: this.responseId(nonce) });
        await this.claims.deleteOne({ _id: id, nonce: { $eq: nonce } });
      },
      RETIRE_LEASE_TTL_MS,
    );
  }
}

function isStale(claim: ClaimRow, completed: boolean, now = Date.now()): boolean {
  return claim.expiresAt.getTime() <= now || (!completed && claim.lockedUntil.getTime() <= now);
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function toRow(response: StoredResponse): Pick<IdempotentResponseRecord, 'bodyKind' | 'body' | 'problem' | 'location' | 'etag' | 'contentType'> {
  if (response.kind === 'problem') {
    const { code, detail, errors, allow } = response.problem;
    return { bodyKind: 'problem', problem: { code, detail, fieldErrors: errors && [...errors], allow: allow && [...allow] } };
  }
  const body = response.body.kind === 'empty' ? undefined : response.body.text;
  return { bodyKind: response.body.kind, body, ...withoutUndefined(response.headers) };
}

function toStoredResponse(row: IdempotentResponseRecord): StoredResponse {
  if (row.bodyKind === 'problem' && row.problem) {
    const { code, detail, fieldErrors: errors, allow } = row.problem;
    return {
      kind: 'problem',
      status: row.status,
      problem: {
        code,
        detail,
        ...(errors ? { errors: errors.map(({ field, message }) => ({ field, message })) } : {}),
        ...(allow ? { allow: [...allow] } : {}),
      },
    };
  }
  const headers = withoutUndefined({ location: row.location, etag: row.etag, contentType: row.contentType });
  const body = row.bodyKind === 'json' || row.bodyKind === 'text' ? { kind: row.bodyKind, text: row.body ?? '' } : { kind: 'empty' as const };
  return { kind: 'success', status: row.status, headers, body };
}
