import { ListQueryDto } from '#src/kernel/http/pagination';
import { ChoiceQueryParam, PrefixQueryParam } from '#src/kernel/http/list-query-params';
import { PARTNER_LIMITS, PARTNER_STATUSES, PARTNER_TIERS, PartnerStatus, PartnerTier } from '../domain/partner';

export class PartnerListQueryDto extends ListQueryDto {
  @ChoiceQueryParam(PARTNER_STATUSES, 'Only partners with this status.')
  status?: PartnerStatus;

  @ChoiceQueryParam(PARTNER_TIERS, 'Only partners of this tier.')
  tier?: PartnerTier;

  @PrefixQueryParam('Only partners whose name starts with this text (case-insensitive).', PARTNER_LIMITS.name)
  q?: string;
}
