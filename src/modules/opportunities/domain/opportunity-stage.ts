import { appendCappedHistory, StateChange } from '#src/kernel/domain/state-history';
import { DomainError } from '#src/kernel/errors/domain-error';

/** The pipeline, in order: open stages first, then the two ways a deal ends. */
export const OPEN_STAGES = ['prospecting', 'qualification', 'proposal', 'negotiation'] as const;
export const CLOSED_STAGES = ['closed_won', 'closed_lost'] as const;
export const OPPORTUNITY_STAGES = [...OPEN_STAGES, ...CLOSED_STAGES] as const;
export type OpenStage = (typeof OPEN_STAGES)[number];
export type ClosedStage = (typeof CLOSED_STAGES)[number];
export type OpportunityStage = (typeof OPPORTUNITY_STAGES)[number];

export const DEFAULT_STAGE: OpenStage = 'prospecting';

/** Where POST /reopen puts a closed opportunity: the last open stage, so the deal resumes near where it ended. */
export const REOPEN_STAGE: OpenStage = 'negotiation';

/** Probability (percent) a stage implies when the caller gives none; closed stages always have theirs. */
export const STAGE_PROBABILITY: Readonly<Record<OpportunityStage, number>> = {
  prospecting: 10,
  qualification: 25,
  proposal: 50,
  negotiation: 75,
  closed_won: 100,
  closed_lost: 0,
};

/** Who is moving the stage: Staff, Admin and system actors (`internal`) or Partner and Agent users. */
export type StageActor = 'internal' | 'partner';

/**
 * How a stage change relates to the pipeline:
 * - `same`: not a change at all;
 * - `forward`: to a later open stage (one or more steps);
 * - `backward`: to an earlier open stage;
 * - `close`: from an open stage to closed_won or closed_lost;
 * - `from_closed`: out of a closed stage (only POST /reopen may do that).
 */
export type StageMove = 'same' | 'forward' | 'backward' | 'close' | 'from_closed';

/** What the state machine says about a move for a given actor. */
export type StageVerdict = 'allowed' | 'unchanged' | 'closed' | 'partner_backward';

export function isClosedStage(stage: OpportunityStage): stage is ClosedStage {
  return (CLOSED_STAGES as readonly string[]).includes(stage);
}

export function isOpenStage(stage: OpportunityStage): stage is OpenStage {
  return !isClosedStage(stage);
}

const rank = (stage: OpportunityStage): number => OPPORTUNITY_STAGES.indexOf(stage);

export function classifyMove(from: OpportunityStage, to: OpportunityStage): StageMove {
  if (from === to) return 'same';
  if (isClosedStage(from)) return 'from_closed';
  if (isClosedStage(to)) return 'close';
  return rank(to) > rank(from) ? 'forward' : 'backward';
}

/**
 * The whole PATCH state machine. Open stages move forward (any number of steps) and close (won or
 * lost) for anyone who may update the opportunity; moving back to an earlier open stage is a
 * correction only Staff and Admin may make; nothing leaves a closed stage except POST /reopen.
 */
export function stageVerdict(from: OpportunityStage, to: OpportunityStage, actor: StageActor): StageVerdict {
  switch (classifyMove(from, to)) {
    case 'same':
      return 'unchanged';
    case 'forward':
    case 'close':
      return 'allowed';
    case 'backward':
      return actor === 'internal' ? 'allowed' : 'partner_backward';
    case 'from_closed':
      return 'closed';
  }
}

/** Closed opportunities are read-only: 409 naming the stage. */
export function opportunityClosed(stage: ClosedStage): DomainError {
  return new DomainError(
    'opportunity_closed',
    `The opportunity is ${stage}; it is read-only. Staff and Admin may reopen it with POST /v1/opportunities/{id}/reopen.`,
  );
}

export function backwardNotAllowed(from: OpportunityStage, to: OpportunityStage): DomainError {
  return new DomainError('permission_denied', `Only Staff and Admin may move an opportunity back (from ${from} to ${to}).`);
}

/** Throws unless `actor` may move an opportunity from `from` to `to` (same stage: nothing to check). */
export function assertStageChange(from: OpportunityStage, to: OpportunityStage, actor: StageActor): void {
  const verdict = stageVerdict(from, to, actor);
  if (verdict === 'closed') throw opportunityClosed(from as ClosedStage);
  if (verdict === 'partner_backward') throw backwardNotAllowed(from, to);
}

/** POST /reopen is a tenant-side decision: Staff and Admin only. */
export function assertMayReopen(actor: StageActor): void {
  if (actor !== 'internal') throw new DomainError('permission_denied', 'Only Staff and Admin may reopen an opportunity.');
}

/** Where a reopen leads from `stage`: REOPEN_STAGE from a closed stage; 409 naming the stage otherwise. */
export function reopenStage(stage: OpportunityStage): OpenStage {
  if (!isClosedStage(stage)) {
    throw new DomainError('invalid_transition', `The opportunity is ${stage}; only closed opportunities can be reopened.`);
  }
  return REOPEN_STAGE;
}

/** POST /reopen: Staff and Admin only, and only from a closed stage; it returns to REOPEN_STAGE. */
export function assertReopen(stage: OpportunityStage, actor: StageActor): OpenStage {
  assertMayReopen(actor);
  return reopenStage(stage);
}

/** One entry of an opportunity's stage history; `from` is absent on the entry that opened it. */
export type StageChange = StateChange<OpportunityStage>;

/** Stage history kept on an opportunity; beyond it the opening entry and the latest changes stay. */
export const STAGE_HISTORY_LIMIT = 1000;

export function appendStageHistory(history: readonly StageChange[], entry: StageChange): StageChange[] {
  return appendCappedHistory(history, entry, STAGE_HISTORY_LIMIT);
}
