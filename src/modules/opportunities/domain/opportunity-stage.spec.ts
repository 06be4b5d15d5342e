import { DomainError } from '#src/kernel/errors/domain-error';
import {
  appendStageHistory,
  assertReopen,
  assertStageChange,
  classifyMove,
  CLOSED_STAGES,
  isClosedStage,
  OPEN_STAGES,
  OPPORTUNITY_STAGES,
  OpportunityStage,
  REOPEN_STAGE,
  StageActor,
  StageChange,
  STAGE_HISTORY_LIMIT,
  STAGE_PROBABILITY,
  stageVerdict,
  StageVerdict,
} from './opportunity-stage';

// The specification, written out independently of the implementation: every (from, to) pair is
// listed once, with what Staff/Admin ("internal") and Partner/Agent ("partner") users get.
type Row = readonly [OpportunityStage, OpportunityStage, StageVerdict, StageVerdict];
const SPEC: readonly Row[] = [
  ['prospecting', 'prospecting', 'unchanged', 'unchanged'],
  ['prospecting', 'qualification', 'allowed', 'allowed'],
  ['prospecting', 'proposal', 'allowed', 'allowed'],
  ['prospecting', 'negotiation', 'allowed', 'allowed'],
  ['prospecting', 'closed_won', 'allowed', 'allowed'],
  ['prospecting', 'closed_lost', 'allowed', 'allowed'],

  ['qualification', 'prospecting', 'allowed', 'partner_backward'],
  ['qualification', 'qualification', 'unchanged', 'unchanged'],
  ['qualification', 'proposal', 'allowed', 'allowed'],
  ['qualification', 'negotiation', 'allowed', 'allowed'],
  ['qualification', 'closed_won', 'allowed', 'allowed'],
  ['qualification', 'closed_lost', 'allowed', 'allowed'],

  ['proposal', 'prospecting', 'allowed', 'partner_backward'],
  ['proposal', 'qualification', 'allowed', 'partner_backward'],
  ['proposal', 'proposal', 'unchanged', 'unchanged'],
  ['proposal', 'negotiation', 'allowed', 'allowed'],
  ['proposal', 'closed_won', 'allowed', 'allowed'],
  ['proposal', 'closed_lost', 'allowed', 'allowed'],

  ['negotiation', 'prospecting', 'allowed', 'partner_backward'],
  ['negotiation', 'qualification', 'allowed', 'partner_backward'],
  ['negotiation', 'proposal', 'allowed', 'partner_backward'],
  ['negotiation', 'negotiation', 'unchanged', 'unchanged'],
  ['negotiation', 'closed_won', 'allowed', 'allowed'],
  ['negotiation', 'closed_lost', 'allowed', 'allowed'],

  ['closed_won', 'prospecting', 'closed', 'closed'],
  ['closed_won', 'qualification', 'closed', 'closed'],
  ['closed_won', 'proposal', 'closed', 'closed'],
  ['closed_won', 'negotiation', 'closed', 'closed'],
  ['closed_won', 'closed_won', 'unchanged', 'unchanged'],
  ['closed_won', 'closed_lost', 'closed', 'closed'],

  ['closed_lost', 'prospecting', 'closed', 'closed'],
  ['closed_lost', 'qualification', 'closed', 'closed'],
  ['closed_lost', 'proposal', 'closed', 'closed'],
  ['closed_lost', 'negotiation', 'closed', 'closed'],
  ['closed_lost', 'closed_won', 'closed', 'closed'],
  ['closed_lost', 'closed_lost', 'unchanged', 'unchanged'],
];

const CASES = SPEC.flatMap(([from, to, internal, partner]) => [
  [from, to, 'internal', internal] as const,
  [from, to, 'partner', partner] as const,
]);

function thrownBy(fn: () => unknown): DomainError | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  return undefined;
}

describe('opportunity stages', () => {
  it('lists the pipeline in order, open stages before the two closed ones', () => {
    expect(OPPORTUNITY_STAGES).toEqual(['prospecting', 'qualification', 'proposal', 'negotiation', 'closed_won', 'closed_lost']);
    expect(OPPORTUNITY_STAGES.filter(isClosedStage)).toEqual([...CLOSED_STAGES]);
    expect(OPPORTUNITY_STAGES.filter((s) => !isClosedStage(s))).toEqual([...OPEN_STAGES]);
  });

  it('implies the documented probability for each stage', () => {
    expect(STAGE_PROBABILITY).toEqual({ prospecting: 10, qualification: 25, proposal: 50, negotiation: 75, closed_won: 100, closed_lost: 0 });
  });
});

describe('opportunity stage machine (PATCH)', () => {
  it('specifies every from × to pair exactly once', () => {
    const pairs = new Set(SPEC.map(([from, to]) => `${from}>${to}`));
    expect(pairs.size).toBe(SPEC.length);
    expect(SPEC.length).toBe(OPPORTUNITY_STAGES.length ** 2);
  });

  it.each(CASES)('%s → %s by %s users: %s', (from, to, actor, verdict) => {
    expect(stageVerdict(from, to, actor as StageActor)).toBe(verdict);
    const error = thrownBy(() => assertStageChange(from, to, actor as StageActor));
    switch (verdict) {
      case 'allowed':
      case 'unchanged':
        expect(error).toBeUndefined();
        break;
      case 'closed':
        expect(error?.code).toBe('opportunity_closed');
        expect(error?.detail).toContain(`The opportunity is ${from};`);
        break;
      case 'partner_backward':
        expect(error?.code).toBe('permission_denied');
        expect(error?.detail).toContain(`from ${from} to ${to}`);
        break;
    }
  });

  it('classifies moves by the pipeline order', () => {
    expect(classifyMove('prospecting', 'negotiation')).toBe('forward');
    expect(classifyMove('negotiation', 'qualification')).toBe('backward');
    expect(classifyMove('prospecting', 'closed_lost')).toBe('close');
    expect(classifyMove('closed_lost', 'closed_won')).toBe('from_closed');
    expect(classifyMove('proposal', 'proposal')).toBe('same');
  });
});

describe('reopen', () => {
  it.each(CLOSED_STAGES)('takes %s back to negotiation for Staff and Admin', (stage) => {
    expect(REOPEN_STAGE).toBe('negotiation');
    expect(assertReopen(stage, 'internal')).toBe('negotiation');
  });

  it.each(OPEN_STAGES)('refuses %s with 409 invalid_transition naming the stage', (stage) => {
    const error = thrownBy(() => assertReopen(stage, 'internal'));
    expect(error?.code).toBe('invalid_transition');
    expect(error?.detail).toContain(`The opportunity is ${stage};`);
  });

  it.each(OPPORTUNITY_STAGES)('refuses partner users from %s with 403, whatever the stage', (stage) => {
    expect(thrownBy(() => assertReopen(stage, 'partner'))?.code).toBe('permission_denied');
  });
});

describe('stage history', () => {
  const entry = (n: number): StageChange => ({ to: 'proposal', by: `u${n}`, at: new Date(n) });

  it('appends, keeping the opening entry and the latest ones beyond the limit', () => {
    expect(appendStageHistory([entry(0)], entry(1))).toEqual([entry(0), entry(1)]);
    const full = Array.from({ length: STAGE_HISTORY_LIMIT }, (_, i) => entry(i));
    const next = appendStageHistory(full, entry(STAGE_HISTORY_LIMIT));
    expect(next).toHaveLength(STAGE_HISTORY_LIMIT);
    expect(next[0]).toEqual(entry(0));
    expect(next[1]).toEqual(entry(2));
    expect(next.at(-1)).toEqual(entry(STAGE_HISTORY_LIMIT));
  });
});
