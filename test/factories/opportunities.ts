import { randomBytes } from 'node:crypto';
import { RequestContext } from '#src/kernel/context/request-context';
import type { Opportunity, OpportunityStage } from '#src/modules/opportunities';
// Test-side only: the use cases behind POST and PATCH /v1/opportunities, run as a system actor.
import { CreateOpportunity } from '#src/modules/opportunities/application/create-opportunity.use-case';
import { UpdateOpportunity } from '#src/modules/opportunities/application/update-opportunity.use-case';
import type { OpportunityDraft } from '#src/modules/opportunities/domain/opportunity';
import type { TestApp } from '../utils/test-app';
import type { TenantFixture } from './tenants';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Builds opportunities: `anOpportunity().forPartner(p).ownedBy(sub).inStage('proposal').in(t, tenant)`
 * goes through the same use case as POST /v1/opportunities, as a system actor (Staff-like: partnerId
 * required, owner an active Partner or Agent member of that partner). `closedAs(...)` then closes it
 * through the PATCH use case, so closed opportunities carry a real stage history.
 */
export class OpportunityBuilder {
  private draft: Mutable<OpportunityDraft>;
  private closing?: { stage: 'closed_won' | 'closed_lost'; reason?: string };

  constructor() {
    this.draft = { name: `Deal ${randomBytes(5).toString('hex')}`, amountMinor: 1_000_000, currency: 'EUR' };
  }

  named(name: string): this {
    this.draft.name = name;
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

  inStage(stage: OpportunityStage): this {
    if (stage === 'closed_won' || stage === 'closed_lost') return this.closedAs(stage, stage === 'closed_lost' ? 'Lost in a test' : undefined);
    this.draft.stage = stage;
    return this;
  }

  closedAs(stage: 'closed_won' | 'closed_lost', reason?: string): this {
    this.closing = { stage, reason };
    return this;
  }

  worth(amountMinor: number, currency = 'EUR'): this {
    this.draft.amountMinor = amountMinor;
    this.draft.currency = currency;
    return this;
  }

  with(fields: Partial<OpportunityDraft>): this {
    this.draft = { ...this.draft, ...fields };
    return this;
  }

  build(): OpportunityDraft {
    return { ...this.draft };
  }

  /** The request body Staff would send. */
  body(): Record<string, unknown> {
    return { ...this.build() };
  }

  /** Opens it in the fixture's tenant through CreateOpportunity (and closes it if asked), as a system actor. */
  in(t: TestApp, tenant: TenantFixture): Promise<Opportunity> {
    const draft = this.build();
    const closing = this.closing;
    return t.app.get(RequestContext).runInTenant(tenant.tenant.id, 'test:factory', async () => {
      const opened = await t.app.get(CreateOpportunity).execute(draft);
      if (!closing) return opened;
      return t.app.get(UpdateOpportunity).execute(opened.id, { stage: closing.stage, closeReason: closing.reason }, opened.revision);
    });
  }
}

export const anOpportunity = (): OpportunityBuilder => new OpportunityBuilder();
