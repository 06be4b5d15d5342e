import { DomainError } from '#src/kernel/errors/domain-error';
import { ChangeActor, normalizeChanges, normalizeDraft, Opportunity, openingOf, planChanges, planReopen } from './opportunity';
import { OPPORTUNITY_STAGES, OpportunityStage } from './opportunity-stage';

const AT = new Date('2026-03-01T10:00:00Z');
const STAFF: ChangeActor = { side: 'internal', by: 'auth0|staff', at: AT };
const PARTNER: ChangeActor = { side: 'partner', by: 'auth0|partner', at: AT };

function anOpportunity(stage: OpportunityStage, fields: Partial<Opportunity> = {}): Opportunity {
  return {
    id: 'a'.repeat(24),
    name: 'Deal',
    amountMinor: 1000,
    currency: 'EUR',
    stage,
    probability: 10,
    partnerId: 'b'.repeat(24),
    ownerId: 'auth0|owner',
    stageHistory: [{ to: 'prospecting', by: 'auth0|owner', at: new Date(0) }],
    revision: 3,
    createdAt: new Date(0),
    updatedAt: new Date(0),
    ...fields,
  };
}

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

const fieldsOf = (error: DomainError): string[] => (error.options.errors ?? []).map((e) => e.field);

describe('opening an opportunity', () => {
  it('starts in prospecting at 10% unless told otherwise, and takes a given probability as it is', () => {
    expect(openingOf(undefined, undefined)).toEqual({ stage: 'prospecting', probability: 10 });
    expect(openingOf('proposal', undefined)).toEqual({ stage: 'proposal', probability: 50 });
    expect(openingOf('negotiation', 33)).toEqual({ stage: 'negotiation', probability: 33 });
    expect(openingOf('qualification', 0)).toEqual({ stage: 'qualification', probability: 0 });
  });

  it.each(['closed_won', 'closed_lost'] as const)('never starts %s (400 on /stage)', (stage) => {
    const error = errorOf(() => openingOf(stage, undefined));
    expect(error.code).toBe('validation_failed');
    expect(fieldsOf(error)).toEqual(['/stage']);
  });

  it('stores the name in NFC, trimmed, and the currency upper case', () => {
    expect(normalizeDraft({ name: '  Cafe\u0301 deal ', amountMinor: 5, currency: 'eur' })).toEqual({
      name: 'Caf\u00e9 deal',
      amountMinor: 5,
      currency: 'EUR',
      stage: 'prospecting',
      probability: 10,
    });
  });
});

describe('planning a PATCH', () => {
  it('writes nothing for an empty change or the current stage restated', () => {
    expect(planChanges(anOpportunity('proposal'), {}, STAFF)).toEqual({});
    expect(planChanges(anOpportunity('proposal'), { stage: 'proposal' }, PARTNER)).toEqual({});
  });

  it('writes plain fields without touching the stage or its history', () => {
    expect(planChanges(anOpportunity('proposal'), normalizeChanges({ name: ' New ', amountMinor: 7, expectedCloseDate: null }), PARTNER)).toEqual({
      name: 'New',
      amountMinor: 7,
      expectedCloseDate: null,
    });
    expect(planChanges(anOpportunity('proposal'), { probability: 42 }, PARTNER)).toEqual({ probability: 42 });
  });

  it('moves forward, resetting the probability to the stage default and recording who and when', () => {
    const current = anOpportunity('prospecting');
    const write = planChanges(current, { stage: 'negotiation' }, PARTNER);
    expect(write).toEqual({
      stage: 'negotiation',
      probability: 75,
      stageHistory: [...current.stageHistory, { from: 'prospecting', to: 'negotiation', by: 'auth0|partner', at: AT }],
    });
  });

  it('keeps a probability given with the move', () => {
    expect(planChanges(anOpportunity('prospecting'), { stage: 'proposal', probability: 60 }, STAFF)).toMatchObject({ stage: 'proposal', probability: 60 });
  });

  it('closes won (probability 100, reason optional) and lost (probability 0, reason required)', () => {
    expect(planChanges(anOpportunity('proposal'), { stage: 'closed_won' }, PARTNER)).toMatchObject({ stage: 'closed_won', probability: 100 });
    const lost = planChanges(anOpportunity('proposal'), { stage: 'closed_lost', closeReason: 'Budget cut' }, PARTNER);
    expect(lost).toMatchObject({ stage: 'closed_lost', probability: 0, closeReason: 'Budget cut' });
    expect(lost.stageHistory?.at(-1)).toEqual({ from: 'proposal', to: 'closed_lost', by: 'auth0|partner', at: AT, reason: 'Budget cut' });
    expect(planChanges(anOpportunity('proposal'), { stage: 'closed_lost', probability: 0, closeReason: 'x' }, PARTNER)).toMatchObject({ probability: 0 });
  });

  it('requires a close reason for closed_lost and refuses one without a closing move', () => {
    expect(fieldsOf(errorOf(() => planChanges(anOpportunity('proposal'), { stage: 'closed_lost' }, STAFF)))).toEqual(['/closeReason']);
    expect(fieldsOf(errorOf(() => planChanges(anOpportunity('proposal'), { closeReason: 'why' }, STAFF)))).toEqual(['/closeReason']);
    expect(fieldsOf(errorOf(() => planChanges(anOpportunity('proposal'), { stage: 'negotiation', closeReason: 'why' }, STAFF)))).toEqual(['/closeReason']);
  });

  it('fixes the probability of closed stages', () => {
    const error = errorOf(() => planChanges(anOpportunity('proposal'), { stage: 'closed_won', probability: 90 }, STAFF));
    expect(error.code).toBe('validation_failed');
    expect(fieldsOf(error)).toEqual(['/probability']);
  });

  it('lets Staff move back, but not partner users', () => {
    expect(planChanges(anOpportunity('negotiation'), { stage: 'qualification' }, STAFF)).toMatchObject({ stage: 'qualification', probability: 25 });
    expect(errorOf(() => planChanges(anOpportunity('negotiation'), { stage: 'qualification' }, PARTNER)).code).toBe('permission_denied');
  });

  it.each(OPPORTUNITY_STAGES.flatMap((to) => (['closed_won', 'closed_lost'] as const).map((from) => [from, to] as const)))(
    'treats %s as read-only: any change (here stage %s) is a 409 naming the stage',
    (from, to) => {
      const error = errorOf(() => planChanges(anOpportunity(from), { stage: to }, STAFF));
      expect(error.code).toBe('opportunity_closed');
      expect(error.detail).toContain(`The opportunity is ${from};`);
      expect(errorOf(() => planChanges(anOpportunity(from), { name: 'x' }, STAFF)).code).toBe('opportunity_closed');
    },
  );

  it('accepts an empty change on a closed opportunity (nothing to refuse)', () => {
    expect(planChanges(anOpportunity('closed_won'), {}, PARTNER)).toEqual({});
  });
});

describe('planning a reopen', () => {
  it('returns to the stage at its default probability, clears the close reason and records the reason', () => {
    const current = anOpportunity('closed_lost', { probability: 0, closeReason: 'Budget' });
    expect(planReopen(current, 'negotiation', STAFF, ' Budget is back ')).toEqual({
      stage: 'negotiation',
      probability: 75,
      closeReason: null,
      stageHistory: [...current.stageHistory, { from: 'closed_lost', to: 'negotiation', by: 'auth0|staff', at: AT, reason: 'Budget is back' }],
    });
  });
});
