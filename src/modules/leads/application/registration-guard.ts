import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Leases } from '#src/kernel/concurrency/leases';
import { RegistrationClaimStore } from '../domain/registration-claims';
import type { RegistrationKey } from '../domain/registration-keys';

/** One contested key: the field it came from and the other partner's leads that hold it. */
export interface RegistrationConflict {
  readonly field: string;
  readonly leadIds: readonly string[];
}

/**
 * Conflict detection that holds under concurrency without transactions (docs/database.md):
 *
 * - Each key (`domain:acme.co.uk`, `email:jane@acme.co.uk`) has at most one claim per tenant, taken
 *   by a unique insert. The claim names the owning partner; another partner inserting it gets a
 *   duplicate key and a conflict, so of N partners racing for a key exactly one wins.
 * - Every active lead that registered a key is a holder of it, recorded before the claim is tried.
 *   The same partner registering the key again joins the claim as one more holder.
 * - A claim is deleted when the owning partner's last holder leaves the active states. Deciding
 *   that (count the holders, delete) and joining an existing claim run under a lease per key, so
 *   a release cannot delete a claim that a second lead of the same partner has just joined.
 *   Registrations Staff made over a conflict hold the key without owning it; when the owner lets
 *   go, the oldest of them inherits the claim.
 *
 * Keys are taken in sorted order and a strict registration stops at its first conflict, so among
 * concurrent registrations of overlapping keys at least one completes.
 */
@Injectable()
export class RegistrationGuard {
  constructor(
    private readonly store: RegistrationClaimStore,
    private readonly leases: Leases,
  ) {}

  /**
   * Claims `keys` for the lead. Strict (allowConflict false): stops at the first key another
   * partner owns, gives back what it took and returns that conflict. With allowConflict, holds
   * every key anyway and returns every conflict.
   */
  async acquire(leadId: string, partnerId: string, keys: readonly RegistrationKey[], allowConflict: boolean): Promise<RegistrationConflict[]> {
    const taken: string[] = [];
    const conflicts: RegistrationConflict[] = [];
    for (const { key, field } of [...keys].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
      await this.store.addHolder(key, leadId, partnerId);
      taken.push(key);
      const owner = await this.claim(key, leadId, partnerId);
      if (owner === partnerId) continue;
      const holders = await this.store.holdersOf(key);
      conflicts.push({ field, leadIds: holders.filter((h) => h.partnerId === owner).map((h) => h.leadId) });
      if (!allowConflict) {
        await this.release(leadId, partnerId, taken);
        return conflicts;
      }
    }
    return conflicts;
  }

  /** Gives up the lead's keys; a claim goes once its owner has no active lead holding it. */
  async release(leadId: string, partnerId: string, keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      await this.store.removeHolder(key, leadId);
      const claim = await this.store.findClaim(key);
      // Another partner's claim does not depend on this lead; anything else is settled under the lock.
      if (claim && claim.partnerId !== partnerId) continue;
      await this.underKeyLock(key, () => this.settle(key));
    }
  }

  /** Inserts the claim, or finds who owns it; answers the owning partner. */
  private async claim(key: string, leadId: string, partnerId: string): Promise<string> {
    if (await this.store.insertClaim(key, partnerId, leadId)) return partnerId;
    const existing = await this.store.findClaim(key);
    if (existing && existing.partnerId !== partnerId) return existing.partnerId;
    // Our own partner's claim (which a release may be about to delete), or one that just went.
    return this.underKeyLock(key, async () => {
      // Under the lock no release deletes claims, so once one exists it stays: this ends.
      for (;;) {
        const current = await this.store.findClaim(key);
        if (current) return current.partnerId;
        if (await this.store.insertClaim(key, partnerId, leadId)) return partnerId;
      }
    });
  }

  /** Deletes the claim if its owner no longer holds the key, handing it to the oldest other holder. */
  private async settle(key: string): Promise<void> {
    for (;;) {
      const claim = await this.store.findClaim(key);
      if (!claim) return;
      const holders = await this.store.holdersOf(key);
      if (holders.some((h) => h.partnerId === claim.partnerId)) return;
      await this.store.deleteClaim(key);
      const heir = holders[0];
      if (!heir || !(await this.store.insertClaim(key, heir.partnerId, heir.leadId))) return;
      // The heir may have let go while we read: check the new owner like the old one.
    }
  }

  private underKeyLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const digest = createHash('sha256').update(key).digest('hex').slice(0, 40);
    return this.leases.withLease(`lead-registration:${digest}`, fn);
  }
}
