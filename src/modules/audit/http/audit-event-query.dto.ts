import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform, TransformFnParams, Type } from 'class-transformer';
import { IsDate, IsIn, IsInt, IsIP, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import type { AuditResult } from '#src/kernel/audit/audit-event';
import { CsvExportQueryDto } from '#src/kernel/export';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '#src/kernel/http/pagination';
import { AUDIT_RESULTS, AuditEventFilter, AuditSeqRange, parseActionMatch } from '../domain/audit-event-query';

// An ISO 8601 date (midnight UTC) or date-time with a zone, as the lead filters take them; turned
// into a Date only when it is one (years 0001–9999), so anything else fails IsDate naming the field.
const INSTANT_PATTERN = '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2}))?$';
const INSTANT_REGEX = new RegExp(INSTANT_PATTERN);
const MIN_INSTANT = Date.UTC(1, 0, 1);
const MAX_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

function isCalendarDate(text: string): boolean {
  const [y, m, d] = text.split('-').map(Number);
  const date = new Date(Date.UTC(2000, m - 1, d));
  date.setUTCFullYear(y);
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

const toInstant = ({ value }: TransformFnParams): unknown => {
  if (typeof value !== 'string' || !INSTANT_REGEX.test(value) || !isCalendarDate(value.slice(0, 10))) return value;
  const date = new Date(value);
  const time = date.getTime();
  return Number.isNaN(time) || time < MIN_INSTANT || time > MAX_INSTANT ? value : date;
};

const InstantParam = (description: string): PropertyDecorator => (target, key) => {
  ApiPropertyOptional({ description: `${description} An ISO 8601 date (midnight UTC) or date-time with a time zone.`, type: String, maxLength: 29, pattern: INSTANT_PATTERN })(target, key);
  IsOptional()(target, key);
  Transform(toInstant)(target, key);
  IsDate({ message: `${String(key)} must be an ISO 8601 date or date-time` })(target, key);
};

const NO_SPACE_PATTERN = '^\\S+$';
const NO_SPACE = /^\S+$/;
export const ACTION_FILTER_PATTERN = '^[^\\s*]+(\\.\\*)?$';
const ACTION_FILTER = /^[^\s*]+(\.\*)?$/;
export const CURSOR_PATTERN = '^[A-Za-z0-9_-]+$';
const MAX_SEQ = Number.MAX_SAFE_INTEGER;

/** The filters of the audit event list, shared by the export. */
export class AuditEventFilterQueryDto {
  @InstantParam('Only events whose `time` is at or after this instant.')
  from?: Date;

  @InstantParam('Only events whose `time` is before this instant.')
  to?: Date;

  @ApiPropertyOptional({ description: 'Only events of this actor (`actor.id`: a user\'s `sub`, `job:<name>`, `operator:<name>`).', minLength: 1, maxLength: 256, pattern: NO_SPACE_PATTERN })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  @Matches(NO_SPACE, { message: 'actorId must not contain whitespace' })
  actorId?: string;

  @ApiPropertyOptional({
    description: 'Only events with this action (`lead.update`), or, ending in `.*`, every action with that prefix (`lead.*`: `lead.create`, `lead.approve`, …). No other wildcards.',
    minLength: 1,
    maxLength: 200,
    pattern: ACTION_FILTER_PATTERN,
    example: 'lead.*',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @Matches(ACTION_FILTER, { message: 'action must be an action such as lead.update, or a prefix ending in .* such as lead.*' })
  action?: string;

  @ApiPropertyOptional({ description: 'Only events whose target is of this type (`lead`, `partner`, `member`, `audit-event`, …).', minLength: 1, maxLength: 64, pattern: NO_SPACE_PATTERN })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  @Matches(NO_SPACE, { message: 'targetType must not contain whitespace' })
  targetType?: string;

  @ApiPropertyOptional({ description: 'Only events about the target with this id.', minLength: 1, maxLength: 256, pattern: NO_SPACE_PATTERN })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  @Matches(NO_SPACE, { message: 'targetId must not contain whitespace' })
  targetId?: string;

  @ApiPropertyOptional({ description: 'Only events with this outcome.', enum: AUDIT_RESULTS })
  @IsOptional()
  @IsIn(AUDIT_RESULTS)
  result?: AuditResult;

  @ApiPropertyOptional({ description: 'Only events from this client IP address, exactly as recorded (`context.ip`).', maxLength: 45, pattern: '^[0-9A-Za-z:.%]+$', example: '203.0.113.7' })
  @IsOptional()
  @IsString()
  @MaxLength(45)
  @IsIP(undefined, { message: 'ip must be an IPv4 or IPv6 address' })
  ip?: string;
}

export class AuditEventListQueryDto extends AuditEventFilterQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, type: 'integer', format: 'int32' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from a previous page (nextCursor).', maxLength: 200, pattern: CURSOR_PATTERN })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor must be a cursor this API issued' })
  cursor?: string;
}

export const AUDIT_EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export type AuditExportFormat = (typeof AUDIT_EXPORT_FORMATS)[number];

const SeqParam = (description: string): PropertyDecorator => (target, key) => {
  ApiPropertyOptional({ description, type: 'integer', format: 'int64', minimum: 1, maximum: MAX_SEQ })(target, key);
  IsOptional()(target, key);
  Type(() => Number)(target, key);
  IsInt()(target, key);
  Min(1)(target, key);
  Max(MAX_SEQ)(target, key);
};

class AuditEventExportOptionsDto {
  @SeqParam('Only events with `seq` at or above this.')
  fromSeq?: number;

  @SeqParam('Only events with `seq` at or below this.')
  toSeq?: number;

  @ApiPropertyOptional({
    description: 'File format; without it the `Accept` header decides (`text/csv` → CSV, anything else → NDJSON).',
    enum: AUDIT_EXPORT_FORMATS,
  })
  @IsOptional()
  @IsIn(AUDIT_EXPORT_FORMATS)
  format?: AuditExportFormat;
}

/** GET /v1/audit-events/export: the list filters, a sequence range, the format and the CSV options. */
export class AuditEventExportQueryDto extends IntersectionType(AuditEventFilterQueryDto, AuditEventExportOptionsDto, CsvExportQueryDto) {}

/** The list filters as the domain takes them. */
export function toAuditEventFilter(query: AuditEventFilterQueryDto): AuditEventFilter {
  return {
    from: query.from,
    to: query.to,
    actorId: query.actorId,
    action: query.action === undefined ? undefined : parseActionMatch(query.action),
    targetType: query.targetType,
    targetId: query.targetId,
    result: query.result,
    ip: query.ip,
  };
}

export function toAuditSeqRange(query: AuditEventExportQueryDto): AuditSeqRange {
  return { fromSeq: query.fromSeq, toSeq: query.toSeq };
}
