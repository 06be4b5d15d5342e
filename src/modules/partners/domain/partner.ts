import { normalizeText } from '#src/kernel/domain/text';
import { withoutUndefined } from '#src/kernel/domain/without-undefined';
import type { PageRequest } from '#src/kernel/http/pagination';

/** Partner tiers, lowest first: the order is the ranking (registered < silver < gold < platinum). */
export const PARTNER_TIERS = ['registered', 'silver', 'gold', 'platinum'] as const;
export type PartnerTier = (typeof PARTNER_TIERS)[number];

export const PARTNER_STATUSES = ['prospect', 'active', 'suspended'] as const;
export type PartnerStatus = (typeof PARTNER_STATUSES)[number];

export const DEFAULT_PARTNER_TIER: PartnerTier = 'registered';
export const DEFAULT_PARTNER_STATUS: PartnerStatus = 'prospect';

export const PARTNER_LIMITS = {
  name: 200,
  website: 2048,
  domain: 253,
  region: 100,
  contactName: 200,
  email: 320,
  phone: 40,
  ownerId: 256,
} as const;

export function tierRank(tier: PartnerTier): number {
  return PARTNER_TIERS.indexOf(tier);
}

export function tierAtLeast(tier: PartnerTier, minimum: PartnerTier): boolean {
  return tierRank(tier) >= tierRank(minimum);
}

export interface PartnerContact {
  readonly name: string;
  readonly email?: string;
  readonly phone?: string;
}

/** A partner organization of the tenant in context. Soft-deleted partners are never returned. */
export interface Partner {
  readonly id: string;
  readonly name: string;
  readonly website?: string;
  readonly domain?: string;
  readonly tier: PartnerTier;
  readonly status: PartnerStatus;
  readonly region?: string;
  readonly primaryContact?: PartnerContact;
  /** The owning Staff or Admin member's `sub`. */
  readonly ownerId?: string;
  readonly revision: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type NewPartner = Omit<Partner, 'id' | 'revision' | 'createdAt' | 'updatedAt'>;

/** What a create request may leave out: the defaults fill it in. */
export type PartnerDraft = Omit<NewPartner, 'tier' | 'status'> & {
  readonly tier?: PartnerTier;
  readonly status?: PartnerStatus;
};

/** A partial change: an absent key leaves the field as it is; null clears an optional field. */
export interface PartnerChanges {
  readonly name?: string;
  readonly website?: string | null;
  readonly domain?: string | null;
  readonly tier?: PartnerTier;
  readonly status?: PartnerStatus;
  readonly region?: string | null;
  readonly primaryContact?: PartnerContact | null;
  readonly ownerId?: string | null;
}

export interface PartnerListFilter {
  readonly status?: PartnerStatus;
  readonly tier?: PartnerTier;
  /** Case-insensitive prefix of the name. */
  readonly namePrefix?: string;
}

/** A row-scope condition (from the kernel's RowScope) that every read ANDs in. */
export type RowFilter = Readonly<Record<string, unknown>>;

/** Deliberately no row scope: only for lookups that other features make on the tenant's behalf. */
export const NO_ROW_SCOPE: RowFilter = Object.freeze({});

function normalizeContact(contact: PartnerContact): PartnerContact {
  return {
    name: normalizeText(contact.name),
    ...(contact.email === undefined ? {} : { email: contact.email.trim().toLowerCase() }),
    ...(contact.phone === undefined ? {} : { phone: contact.phone.trim() }),
  };
}

const trimOrNull = (value: string | null): string | null => (value === null ? null : value.trim());

/** Applies the defaults and the stored forms (NFC names, lowercase domain and email). */
export function newPartnerFrom(draft: PartnerDraft): NewPartner {
  return withoutUndefined({
    name: normalizeText(draft.name),
    website: draft.website?.trim(),
    domain: draft.domain?.trim().toLowerCase(),
    tier: draft.tier ?? DEFAULT_PARTNER_TIER,
    status: draft.status ?? DEFAULT_PARTNER_STATUS,
    region: draft.region === undefined ? undefined : normalizeText(draft.region),
    primaryContact: draft.primaryContact && normalizeContact(draft.primaryContact),
    ownerId: draft.ownerId,
  }) as NewPartner;
}

export function normalizeChanges(changes: PartnerChanges): PartnerChanges {
  return withoutUndefined({
    name: changes.name === undefined ? undefined : normalizeText(changes.name),
    website: changes.website === undefined ? undefined : trimOrNull(changes.website),
    domain: changes.domain === undefined ? undefined : changes.domain === null ? null : changes.domain.trim().toLowerCase(),
    tier: changes.tier,
    status: changes.status,
    region: changes.region === undefined ? undefined : changes.region === null ? null : normalizeText(changes.region),
    primaryContact:
      changes.primaryContact === undefined ? undefined : changes.primaryContact === null ? null : normalizeContact(changes.primaryContact),
    ownerId: changes.ownerId,
  });
}

export function hasChanges(changes: PartnerChanges): boolean {
  return Object.keys(changes).length > 0;
}

/** Port; every method works inside the tenant bound to the current context. */
export abstract class PartnerRepository {
  /** Inserts at revision 1. */
  abstract insert(partner: NewPartner): Promise<Partner>;
  /** The partner if it exists, is not deleted and matches `scope`; malformed ids find nothing. */
  abstract findById(id: string, scope: RowFilter): Promise<Partner | undefined>;
  /** Up to `page.limit + 1` partners in id order after `page.afterId`, deleted ones left out. */
  abstract list(filter: PartnerListFilter, page: PageRequest, scope: RowFilter): Promise<Partner[]>;
  /** Writes `changes` as `revision`; the caller already holds the revision claim. */
  abstract applyRevision(id: string, revision: number, changes: PartnerChanges): Promise<Partner | undefined>;
  /** Soft-deletes as `revision`; the caller already holds the revision claim. */
  abstract markDeleted(id: string, revision: number, at: Date): Promise<void>;
}
