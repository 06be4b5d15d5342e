import { appendCappedHistory, StateChange } from '#src/kernel/domain/state-history';
import { DomainError } from '#src/kernel/errors/domain-error';

/** Where a deal registration stands. */
export const LEAD_STATUSES = ['submitted', 'under_review', 'approved', 'rejected', 'returned', 'converted', 'expired'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

/** What can happen to a lead after it is registered. */
export const LEAD_ACTIONS = ['review', 'approve', 'reject', 'return', 'resubmit', 'convert', 'expire'] as const;
export type LeadAction = (typeof LEAD_ACTIONS)[number];

/**
 * The whole state machine: for each status, the actions it allows and where each leads. Anything
 * not listed is refused. Rejected, converted and expired are final.
 */
export const LEAD_TRANSITIONS: Readonly<Record<LeadStatus, Readonly<Partial<Record<LeadAction, LeadStatus>>>>> = {
  submitted: { review: 'under_review', approve: 'approved', reject: 'rejected', return: 'returned' },
  under_review: { approve: 'approved', reject: 'rejected', return: 'returned' },
  returned: { resubmit: 'submitted' },
  approved: { convert: 'converted', expire: 'expired' },
  rejected: {},
  converted: {},
  expired: {},
};

/** Registrations that protect their prospect: another partner registering it is a conflict. */
export const ACTIVE_STATUSES: readonly LeadStatus[] = ['submitted', 'under_review', 'returned', 'approved'];

/** Statuses in which partner-side users may still change (or withdraw) their registration. */
export const PARTNER_EDITABLE_STATUSES: readonly LeadStatus[] = ['submitted', 'returned'];

/** Actions that need a reason from the caller. */
export const REASON_REQUIRED: readonly LeadAction[] = ['reject', 'return'];

export function isActiveRegistration(status: LeadStatus): boolean {
  return ACTIVE_STATUSES.includes(status);
}

export function isPartnerEditable(status: LeadStatus): boolean {
  return PARTNER_EDITABLE_STATUSES.includes(status);
}

export function canApply(current: LeadStatus, action: LeadAction): boolean {
  return LEAD_TRANSITIONS[current][action] !== undefined;
}

export function invalidTransition(current: LeadStatus, attempted: string): DomainError {
  return new DomainError('invalid_transition', `The lead is ${current}; it cannot be ${attempted} now.`);
}

const PAST_TENSE: Readonly<Record<LeadAction, string>> = {
  review: 'put under review',
  approve: 'approved',
  reject: 'rejected',
  return: 'returned',
  resubmit: 'resubmitted',
  convert: 'converted',
  expire: 'expired',
};

/** The status `action` leads to from `current`; throws invalid_transition (409) naming `current` otherwise. */
export function nextStatus(current: LeadStatus, action: LeadAction): LeadStatus {
  const next = LEAD_TRANSITIONS[current][action];
  if (next === undefined) throw invalidTransition(current, PAST_TENSE[action]);
  return next;
}

/** One entry of a lead's status history; `from` is absent on the registration itself. */
export type LeadStatusChange = StateChange<LeadStatus>;

/** Status history kept on a lead; beyond it the registration entry and the latest changes stay. */
export const STATUS_HISTORY_LIMIT = 1000;

export function appendHistory(history: readonly LeadStatusChange[], entry: LeadStatusChange): LeadStatusChange[] {
  return appendCappedHistory(history, entry, STATUS_HISTORY_LIMIT);
}
