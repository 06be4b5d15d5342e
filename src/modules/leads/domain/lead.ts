import { normalizeText } from '#src/kernel/domain/text';
import { withoutUndefined } from '#src/kernel/domain/without-undefined';
import type { LeadStatus, LeadStatusChange } from './lead-status';
import type { LeadListFilter, LeadPageRequest, LeadSort } from './lead-list';

export const LEAD_LIMITS = {
  companyName: 200,
  companyDomain: 253,
  contactName: 200,
  email: 320,
  phone: 40,
  title: 100,
  notes: 4000,
  internalNotes: 4000,
  reason: 1000,
  sub: 256,
  /** 10^13 minor units: ten trillion cents is more than any deal. */
  valueMinor: 10_000_000_000_000,
  commissionBasisPoints: 10_000,
  /** Leads one registration may be recorded as conflicting with. */
  conflictsWith: 100,
} as const;

export const LEAD_SOURCES = ['referral', 'event', 'website', 'inbound', 'outbound', 'marketplace', 'other'] as const;
export type LeadSource = (typeof LEAD_SOURCES)[number];

/** Commission as exposed (a percentage with up to two decimals) to and from basis points as stored. */
export function percentToBasisPoints(percent: number): number {
  return Math.round(percent * 100);
}

export function basisPointsToPercent(basisPoints: number): number {
  return basisPoints / 100;
}

/** True for a percentage in 0..100 with at most two decimals. */
export function isCommissionPercent(percent: number): boolean {
  if (!Number.isFinite(percent) || percent < 0 || percent > 100) return false;
  return Math.abs(percent * 100 - Math.round(percent * 100)) < 1e-6;
}

export interface LeadContact {
  readonly name: string;
  /** Stored lowercase. */
  readonly email: string;
  readonly phone?: string;
  readonly title?: string;
}

/** A deal registration as stored. Soft-deleted leads are never returned. */
export interface Lead {
  readonly id: string;
  readonly companyName: string;
  /** As registered, lowercase (e.g. `www.acme.co.uk`); conflicts compare its registrable domain. */
  readonly companyDomain: string;
  readonly contact: LeadContact;
  /** Estimated value in minor units of `currency` (cents for USD). */
  readonly valueMinor: number;
  /** ISO 4217 code. */
  readonly currency: string;
  /** `YYYY-MM-DD`. */
  readonly expectedCloseDate?: string;
  readonly partnerId: string;
  /** The `sub` of the member who registered it (or the partner user it was registered for). */
  readonly ownerId: string;
  readonly source?: LeadSource;
  /** Visible to the partner. */
  readonly notes?: string;
  /** Staff and Admin only: never shown to, nor writable by, partner-side users. */
  readonly internalNotes?: string;
  /** 0..10000 (0%..100%). */
  readonly commissionBasisPoints?: number;
  readonly status: LeadStatus;
  readonly statusHistory: readonly LeadStatusChange[];
  /** Other partners' active registrations of the same prospect, recorded when Staff registered over a conflict. */
  readonly conflictsWith: readonly string[];
  /** The registration keys (domain:…, email:…) this lead claims while it is active. */
  readonly registrationKeys: readonly string[];
  /** When it was last approved: the start of its protection window. */
  readonly approvedAt?: Date;
  /** Set by the opportunities feature when it converts the lead. */
  readonly convertedOpportunityId?: string;
  readonly revision: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A lead as a given caller may see it: internal fields only for Staff, Admin and system actors. */
export interface LeadView extends Omit<Lead, 'internalNotes' | 'conflictsWith' | 'registrationKeys'> {
  readonly internalNotes?: string;
  readonly conflictsWith?: readonly string[];
}

export function viewOf(lead: Lead, internal: boolean): LeadView {
  const { registrationKeys: _keys, internalNotes, conflictsWith, ...shared } = lead;
  if (!internal) return shared;
  return { ...shared, ...(internalNotes === undefined ? {} : { internalNotes }), conflictsWith };
}

/** What a create request carries; the server fills in partner and owner for partner-side callers. */
export interface LeadDraft {
  readonly companyName: string;
  readonly companyDomain: string;
  readonly contact: LeadContact;
  readonly valueMinor: number;
  readonly currency: string;
  readonly expectedCloseDate?: string;
  readonly source?: LeadSource;
  readonly notes?: string;
  readonly internalNotes?: string;
  readonly commissionPercent?: number;
  readonly partnerId?: string;
  readonly ownerId?: string;
}

/** A lead ready to insert (at revision 1). */
export type NewLead = Omit<Lead, 'approvedAt' | 'convertedOpportunityId' | 'revision' | 'createdAt' | 'updatedAt'>;

/** A partial change from PATCH: an absent key leaves the field; null clears an optional one. */
export interface LeadChanges {
  readonly companyName?: string;
  readonly companyDomain?: string;
  readonly contact?: LeadContact;
  readonly valueMinor?: number;
  readonly currency?: string;
  readonly expectedCloseDate?: string | null;
  readonly source?: LeadSource | null;
  readonly notes?: string | null;
  readonly internalNotes?: string | null;
  readonly commissionPercent?: number | null;
  readonly ownerId?: string;
}

/**
 * The stored form of a change, as the repository writes it; null unsets a field. Commission is
 * stored in basis points; status, history and the rest are written by the server only.
 */
export interface LeadWrite extends Omit<LeadChanges, 'commissionPercent'> {
  readonly commissionBasisPoints?: number | null;
  readonly status?: LeadStatus;
  readonly statusHistory?: readonly LeadStatusChange[];
  readonly conflictsWith?: readonly string[];
  readonly registrationKeys?: readonly string[];
  readonly approvedAt?: Date | null;
  readonly convertedOpportunityId?: string;
}

/** Fields only Staff and Admin may send. */
export const INTERNAL_INPUT_FIELDS = ['internalNotes', 'commissionPercent'] as const;
/** Fields the server sets for partner-side callers. */
export const SERVER_OWNED_FIELDS = ['partnerId', 'ownerId'] as const;

function normalizeContact(contact: LeadContact): LeadContact {
  return withoutUndefined({
    name: normalizeText(contact.name),
    email: contact.email.trim().toLowerCase(),
    phone: contact.phone?.trim(),
    title: contact.title === undefined ? undefined : normalizeText(contact.title),
  }) as LeadContact;
}

const textOrNull = (value: string | null | undefined): string | null | undefined =>
  value === undefined || value === null ? value : normalizeText(value);

/** The stored forms of a draft's own fields: NFC text, lowercase domain and email, basis points. */
export function normalizeDraft(draft: LeadDraft): Omit<NewLead, 'id' | 'partnerId' | 'ownerId' | 'status' | 'statusHistory' | 'conflictsWith' | 'registrationKeys'> {
  return withoutUndefined({
    companyName: normalizeText(draft.companyName),
    companyDomain: draft.companyDomain.trim().toLowerCase(),
    contact: normalizeContact(draft.contact),
    valueMinor: draft.valueMinor,
    currency: draft.currency.trim().toUpperCase(),
    expectedCloseDate: draft.expectedCloseDate,
    source: draft.source,
    notes: textOrNull(draft.notes) ?? undefined,
    internalNotes: textOrNull(draft.internalNotes) ?? undefined,
    commissionBasisPoints: draft.commissionPercent === undefined ? undefined : percentToBasisPoints(draft.commissionPercent),
  }) as ReturnType<typeof normalizeDraft>;
}

/** The stored form of a PATCH's changes. */
export function normalizeChanges(changes: LeadChanges): LeadWrite {
  return withoutUndefined({
    companyName: changes.companyName === undefined ? undefined : normalizeText(changes.companyName),
    companyDomain: changes.companyDomain?.trim().toLowerCase(),
    contact: changes.contact === undefined ? undefined : normalizeContact(changes.contact),
    valueMinor: changes.valueMinor,
    currency: changes.currency?.trim().toUpperCase(),
    expectedCloseDate: changes.expectedCloseDate,
    source: changes.source,
    notes: textOrNull(changes.notes),
    internalNotes: textOrNull(changes.internalNotes),
    commissionBasisPoints:
      changes.commissionPercent === undefined ? undefined : changes.commissionPercent === null ? null : percentToBasisPoints(changes.commissionPercent),
    ownerId: changes.ownerId,
  });
}

export function hasChanges(write: LeadWrite): boolean {
  return Object.keys(write).length > 0;
}

/** A row-scope condition (from the kernel's RowScope) that every read ANDs in. */
export type RowFilter = Readonly<Record<string, unknown>>;

/** Deliberately no row scope: for system actors and for lookups made on the tenant's behalf. */
export const NO_ROW_SCOPE: RowFilter = Object.freeze({});

/** Port; every method works inside the tenant bound to the current context. */
export abstract class LeadRepository {
  /** A fresh lead id (24 lowercase hex digits), known before the lead is written. */
  abstract newId(): string;
  /** Inserts at revision 1 with the given id. */
  abstract insert(lead: NewLead): Promise<Lead>;
  /** The lead if it exists, is not deleted and matches `scope`; malformed ids find nothing. */
  abstract findById(id: string, scope: RowFilter): Promise<Lead | undefined>;
  /** Up to `page.limit + 1` leads in the page's sort order after its cursor, deleted ones left out. */
  abstract list(filter: LeadListFilter, page: LeadPageRequest, scope: RowFilter): Promise<Lead[]>;
  /** Every matching lead in the sort order, read from the database in batches of `batchSize`. */
  abstract stream(filter: LeadListFilter, sort: LeadSort | undefined, scope: RowFilter, batchSize: number): AsyncIterable<Lead>;
  /** Writes `changes` as `revision`; the caller already holds the revision claim. */
  abstract applyRevision(id: string, revision: number, changes: LeadWrite): Promise<Lead | undefined>;
  /** Soft-deletes as `revision`; the caller already holds the revision claim. */
  abstract markDeleted(id: string, revision: number, at: Date): Promise<void>;
  /** Up to `limit` approved leads of the tenant in context approved before `cutoff`, oldest approval first. */
  abstract findApprovedBefore(cutoff: Date, limit: number): Promise<Lead[]>;
  /** Tenants that have approved leads. Only inside RequestContext.runCrossTenant(). */
  abstract tenantsWithApprovedLeads(): Promise<string[]>;
}
