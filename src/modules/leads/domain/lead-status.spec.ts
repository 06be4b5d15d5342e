import { DomainError } from '#src/kernel/errors/domain-error';
import {
  ACTIVE_STATUSES,
  appendHistory,
  canApply,
  isActiveRegistration,
  isPartnerEditable,
  LEAD_ACTIONS,
  LEAD_STATUSES,
  LeadAction,
  LeadStatus,
  LeadStatusChange,
  nextStatus,
  STATUS_HISTORY_LIMIT,
} from './lead-status';

// The specification, written out independently of LEAD_TRANSITIONS: every (status, action) pair
// not listed here must be refused.
const ALLOWED: ReadonlyArray<[LeadStatus, LeadAction, LeadStatus]> = [
  ['submitted', 'review', 'under_review'],
  ['submitted', 'approve', 'approved'],
  ['submitted', 'reject', 'rejected'],
  ['submitted', 'return', 'returned'],
  ['under_review', 'approve', 'approved'],
  ['under_review', 'reject', 'rejected'],
  ['under_review', 'return', 'returned'],
  ['returned', 'resubmit', 'submitted'],
  ['approved', 'convert', 'converted'],
  ['approved', 'expire', 'expired'],
];

const allowed = new Map(ALLOWED.map(([from, action, to]) => [`${from}/${action}`, to]));
const FORBIDDEN = LEAD_STATUSES.flatMap((from) => LEAD_ACTIONS.map((action) => [from, action] as const)).filter(
  ([from, action]) => !allowed.has(`${from}/${action}`),
);

describe('lead state machine', () => {
  it('covers every status × action pair exactly once between the allowed and forbidden tables', () => {
    expect(ALLOWED.length + FORBIDDEN.length).toBe(LEAD_STATUSES.length * LEAD_ACTIONS.length);
    expect(FORBIDDEN.length).toBe(7 * 7 - 10);
  });

  it.each(ALLOWED)('%s --%s--> %s', (from, action, to) => {
    expect(canApply(from, action)).toBe(true);
    expect(nextStatus(from, action)).toBe(to);
  });

  it.each(FORBIDDEN)('refuses %s --%s--> with 409 invalid_transition naming the current status', (from, action) => {
    expect(canApply(from, action)).toBe(false);
    let thrown: unknown;
    try {
      nextStatus(from, action);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect((thrown as DomainError).code).toBe('invalid_transition');
    expect((thrown as DomainError).detail).toContain(`The lead is ${from};`);
  });

  it('makes rejected, converted and expired final', () => {
    for (const status of ['rejected', 'converted', 'expired'] as const) {
      expect(LEAD_ACTIONS.filter((action) => canApply(status, action))).toEqual([]);
    }
  });

  it('reaches every status from submitted', () => {
    const reached = new Set<LeadStatus>(['submitted']);
    for (let changed = true; changed; ) {
      changed = false;
      for (const [from, , to] of ALLOWED) {
        if (reached.has(from) && !reached.has(to)) {
          reached.add(to);
          changed = true;
        }
      }
    }
    expect([...reached].sort()).toEqual([...LEAD_STATUSES].sort());
  });

  it('counts submitted, under_review, returned and approved as active registrations, and nothing else', () => {
    expect([...ACTIVE_STATUSES].sort()).toEqual(['approved', 'returned', 'submitted', 'under_review']);
    for (const status of LEAD_STATUSES) expect(isActiveRegistration(status)).toBe(ACTIVE_STATUSES.includes(status));
  });

  it('lets partner users edit only submitted and returned leads', () => {
    expect(LEAD_STATUSES.filter(isPartnerEditable)).toEqual(['submitted', 'returned']);
  });

  it('keeps the registration entry and the latest changes when the history is full', () => {
    const entry = (n: number): LeadStatusChange => ({ to: 'submitted', by: `u${n}`, at: new Date(n) });
    let history: LeadStatusChange[] = [];
    for (let n = 0; n < STATUS_HISTORY_LIMIT + 5; n++) history = appendHistory(history, entry(n));
    expect(history).toHaveLength(STATUS_HISTORY_LIMIT);
    expect(history[0].by).toBe('u0');
    expect(history[history.length - 1].by).toBe(`u${STATUS_HISTORY_LIMIT + 4}`);
    expect(history[1].by).toBe('u6');
  });
});
