import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageMetaDto } from '#src/kernel/http/pagination';
import { Partner, PARTNER_LIMITS, PARTNER_STATUSES, PARTNER_TIERS, PartnerStatus, PartnerTier } from '../domain/partner';
import { PartnerContactDto, SUB_PATTERN, TEXT_PATTERN } from './partner-fields';

export class PartnerDto {
  @ApiProperty({ description: 'Partner id.', pattern: '^[0-9a-f]{24}$', maxLength: 24 })
  id!: string;

  @ApiProperty({ maxLength: PARTNER_LIMITS.name, pattern: TEXT_PATTERN })
  name!: string;

  @ApiPropertyOptional({ format: 'uri', maxLength: PARTNER_LIMITS.website })
  website?: string;

  @ApiPropertyOptional({ format: 'hostname', maxLength: PARTNER_LIMITS.domain })
  domain?: string;

  @ApiProperty({ enum: PARTNER_TIERS, description: 'Lowest first: registered < silver < gold < platinum.' })
  tier!: PartnerTier;

  @ApiProperty({ enum: PARTNER_STATUSES })
  status!: PartnerStatus;

  @ApiPropertyOptional({ maxLength: PARTNER_LIMITS.region, pattern: TEXT_PATTERN })
  region?: string;

  @ApiPropertyOptional({ type: PartnerContactDto })
  primaryContact?: PartnerContactDto;

  @ApiPropertyOptional({ description: "The owning member's token subject.", maxLength: PARTNER_LIMITS.ownerId, pattern: SUB_PATTERN })
  ownerId?: string;

  @ApiProperty({ description: 'Goes up by one with every change; the ETag carries it.', type: 'integer', format: 'int32', minimum: 1, maximum: 2_147_483_647 })
  revision!: number;

  @ApiProperty({ format: 'date-time', maxLength: 30 })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', maxLength: 30 })
  updatedAt!: string;

  static from(p: Partner): PartnerDto {
    return {
      id: p.id,
      name: p.name,
      website: p.website,
      domain: p.domain,
      tier: p.tier,
      status: p.status,
      region: p.region,
      primaryContact: p.primaryContact && { ...p.primaryContact },
      ownerId: p.ownerId,
      revision: p.revision,
      createdAt: p.createdAt.toISOString(),
      updatedAt: p.updatedAt.toISOString(),
    };
  }
}

export class PartnerPageDto extends PageMetaDto {
  @ApiProperty({ type: [PartnerDto], maxItems: 200 })
  data!: PartnerDto[];
}
