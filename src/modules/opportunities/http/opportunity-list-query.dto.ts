import { IntersectionType } from '@nestjs/swagger';
import { withoutUndefined } from '#src/kernel/domain/without-undefined';
import { CsvExportQueryDto } from '#src/kernel/export';
import {
  ChoiceQueryParam,
  InstantQueryParam,
  KeysetCursorQueryParam,
  MinorUnitsQueryParam,
  PageLimitQueryParam,
  PrefixQueryParam,
  RecordIdQueryParam,
  SortQueryParam,
  TokenSubjectQueryParam,
} from '#src/kernel/http/list-query-params';
import { OPPORTUNITY_LIMITS } from '../domain/opportunity';
import { DEFAULT_OPPORTUNITY_SORT, OPPORTUNITY_SORT_VALUES, OpportunityListFilter } from '../domain/opportunity-list';
import { OPPORTUNITY_STAGES, OpportunityStage } from '../domain/opportunity-stage';

/**
 * The filters of GET /v1/opportunities, on their own so an export can accept exactly the same
 * ones (extend it, or combine it with IntersectionType) and build the same filter with
 * toOpportunityListFilter.
 */
export class OpportunityFilterQueryDto {
  @ChoiceQueryParam(OPPORTUNITY_STAGES, 'Only opportunities in this stage.')
  stage?: OpportunityStage;

  @RecordIdQueryParam("Only opportunities of this partner (within the caller's scope).")
  partnerId?: string;

  @TokenSubjectQueryParam('Only opportunities owned by this `sub`.', OPPORTUNITY_LIMITS.sub)
  ownerId?: string;

  @InstantQueryParam('Only opportunities created at or after this instant.')
  createdFrom?: Date;

  @InstantQueryParam('Only opportunities created before this instant.')
  createdTo?: Date;

  @InstantQueryParam('Only opportunities last changed at or after this instant.')
  updatedFrom?: Date;

  @InstantQueryParam('Only opportunities last changed before this instant.')
  updatedTo?: Date;

  @PrefixQueryParam('Only opportunities whose name starts with this text (case-insensitive; taken literally, not as a pattern).', OPPORTUNITY_LIMITS.name)
  q?: string;

  @MinorUnitsQueryParam('Only opportunities with amountMinor at least this (any currency).', OPPORTUNITY_LIMITS.amountMinor)
  minAmount?: number;

  @MinorUnitsQueryParam('Only opportunities with amountMinor at most this (any currency).', OPPORTUNITY_LIMITS.amountMinor)
  maxAmount?: number;
}

export class OpportunityListQueryDto extends OpportunityFilterQueryDto {
  @PageLimitQueryParam()
  limit?: number;

  @KeysetCursorQueryParam()
  cursor?: string;

  @SortQueryParam(
    OPPORTUNITY_SORT_VALUES,
    DEFAULT_OPPORTUNITY_SORT,
    ' By expectedCloseDate, opportunities without one come after every date (ascending).',
  )
  sort?: string;
}

/** The domain filter a (validated) query names; lists and exports build it the same way. */
export function toOpportunityListFilter(query: OpportunityFilterQueryDto): OpportunityListFilter {
  return withoutUndefined<OpportunityListFilter>({
    stage: query.stage,
    partnerId: query.partnerId,
    ownerId: query.ownerId,
    createdFrom: query.createdFrom,
    createdTo: query.createdTo,
    updatedFrom: query.updatedFrom,
    updatedTo: query.updatedTo,
    namePrefix: query.q,
    minAmount: query.minAmount,
    maxAmount: query.maxAmount,
  });
}

/** GET /v1/opportunities/export: the list filters plus the CSV options. */
export class OpportunityExportQueryDto extends IntersectionType(OpportunityFilterQueryDto, CsvExportQueryDto) {}
