import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import type { AuditChainReport } from '#src/kernel/audit/audit-verification';
import { AUDIT_BREAK_REASONS } from '#src/kernel/audit/audit-verification';
import type { AuditDigest, AuditPublicKey } from '#src/kernel/audit/audit-signing';
import { AuditEventFilterQueryDto } from './audit-event-query.dto';

const HASH = { type: String, minLength: 64, maxLength: 64, pattern: '^[0-9a-f]{64}$' } as const;
const SIGNATURE = { type: String, maxLength: 100, pattern: '^[A-Za-z0-9+/]+={0,2}$', description: 'base64 Ed25519 signature (64 bytes).' } as const;
const NAME = '^[^\\s]+$';
const KEY_ID = '^[A-Za-z0-9._-]{1,64}$';

/** `?from=&to=`: the time range to verify (the list's own bounds). */
export class AuditVerifyQueryDto extends PickType(AuditEventFilterQueryDto, ['from', 'to'] as const) {}

export class AuditChainBreakDto {
  @ApiProperty({ description: 'The first sequence number that cannot be trusted (for a digest: the seq it sealed).', format: 'int64', minimum: 0 })
  seq!: number;

  @ApiProperty({ enum: AUDIT_BREAK_REASONS, description: 'Why; docs/audit.md explains each reason.' })
  reason!: string;

  @ApiProperty({ maxLength: 1000, pattern: '^[^\\u0000-\\u001f]*$' })
  message!: string;

  @ApiPropertyOptional({ format: 'int64', minimum: 1, description: 'Set when a digest is what is broken or what shows the break.' })
  digestSeq?: number;
}

export class AuditVerificationDto {
  @ApiProperty({ description: 'True when every event and digest in the range checks out.' })
  intact!: boolean;

  @ApiProperty({ type: String, nullable: true, maxLength: 64, pattern: NAME, description: 'The stream: the tenant id.' })
  stream!: string | null;

  @ApiProperty({ format: 'int64', minimum: 0 })
  checkedEvents!: number;

  @ApiProperty({ type: Number, nullable: true, format: 'int64', minimum: 1 })
  firstSeq!: number | null;

  @ApiProperty({ type: Number, nullable: true, format: 'int64', minimum: 1 })
  lastSeq!: number | null;

  @ApiProperty({ format: 'int64', minimum: 0 })
  checkedDigests!: number;

  @ApiPropertyOptional({ type: AuditChainBreakDto })
  brokenAt?: AuditChainBreakDto;

  static from(report: AuditChainReport): AuditVerificationDto {
    return { ...report };
  }
}

export class AuditDigestDto {
  @ApiProperty({ maxLength: 100, pattern: '^[^:\\s]+:d[1-9][0-9]*$', description: '`<tenantId>:d<digestSeq>`.' })
  id!: string;

  @ApiProperty({ maxLength: 64, pattern: NAME })
  tenantId!: string;

  @ApiProperty({ format: 'int64', minimum: 1 })
  digestSeq!: number;

  @ApiProperty({ format: 'date-time', maxLength: 30 })
  time!: string;

  @ApiProperty({ format: 'int64', minimum: 1, description: 'The newest event sealed.' })
  headSeq!: number;

  @ApiProperty({ ...HASH, description: 'That event\'s hash.' })
  headHash!: string;

  @ApiProperty({ ...SIGNATURE, nullable: true, description: 'The previous digest\'s signature; null for the first.' })
  prevSignature!: string | null;

  @ApiProperty({ maxLength: 64, pattern: KEY_ID })
  keyId!: string;

  @ApiProperty(SIGNATURE)
  signature!: string;

  static from(digest: AuditDigest): AuditDigestDto {
    return { ...digest };
  }
}

export class AuditDigestPageDto {
  @ApiProperty({ type: [AuditDigestDto], maxItems: 200 })
  data!: AuditDigestDto[];

  @ApiProperty({ type: String, nullable: true, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' })
  nextCursor!: string | null;
}

export class AuditPublicKeyDto {
  @ApiProperty({ maxLength: 64, pattern: KEY_ID })
  keyId!: string;

  @ApiProperty({ enum: ['Ed25519'] })
  algorithm!: 'Ed25519';

  @ApiProperty({ maxLength: 1000, pattern: '^-----BEGIN PUBLIC KEY-----', description: 'SPKI PEM.' })
  publicKeyPem!: string;

  @ApiProperty({ format: 'date-time', maxLength: 30, description: 'Signatures count from this time…' })
  validFrom!: string;

  @ApiProperty({ type: String, nullable: true, format: 'date-time', maxLength: 30, description: '…until this time (exclusive); null while current.' })
  validUntil!: string | null;

  static from(key: AuditPublicKey): AuditPublicKeyDto {
    return { ...key };
  }
}

export class AuditPublicKeysDto {
  @ApiProperty({ type: [AuditPublicKeyDto], maxItems: 100 })
  data!: AuditPublicKeyDto[];
}
