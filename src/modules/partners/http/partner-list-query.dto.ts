import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { ListQueryDto } from '#src/kernel/http/pagination';
import { PARTNER_LIMITS, PARTNER_STATUSES, PARTNER_TIERS, PartnerStatus, PartnerTier } from '../domain/partner';
import { TEXT_PATTERN, TEXT_REGEX, toText } from './partner-fields';

export class PartnerListQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ description: 'Only partners with this status.', enum: PARTNER_STATUSES })
  @IsOptional()
  @IsIn(PARTNER_STATUSES)
  status?: PartnerStatus;

  @ApiPropertyOptional({ description: 'Only partners of this tier.', enum: PARTNER_TIERS })
  @IsOptional()
  @IsIn(PARTNER_TIERS)
  tier?: PartnerTier;

  @ApiPropertyOptional({
    description: 'Only partners whose name starts with this text (case-insensitive).',
    minLength: 1,
    maxLength: PARTNER_LIMITS.name,
    pattern: TEXT_PATTERN,
  })
  @IsOptional()
  @Transform(toText)
  @IsString()
  @Length(1, PARTNER_LIMITS.name)
  @Matches(TEXT_REGEX, { message: 'q must not contain control characters' })
  q?: string;
}
