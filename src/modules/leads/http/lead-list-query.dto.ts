import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform, TransformFnParams, Type } from 'class-transformer';
import { IsDate, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { CsvExportQueryDto } from '#src/kernel/export';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '#src/kernel/http/pagination';
import { isCalendarDate } from '#src/kernel/domain/calendar-date';
import { LEAD_LIMITS } from '../domain/lead';
import { DEFAULT_LEAD_SORT, LEAD_SORT_VALUES, LeadListFilter } from '../domain/lead-list';
import { LEAD_STATUSES, LeadStatus } from '../domain/lead-status';
import { ID_PATTERN, SUB_PATTERN, TEXT_PATTERN, TEXT_REGEX, toText } from './lead-fields';

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
const CURSOR_MAX = 1200;

const InstantParam = (description: string): PropertyDecorator => (target, key) => {
  ApiPropertyOptional({ description: `${description} An ISO 8601 date (midnight UTC) or date-time with a time zone.`, type: String, maxLength: 29, pattern: INSTANT_PATTERN })(target, key);
  IsOptional()(target, key);
  Transform(toInstant)(target, key);
  IsDate({ message: `${String(key)} must be an ISO 8601 date or date-time` })(target, key);
};

const ValueParam = (description: string): PropertyDecorator => (target, key) => {
  ApiPropertyOptional({ description, type: 'integer', format: 'int64', minimum: 0, maximum: LEAD_LIMITS.valueMinor })(target, key);
  IsOptional()(target, key);
  Type(() => Number)(target, key);
  IsInt()(target, key);
  Min(0)(target, key);
  Max(LEAD_LIMITS.valueMinor)(target, key);
};

/** The filters of the lead list, shared by the list and the CSV export. */
export class LeadFilterQueryDto {
  @ApiPropertyOptional({ description: 'Only leads with this status.', enum: LEAD_STATUSES })
  @IsOptional()
  @IsIn(LEAD_STATUSES)
  status?: LeadStatus;

  @ApiPropertyOptional({ description: 'Only leads of this partner (within the caller\'s scope).', minLength: 24, maxLength: 24, pattern: ID_PATTERN })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9a-f]{24}$/)
  partnerId?: string;

  @ApiPropertyOptional({ description: 'Only leads owned by this `sub`.', minLength: 1, maxLength: LEAD_LIMITS.sub, pattern: SUB_PATTERN })
  @IsOptional()
  @IsString()
  @Length(1, LEAD_LIMITS.sub)
  @Matches(/^\S+$/)
  ownerId?: string;

  @InstantParam('Only leads created at or after this instant.')
  createdFrom?: Date;

  @InstantParam('Only leads created before this instant.')
  createdTo?: Date;

  @InstantParam('Only leads last changed at or after this instant.')
  updatedFrom?: Date;

  @InstantParam('Only leads last changed before this instant.')
  updatedTo?: Date;

  @ApiPropertyOptional({
    description: 'Only leads whose company name starts with this text (case-insensitive).',
    minLength: 1,
    maxLength: LEAD_LIMITS.companyName,
    pattern: TEXT_PATTERN,
  })
  @IsOptional()
  @Transform(toText)
  @IsString()
  @Length(1, LEAD_LIMITS.companyName)
  @Matches(TEXT_REGEX, { message: 'q must not contain control characters' })
  q?: string;

  @ValueParam('Only leads with valueMinor at least this (any currency).')
  minValue?: number;

  @ValueParam('Only leads with valueMinor at most this (any currency).')
  maxValue?: number;
}

export class LeadListQueryDto extends LeadFilterQueryDto {
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
    description: 'Sort key; `-` in front for descending. Ties are broken by id, so paging is stable.',
    enum: LEAD_SORT_VALUES,
    default: DEFAULT_LEAD_SORT,
  })
  @IsOptional()
  @IsIn(LEAD_SORT_VALUES)
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
