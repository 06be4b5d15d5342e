import { randomBytes } from 'node:crypto';
import { RequestContext } from '#src/kernel/context/request-context';
import { CreatePartner, Partner, PartnerDraft, PartnerStatus, PartnerTier } from '#src/modules/partners';
import type { TestApp } from '../utils/test-app';
import type { TenantFixture } from './tenants';

/** Builds partners through the same use case as POST /v1/partners: `aPartner().named('Acme').in(t, tenant)`. */
export class PartnerBuilder {
  private draft: { -readonly [K in keyof PartnerDraft]: PartnerDraft[K] } = { name: `Partner ${randomBytes(4).toString('hex')}` };

  named(name: string): this {
    this.draft.name = name;
    return this;
  }

  withTier(tier: PartnerTier): this {
    this.draft.tier = tier;
    return this;
  }

  withStatus(status: PartnerStatus): this {
    this.draft.status = status;
    return this;
  }

  with(fields: Partial<PartnerDraft>): this {
    this.draft = { ...this.draft, ...fields };
    return this;
  }

  build(): PartnerDraft {
    return { ...this.draft };
  }

  /** Creates it in the fixture's tenant, as a system actor (no HTTP, no row scope). */
  in(t: TestApp, tenant: TenantFixture): Promise<Partner> {
    const draft = this.build();
    return t.app.get(RequestContext).runInTenant(tenant.tenant.id, 'test:factory', () => t.app.get(CreatePartner).execute(draft));
  }
}

export const aPartner = (): PartnerBuilder => new PartnerBuilder();
