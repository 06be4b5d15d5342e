import { randomBytes } from 'node:crypto';
import { RequestContext } from '#src/kernel/context/request-context';
import { CreateLead, CreateLeadOptions, LeadDraft, LeadView } from '#src/modules/leads';
// Test-side only: bulk rows straight through the repository port (no claims, no HTTP).
import { LeadRepository, NewLead } from '#src/modules/leads/domain/lead';
import type { TestApp } from '../utils/test-app';
import type { TenantFixture } from './tenants';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Builds leads: `aLead().forPartner(p).ownedBy(sub).withDomain('acme.co.uk').in(t, tenant)` goes
 * through the same use case as POST /v1/leads, as a system actor (Staff-like: partnerId required).
 * Each lead gets its own registrable domain and contact email unless told otherwise.
 */
export class LeadBuilder {
  private draft: Mutable<LeadDraft>;

  constructor() {
    const tag = randomBytes(5).toString('hex');
    this.draft = {
      companyName: `Prospect ${tag}`,
      companyDomain: `p${tag}.example`,
      contact: { name: 'Pat Prospect', email: `pat@p${tag}.example` },
      valueMinor: 1_000_000,
      currency: 'EUR',
    };
  }

  named(companyName: string): this {
    this.draft.companyName = companyName;
    return this;
  }

  forPartner(partner: { readonly id: string }): this {
    this.draft.partnerId = partner.id;
    return this;
  }

  ownedBy(sub: string): this {
    this.draft.ownerId = sub;
    return this;
  }

  withDomain(companyDomain: string): this {
    this.draft.companyDomain = companyDomain;
    return this;
  }

  withEmail(email: string): this {
    this.draft.contact = { ...this.draft.contact, email };
    return this;
  }

  worth(valueMinor: number, currency = 'EUR'): this {
    this.draft.valueMinor = valueMinor;
    this.draft.currency = currency;
    return this;
  }

  with(fields: Partial<LeadDraft>): this {
    this.draft = { ...this.draft, ...fields };
    return this;
  }

  build(): LeadDraft {
    return { ...this.draft, contact: { ...this.draft.contact } };
  }

  /** The request body partner users would send (no partnerId / ownerId). */
  body(): Record<string, unknown> {
    const { partnerId: _partnerId, ownerId: _ownerId, ...rest } = this.build();
    return rest as Record<string, unknown>;
  }

  /** Registers it in the fixture's tenant through CreateLead, as a system actor. */
  in(t: TestApp, tenant: TenantFixture, options: CreateLeadOptions = {}): Promise<LeadView> {
    const draft = this.build();
    return t.app.get(RequestContext).runInTenant(tenant.tenant.id, 'test:factory', () => t.app.get(CreateLead).execute(draft, options));
  }

  /**
   * Writes it straight through the repository: status submitted, no registration keys claimed.
   * For bulk data (pagination) where conflict detection is beside the point.
   */
  async insertDirect(t: TestApp, tenant: TenantFixture): Promise<string> {
    const draft = this.build();
    if (draft.partnerId === undefined) throw new Error('insertDirect needs forPartner()');
    const repository = t.app.get(LeadRepository);
    const lead: NewLead = {
      id: repository.newId(),
      companyName: draft.companyName,
      companyDomain: draft.companyDomain,
      contact: draft.contact,
      valueMinor: draft.valueMinor,
      currency: draft.currency,
      partnerId: draft.partnerId,
      ownerId: draft.ownerId ?? 'test:factory',
      status: 'submitted',
      statusHistory: [{ to: 'submitted', by: 'test:factory', at: new Date() }],
      conflictsWith: [],
      registrationKeys: [],
    };
    await t.app.get(RequestContext).runInTenant(tenant.tenant.id, 'test:factory', () => repository.insert(lead));
    return lead.id;
  }
}

export const aLead = (): LeadBuilder => new LeadBuilder();
