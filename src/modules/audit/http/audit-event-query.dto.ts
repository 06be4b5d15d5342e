import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsIP, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import type { AuditResult } from '#src/kernel/audit/audit-event';
import { CsvExportQueryDto } from '#src/kernel/export';
import { CURSOR_PATTERN, CURSOR_REGEX, SUB_PATTERN, SUB_REGEX } from '#src/kernel/http/field-patterns';
import { ChoiceQueryParam, InstantQueryParam, PageLimitQueryParam, TokenSubjectQueryParam } from '#src/kernel/http/list-query-params';
import { AUDIT_RESULTS, AuditEventFilter, AuditSeqRange, parseActionMatch } from '../domain/audit-event-query';

export const ACTION_FILTER_PATTERN = '^[^\\s*]+(\\.\\*)?$';
const ACTION_FILTER = /^[^\s*]+(\.\*)?$/;
const MAX_SEQ = Number.MAX_SAFE_INTEGER;

/** The filters of the audit event list, shared by the export. */
export class AuditEventFilterQueryDto {
  @InstantQueryParam('Only events whose `time` is at or after this instant.')
  from?: Date;

  @InstantQueryParam('Only events whose `time` is before this instant.')
  to?: Date;

  @TokenSubjectQueryParam("Only events of this actor (`actor.id`: a user's `sub`, `job:<name>`, `operator:<name>`).", 256)
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

  @ApiPropertyOptional({ description: 'Only events whose target is of this type (`lead`, `partner`, `member`, `audit-event`, …).', minLength: 1, maxLength: 64, pattern: SUB_PATTERN })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  @Matches(SUB_REGEX, { message: 'targetType must not contain whitespace' })
  targetType?: string;

  @ApiPropertyOptional({ description: 'Only events about the target with this id.', minLength: 1, maxLength: 256, pattern: SUB_PATTERN })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  @Matches(SUB_REGEX, { message: 'targetId must not contain whitespace' })
  targetId?: string;

  @ChoiceQueryParam(AUDIT_RESULTS, 'Only events with this outcome.')
  result?: AuditResult;

  @ApiPropertyOptional({
    description: 'Only events from this client IP address, exactly as recorded (`context.ip`).',
    maxLength: 45,
    pattern: '^[0-9A-Za-z:.%]+$',
    anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }],
    example: '203.0.113.7',
  })
  @IsOptional()
  @IsString()
  @MaxLength(45)
  @IsIP(undefined, { message: 'ip must be an IPv4 or IPv6 address' })
  ip?: string;
}

export class AuditEventListQueryDto extends AuditEventFilterQueryDto {
  @PageLimitQueryParam()
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from a previous page (nextCursor).', maxLength: 200, pattern: CURSOR_PATTERN })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(CURSOR_REGEX, { message: 'cursor must be a cursor this API issued' })
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
