import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { AuditActorType, AuditEvent, AuditEventType, AuditResult, JsonValue } from '#src/kernel/audit/audit-event';
import { PageMetaDto, MAX_PAGE_SIZE } from '#src/kernel/http/pagination';
import { AUDIT_ACTOR_TYPES, AUDIT_EVENT_TYPES, AUDIT_RESULTS } from '../domain/audit-event-query';

// What the chain stores is described, not constrained: these limits and patterns say what the
// writer produces, so that a client can size its storage; the response is the stored event as is.
const TEXT_PATTERN = '^[^\\u0000-\\u001F\\u007F]*$';
const NO_SPACE_PATTERN = '^\\S+$';
const HASH_PATTERN = '^[0-9a-f]{64}$';
const ID_PATTERN = '^[^:\\s]+:[1-9][0-9]*$';
const ROLES = ['Admin', 'Staff', 'Partner', 'Agent'];
const MAX_CHANGES = 10_000;

const JSON_VALUE_DESCRIPTION = 'Any JSON value (string, number, boolean, null, array or object).';
// Any JSON value, spelled out: OpenAPI 3.0 has no "any" type with a nullable flag.
const JSON_VALUE_SCHEMAS = [
  { type: 'string', maxLength: 1_048_576, pattern: '^[\\s\\S]*$' },
  { type: 'number', format: 'double' },
  { type: 'boolean' },
  { type: 'array', maxItems: 10_000, items: {} },
  { type: 'object', properties: {} },
];

export class AuditActorDto {
  @ApiProperty({ enum: AUDIT_ACTOR_TYPES })
  type!: AuditActorType;

  @ApiProperty({
    description: "The user's `sub`, `job:<name>`, `operator:<name>`; null when unknown (a request without a valid token).",
    type: String,
    nullable: true,
    maxLength: 256,
    pattern: NO_SPACE_PATTERN,
  })
  id!: string | null;

  @ApiPropertyOptional({ description: "The member's role at the time.", enum: ROLES })
  role?: string;

  @ApiPropertyOptional({ description: 'The partner organization of a Partner or Agent user.', maxLength: 64, pattern: NO_SPACE_PATTERN })
  partnerId?: string;

  @ApiPropertyOptional({ description: "The token's email, when it carried one.", format: 'email', maxLength: 320 })
  email?: string;
}

export class AuditTargetDto {
  @ApiProperty({ description: '`lead`, `opportunity`, `partner`, `member`, `role`, `tenant-settings`, `audit-event`, …', maxLength: 64, pattern: NO_SPACE_PATTERN })
  type!: string;

  @ApiProperty({ description: 'The id of the resource, as the request named it or as it was created.', type: String, nullable: true, maxLength: 2048, pattern: TEXT_PATTERN })
  id!: string | null;
}

export class AuditEventContextDto {
  @ApiPropertyOptional({ description: 'The `X-Request-Id` of the request.', maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$' })
  requestId?: string;

  @ApiPropertyOptional({ description: 'Client IP address (through trusted proxies only).', maxLength: 64, pattern: '^[0-9A-Za-z:.%]+$' })
  ip?: string;

  @ApiPropertyOptional({ description: 'The `User-Agent` header, cut to 512 characters.', maxLength: 512, pattern: TEXT_PATTERN })
  userAgent?: string;

  @ApiPropertyOptional({ maxLength: 16, pattern: '^[A-Z]+$', example: 'PATCH' })
  method?: string;

  @ApiPropertyOptional({ description: 'The route template, e.g. `/v1/leads/:id/approve`; absent when no route matched.', maxLength: 2048, pattern: '^/\\S*$' })
  route?: string;
}

export class AuditOutcomeDto {
  @ApiProperty({ enum: AUDIT_RESULTS })
  result!: AuditResult;

  @ApiPropertyOptional({ description: 'The HTTP status answered.', type: 'integer', format: 'int32', minimum: 100, maximum: 599 })
  status?: number;

  @ApiPropertyOptional({ description: 'Why it was denied or failed (`permission_denied`, `not_found`, …); never a token or a secret.', maxLength: 2048, pattern: TEXT_PATTERN })
  reason?: string;

  @ApiPropertyOptional({ type: 'integer', format: 'int64', minimum: 0, maximum: Number.MAX_SAFE_INTEGER })
  latencyMs?: number;

  @ApiPropertyOptional({ description: 'Coalesced denials: how many identical ones this event stands for.', type: 'integer', format: 'int64', minimum: 1, maximum: Number.MAX_SAFE_INTEGER })
  count?: number;
}

export class AuditFieldChangeDto {
  @ApiProperty({ description: 'Dotted path of the field, e.g. `contact.email`.', maxLength: 1024, pattern: TEXT_PATTERN })
  field!: string;

  @ApiPropertyOptional({ description: `Value before; \`"[masked]"\` for personal data; absent when the field did not exist. ${JSON_VALUE_DESCRIPTION}`, oneOf: JSON_VALUE_SCHEMAS, nullable: true })
  before?: JsonValue;

  @ApiPropertyOptional({ description: `Value after; \`"[masked]"\` for personal data; absent when the field was removed. ${JSON_VALUE_DESCRIPTION}`, oneOf: JSON_VALUE_SCHEMAS, nullable: true })
  after?: JsonValue;
}

/**
 * One audit event exactly as the chain stored it: every member below is covered by `hash`, so
 * an auditor recomputes it from this response alone (docs/audit.md).
 */
export class AuditEventDto {
  @ApiProperty({ description: '`<tenantId>:<seq>`.', maxLength: 100, pattern: ID_PATTERN })
  id!: string;

  @ApiProperty({ description: 'The tenant whose stream holds the event.', maxLength: 64, pattern: NO_SPACE_PATTERN })
  tenantId!: string;

  @ApiProperty({ description: 'Position in the tenant\'s stream: 1, 2, 3, … without gaps.', type: 'integer', format: 'int64', minimum: 1, maximum: Number.MAX_SAFE_INTEGER })
  seq!: number;

  @ApiProperty({ description: 'When it happened (a request: when it arrived).', format: 'date-time', maxLength: 30 })
  time!: string;

  @ApiProperty({ enum: AUDIT_EVENT_TYPES })
  type!: AuditEventType;

  @ApiProperty({ description: '`<target type>.<verb>`, e.g. `lead.approve`, `audit-event.export`.', maxLength: 200, pattern: NO_SPACE_PATTERN })
  action!: string;

  @ApiProperty({ type: AuditActorDto })
  actor!: AuditActorDto;

  @ApiProperty({ type: AuditTargetDto, nullable: true })
  target!: AuditTargetDto | null;

  @ApiProperty({ type: AuditEventContextDto })
  context!: AuditEventContextDto;

  @ApiProperty({ type: AuditOutcomeDto })
  outcome!: AuditOutcomeDto;

  @ApiPropertyOptional({ type: [AuditFieldChangeDto], maxItems: MAX_CHANGES, description: 'Change events: the fields that changed, in path order.' })
  changes?: AuditFieldChangeDto[];

  @ApiPropertyOptional({ allOf: [{ type: 'object', properties: {} }], description: `Type-specific data (an Auth0 event, a checkpoint's anchor): an object of JSON values.` })
  data?: { [key: string]: JsonValue };

  @ApiProperty({ description: 'Unique within the stream: what the event was appended from.', maxLength: 256, pattern: NO_SPACE_PATTERN })
  source!: string;

  @ApiProperty({ description: 'The `hash` of the previous event in the stream (64 zeros for the first).', minLength: 64, maxLength: 64, pattern: HASH_PATTERN })
  prevHash!: string;

  @ApiProperty({ description: 'Hex SHA-256 of the RFC 8785 (JCS) form of this event without `hash`.', minLength: 64, maxLength: 64, pattern: HASH_PATTERN })
  hash!: string;

  /** The stored event itself: nothing is added, renamed or dropped, or the hash would not recompute. */
  static from(event: AuditEvent): AuditEventDto {
    return event as unknown as AuditEventDto;
  }
}

export class AuditEventPageDto extends PageMetaDto {
  @ApiProperty({ type: [AuditEventDto], maxItems: MAX_PAGE_SIZE, description: 'Newest (highest `seq`) first.' })
  data!: AuditEventDto[];
}
