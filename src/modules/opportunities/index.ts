export { OpportunitiesModule } from './opportunities.module';
export { OPPORTUNITY_EXPORT_BATCH_SIZE, StreamOpportunities } from './application/stream-opportunities.use-case';
export type { OpportunityStreamOptions } from './application/stream-opportunities.use-case';
export type { Opportunity, OpportunityView } from './domain/opportunity';
export { OPPORTUNITY_SORT_FIELDS, parseOpportunitySort } from './domain/opportunity-list';
export type { OpportunityListFilter, OpportunitySort, OpportunitySortField } from './domain/opportunity-list';
export { CLOSED_STAGES, OPEN_STAGES, OPPORTUNITY_STAGES, STAGE_PROBABILITY } from './domain/opportunity-stage';
export type { OpportunityStage, StageChange } from './domain/opportunity-stage';
export { OpportunityFilterQueryDto, OpportunityListQueryDto, toOpportunityListFilter } from './http/opportunity-list-query.dto';
