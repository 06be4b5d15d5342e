export { PartnersModule } from './partners.module';
export { CreatePartner } from './application/create-partner.use-case';
export { FindActivePartner } from './application/find-active-partner.use-case';
export type { PartnerReference } from './application/find-active-partner.use-case';
export { PARTNER_STATUSES, PARTNER_TIERS, tierAtLeast, tierRank } from './domain/partner';
export type { Partner, PartnerDraft, PartnerStatus, PartnerTier } from './domain/partner';
