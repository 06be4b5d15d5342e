import { IntersectionType } from '@nestjs/swagger';
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
import { LEAD_LIMITS } from '../domain/lead';
import { DEFAULT_LEAD_SORT, LEAD_SORT_VALUES, LeadListFilter } from '../domain/lead-list';
import { LEAD_STATUSES, LeadStatus } from '../domain/lead-status';

/** The filters of the lead list, shared by the list and the CSV export. */
export class LeadFilterQueryDto {
  @ChoiceQueryParam(LEAD_STATUSES, 'Only leads with this status.')
  status?: LeadStatus;

  @RecordIdQueryParam("Only leads of this partner (within the caller's scope).")
  partnerId?: string;

  @TokenSubjectQueryParam('Only leads owned by this `sub`.', LEAD_LIMITS.sub)
  ownerId?: string;

  @InstantQueryParam('Only leads created at or after this instant.')
  createdFrom?: Date;

  @InstantQueryParam('Only leads created before this instant.')
  createdTo?: Date;

  @InstantQueryParam('Only leads last changed at or after this instant.')
  updatedFrom?: Date;

  @InstantQueryParam('Only leads last changed before this instant.')
  updatedTo?: Date;

  @PrefixQueryParam('Only leads whose company name starts with this text (case-insensitive).', LEAD_LIMITS.companyName)
  q?: string;

  @MinorUnitsQueryParam('Only leads with valueMinor at least this (any currency).', LEAD_LIMITS.valueMinor)
  minValue?: number;

  @MinorUnitsQueryParam('Only leads with valueMinor at most this (any currency).', LEAD_LIMITS.valueMinor)
  maxValue?: number;
}

export class LeadListQueryDto extends LeadFilterQueryDto {
  @PageLimitQueryParam()
  limit?: number;

  @KeysetCursorQueryParam()
  cursor?: string;

  @SortQueryParam(LEAD_SORT_VALUES, DEFAULT_LEAD_SORT)
  sort?: string;
}

/** The list filters as the domain takes them. */
export function toLeadListFilter(query: LeadFilterQueryDto): LeadListFilter {
  return {
    status: query.status,
    partnerId: query.partnerId,
    ownerId: query.ownerId,
    createdFrom: query.createdFrom,
    createdTo: query.createdTo,
    updatedFrom: query.updatedFrom,
    updatedTo: query.updatedTo,
    namePrefix: query.q,
    minValue: query.minValue,
    maxValue: query.maxValue,
  };
}

/** GET /v1/leads/export: the list filters plus the CSV options. */
export class LeadExportQueryDto extends IntersectionType(LeadFilterQueryDto, CsvExportQueryDto) {}
