import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageMetaDto } from '#src/kernel/http/pagination';
import { TEXT_PATTERN } from '#src/kernel/http/field-patterns';
import { ApiDateTimeProperty, ApiIdProperty, ApiRevisionProperty, ApiSubjectProperty } from '#src/kernel/http/response-properties';
import { Partner, PARTNER_LIMITS, PARTNER_STATUSES, PARTNER_TIERS, PartnerStatus, PartnerTier } from '../domain/partner';
import { PartnerContactDto } from './partner-fields';

export class PartnerDto {
  @ApiIdProperty('Partner id.')
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

  @ApiSubjectProperty("The owning member's token subject.", PARTNER_LIMITS.ownerId, { required: false })
  ownerId?: string;

  @ApiRevisionProperty()
  revision!: number;

  @ApiDateTimeProperty()
  createdAt!: string;

  @ApiDateTimeProperty()
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
