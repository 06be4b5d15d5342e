import { CsvExportQueryDto } from '#src/kernel/export';
import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform, TransformFnParams, Type } from 'class-transformer';
import { IsDate, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '#src/kernel/http/pagination';
import { isCalendarDate } from '#src/kernel/domain/calendar-date';
import { OPPORTUNITY_LIMITS } from '../domain/opportunity';
import { DEFAULT_OPPORTUNITY_SORT, OPPORTUNITY_SORT_VALUES, OpportunityListFilter } from '../domain/opportunity-list';
import { OPPORTUNITY_STAGES, OpportunityStage } from '../domain/opportunity-stage';
import { ID_PATTERN, ID_REGEX, SUB_PATTERN, SUB_REGEX, TEXT_PATTERN, TEXT_REGEX, toText } from './opportunity-fields';

// An ISO 8601 date (midnight UTC) or date-time with a zone; turned into a Date only when it is one,
// so anything else fails IsDate with a field error.
const INSTANT_PATTERN = '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2}))?$';
const INSTANT_REGEX = new RegExp(INSTANT_PATTERN);
const toInstant = ({ value }: TransformFnParams): unknown => {
  if (typeof value !== 'string' || !INSTANT_REGEX.test(value) || !isCalendarDate(value.slice(0, 10))) return value;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date;
};

export const CURSOR_PATTERN = '^[A-Za-z0-9_-]+$';
export const CURSOR_MAX = 1200;

const InstantParam = (description: string): PropertyDecorator => (target, key) => {
  ApiPropertyOptional({ description: `${description} An ISO 8601 date (midnight UTC) or date-time with a time zone.`, type: String, maxLength: 29, pattern: INSTANT_PATTERN })(target, key);
  IsOptional()(target, key);
  Transform(toInstant)(target, key);
  IsDate({ message: `${String(key)} must be an ISO 8601 date or date-time` })(target, key);
};

const AmountParam = (description: string): PropertyDecorator => (target, key) => {
  ApiPropertyOptional({ description, type: 'integer', format: 'int64', minimum: 0, maximum: OPPORTUNITY_LIMITS.amountMinor })(target, key);
  IsOptional()(target, key);
  Type(() => Number)(target, key);
  IsInt()(target, key);
  Min(0)(target, key);
  Max(OPPORTUNITY_LIMITS.amountMinor)(target, key);
};

/**
 * The filters of GET /v1/opportunities, on their own so an export can accept exactly the same
 * ones (extend it, or combine it with IntersectionType) and build the same filter with
 * toOpportunityListFilter.
 */
export class OpportunityFilterQueryDto {
  @ApiPropertyOptional({ description: 'Only opportunities in this stage.', enum: OPPORTUNITY_STAGES })
  @IsOptional()
  @IsIn(OPPORTUNITY_STAGES)
  stage?: OpportunityStage;

  @ApiPropertyOptional({ description: "Only opportunities of this partner (within the caller's scope).", minLength: 24, maxLength: 24, pattern: ID_PATTERN })
  @IsOptional()
  @IsString()
  @Matches(ID_REGEX)
  partnerId?: string;

  @ApiPropertyOptional({ description: 'Only opportunities owned by this `sub`.', minLength: 1, maxLength: OPPORTUNITY_LIMITS.sub, pattern: SUB_PATTERN })
  @IsOptional()
  @IsString()
  @Length(1, OPPORTUNITY_LIMITS.sub)
  @Matches(SUB_REGEX)
  ownerId?: string;

  @InstantParam('Only opportunities created at or after this instant.')
  createdFrom?: Date;

  @InstantParam('Only opportunities created before this instant.')
  createdTo?: Date;

  @InstantParam('Only opportunities last changed at or after this instant.')
  updatedFrom?: Date;

  @InstantParam('Only opportunities last changed before this instant.')
  updatedTo?: Date;

  @ApiPropertyOptional({
    description: 'Only opportunities whose name starts with this text (case-insensitive; taken literally, not as a pattern).',
    minLength: 1,
    maxLength: OPPORTUNITY_LIMITS.name,
    pattern: TEXT_PATTERN,
  })
  @IsOptional()
  @Transform(toText)
  @IsString()
  @Length(1, OPPORTUNITY_LIMITS.name)
  @Matches(TEXT_REGEX, { message: 'q must not contain control characters' })
  q?: string;

  @AmountParam('Only opportunities with amountMinor at least this (any currency).')
  minAmount?: number;

  @AmountParam('Only opportunities with amountMinor at most this (any currency).')
  maxAmount?: number;
}

export class OpportunityListQueryDto extends OpportunityFilterQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, type: 'integer', format: 'int32' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from a previous page (nextCursor), with the same sort.', maxLength: CURSOR_MAX, pattern: CURSOR_PATTERN })
  @IsOptional()
  @IsString()
  @MaxLength(CURSOR_MAX)
  @Matches(/^[A-Za-z0-9_-]+$/)
  cursor?: string;

  @ApiPropertyOptional({
    description:
      'Sort key; `-` in front for descending. Ties are broken by id, so paging is stable. By expectedCloseDate, opportunities ' +
      'without one come after every date (ascending).',
    enum: OPPORTUNITY_SORT_VALUES,
    default: DEFAULT_OPPORTUNITY_SORT,
  })
  @IsOptional()
  @IsIn(OPPORTUNITY_SORT_VALUES)
  sort?: string;
}

/** The domain filter a (validated) query names; lists and exports build it the same way. */
export function toOpportunityListFilter(query: OpportunityFilterQueryDto): OpportunityListFilter {
  const filter: OpportunityListFilter = {
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
  };
  return Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)) as OpportunityListFilter;
}

/** GET /v1/opportunities/export: the list filters plus the CSV options. */
export class OpportunityExportQueryDto extends IntersectionType(OpportunityFilterQueryDto, CsvExportQueryDto) {}
