import { normalizeText } from '#src/kernel/domain/text';
import { withoutUndefined } from '#src/kernel/domain/without-undefined';
import type { OpportunityListFilter, OpportunityPageRequest, OpportunitySort } from './opportunity-list';
import { closeReasonNotExpected, closeReasonRequired, invalidFields, probabilityFixed } from './opportunity.errors';
import {
  appendStageHistory,
  assertStageChange,
  DEFAULT_STAGE,
  isClosedStage,
  OpportunityStage,
  opportunityClosed,
  StageActor,
  StageChange,
  STAGE_PROBABILITY,
} from './opportunity-stage';

export const OPPORTUNITY_LIMITS = {
  name: 200,
  closeReason: 1000,
  sub: 256,
  /** 10^13 minor units: ten trillion cents is more than any deal. */
  amountMinor: 10_000_000_000_000,
  probability: 100,
} as const;

// The conversion use case takes the text rule from here.
export { normalizeText };

/**
 * A deal in the pipeline, as stored and as every caller sees it (it has no internal-only fields).
 * Soft-deleted opportunities are never returned.
 */
export interface Opportunity {
  readonly id: string;
  readonly name: string;
  /** Value in minor units of `currency` (cents for USD). */
  readonly amountMinor: number;
  /** ISO 4217 code. */
  readonly currency: string;
  readonly stage: OpportunityStage;
  /** Percent, 0..100. */
  readonly probability: number;
  /** `YYYY-MM-DD`. */
  readonly expectedCloseDate?: string;
  readonly partnerId: string;
  /** The owning member's `sub`. */
  readonly ownerId: string;
  /** The lead it was converted from. */
  readonly leadId?: string;
  /** Why it was closed (required for closed_lost, optional for closed_won); cleared by a reopen. */
  readonly closeReason?: string;
  readonly stageHistory: readonly StageChange[];
  readonly revision: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What other features (CSV export) receive: the opportunity as its caller may see it. */
export type OpportunityView = Opportunity;

/** What a create request carries; the server fills in partner and owner for partner-side callers. */
export interface OpportunityDraft {
  readonly name: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly stage?: OpportunityStage;
  readonly probability?: number;
  readonly expectedCloseDate?: string;
  readonly partnerId?: string;
  readonly ownerId?: string;
}

/** An opportunity ready to insert (at revision 1). */
export type NewOpportunity = Omit<Opportunity, 'closeReason' | 'revision' | 'createdAt' | 'updatedAt'>;

/** A partial change from PATCH: an absent key leaves the field; null clears an optional one. */
export interface OpportunityChanges {
  readonly name?: string;
  readonly amountMinor?: number;
  readonly currency?: string;
  readonly stage?: OpportunityStage;
  readonly probability?: number;
  readonly expectedCloseDate?: string | null;
  readonly closeReason?: string;
  readonly ownerId?: string;
}

/** The stored form of a change, as the repository writes it; null unsets a field (a reopen clears closeReason). */
export interface OpportunityWrite extends Omit<OpportunityChanges, 'closeReason'> {
  readonly closeReason?: string | null;
  readonly stageHistory?: readonly StageChange[];
}

/** Fields the server sets for partner-side callers on create. */
export const SERVER_OWNED_FIELDS = ['partnerId', 'ownerId'] as const;

/** Who makes a change and when, as the stage history records it. */
export interface ChangeActor {
  readonly side: StageActor;
  readonly by: string;
  readonly at: Date;
}

/**
 * The stage and probability a new opportunity starts with: any open stage (default prospecting),
 * and the given probability or the stage's default. Nothing is created closed.
 */
export function openingOf(stage: OpportunityStage | undefined, probability: number | undefined): { stage: OpportunityStage; probability: number } {
  const start = stage ?? DEFAULT_STAGE;
  if (isClosedStage(start)) {
    throw invalidFields([{ field: '/stage', message: 'a new opportunity starts in an open stage (prospecting, qualification, proposal or negotiation)' }]);
  }
  return { stage: start, probability: probability ?? STAGE_PROBABILITY[start] };
}

/** The stored forms of a draft's own fields: NFC name, upper-case currency, the opening stage. */
export function normalizeDraft(
  draft: OpportunityDraft,
): Pick<NewOpportunity, 'name' | 'amountMinor' | 'currency' | 'stage' | 'probability' | 'expectedCloseDate'> {
  return withoutUndefined({
    name: normalizeText(draft.name),
    amountMinor: draft.amountMinor,
    currency: draft.currency.trim().toUpperCase(),
    ...openingOf(draft.stage, draft.probability),
    expectedCloseDate: draft.expectedCloseDate,
  });
}

/** The opening stage-history entry. */
export function openingEntry(stage: OpportunityStage, actor: Omit<ChangeActor, 'side'>): StageChange {
  return { to: stage, by: actor.by, at: actor.at };
}

export function normalizeChanges(changes: OpportunityChanges): OpportunityChanges {
  return withoutUndefined({
    name: changes.name === undefined ? undefined : normalizeText(changes.name),
    amountMinor: changes.amountMinor,
    currency: changes.currency?.trim().toUpperCase(),
    stage: changes.stage,
    probability: changes.probability,
    expectedCloseDate: changes.expectedCloseDate,
    closeReason: changes.closeReason === undefined ? undefined : normalizeText(changes.closeReason),
    ownerId: changes.ownerId,
  });
}

export function hasChanges(changes: OpportunityChanges | OpportunityWrite): boolean {
  return Object.keys(changes).length > 0;
}

/**
 * What a PATCH writes to `current`, or throws why it may not:
 * - a closed opportunity is read-only: any field is a 409 naming the stage;
 * - a stage change follows the state machine (forward or closing for anyone, backward for Staff and
 *   Admin only) and is recorded in the stage history, with closeReason as its reason;
 * - closing lost needs a closeReason; closeReason is accepted only when closing;
 * - probability: closed stages fix it (won 100, lost 0); a move to an open stage resets it to the
 *   stage's default unless the same PATCH gives one; on its own it may be set to anything 0..100.
 * A stage equal to the current one is no change. An empty result means nothing to write.
 */
export function planChanges(current: Opportunity, changes: OpportunityChanges, actor: ChangeActor): OpportunityWrite {
  if (!hasChanges(changes)) return {};
  if (isClosedStage(current.stage)) throw opportunityClosed(current.stage);
  const { stage, probability, closeReason, ...plain } = changes;
  const target = stage ?? current.stage;
  const moves = target !== current.stage;
  if (moves) assertStageChange(current.stage, target, actor.side);
  const closing = moves && isClosedStage(target);
  if (closeReason !== undefined && !closing) throw closeReasonNotExpected();
  if (closing && target === 'closed_lost' && closeReason === undefined) throw closeReasonRequired();

  let nextProbability = probability;
  if (isClosedStage(target)) {
    if (probability !== undefined && probability !== STAGE_PROBABILITY[target]) throw probabilityFixed(target, STAGE_PROBABILITY[target]);
    nextProbability = STAGE_PROBABILITY[target];
  } else if (moves && probability === undefined) {
    nextProbability = STAGE_PROBABILITY[target];
  }

  if (!moves) return withoutUndefined({ ...plain, probability: nextProbability });
  const entry: StageChange = { from: current.stage, to: target, by: actor.by, at: actor.at, ...(closeReason === undefined ? {} : { reason: closeReason }) };
  return withoutUndefined({
    ...plain,
    stage: target,
    probability: nextProbability,
    closeReason,
    stageHistory: appendStageHistory(current.stageHistory, entry),
  });
}

/** What POST /reopen writes: back to `stage` (negotiation) at its default probability, the close reason cleared. */
export function planReopen(current: Opportunity, stage: OpportunityStage, actor: ChangeActor, reason: string | undefined): OpportunityWrite {
  const entry: StageChange = { from: current.stage, to: stage, by: actor.by, at: actor.at, ...(reason === undefined ? {} : { reason: normalizeText(reason) }) };
  return {
    stage,
    probability: STAGE_PROBABILITY[stage],
    closeReason: null,
    stageHistory: appendStageHistory(current.stageHistory, entry),
  };
}

/** A row-scope condition (from the kernel's RowScope) that every read ANDs in. */
export type RowFilter = Readonly<Record<string, unknown>>;

/** Port; every method works inside the tenant bound to the current context. */
export abstract class OpportunityRepository {
  /** A fresh opportunity id (24 lowercase hex digits), known before the opportunity is written. */
  abstract newId(): string;
  /**
   * Inserts at revision 1. An opportunity with a leadId is the lead's one conversion: a second one
   * for the same lead is refused atomically (unique index) with lead_already_converted.
   */
  abstract insert(opportunity: NewOpportunity): Promise<Opportunity>;
  /** The opportunity if it exists, is not deleted and matches `scope`; malformed ids find nothing. */
  abstract findById(id: string, scope: RowFilter): Promise<Opportunity | undefined>;
  /** Up to `page.limit + 1` opportunities in the page's sort order after its cursor, deleted ones left out. */
  abstract list(filter: OpportunityListFilter, page: OpportunityPageRequest, scope: RowFilter): Promise<Opportunity[]>;
  /** Every matching opportunity in `sort` order (id order without one), read in batches of `batchSize`. */
  abstract stream(filter: OpportunityListFilter, sort: OpportunitySort | undefined, scope: RowFilter, batchSize: number): AsyncIterable<Opportunity>;
  /** Writes `changes` as `revision`; the caller already holds the revision claim. */
  abstract applyRevision(id: string, revision: number, changes: OpportunityWrite): Promise<Opportunity | undefined>;
  /** Soft-deletes as `revision`; the caller already holds the revision claim. */
  abstract markDeleted(id: string, revision: number, at: Date): Promise<void>;
  /** Removes an opportunity outright: only to undo a conversion the lead could not record. */
  abstract discard(id: string): Promise<void>;

  /** The opportunity converted from this lead, deleted or not (the lead's unique key), in any row scope. */
  abstract findByLead(leadId: string): Promise<Opportunity | undefined>;
}
