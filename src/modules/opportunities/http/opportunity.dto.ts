import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MULTILINE_TEXT_PATTERN, TEXT_PATTERN } from '#src/kernel/http/field-patterns';
import { KEYSET_CURSOR_MAX } from '#src/kernel/http/list-query-params';
import { toStateChangeView } from '#src/kernel/http/state-change-view';
import {
  ApiCalendarDateProperty,
  ApiCurrencyProperty,
  ApiDateTimeProperty,
  ApiIdProperty,
  ApiMinorUnitsProperty,
  ApiNextCursorProperty,
  ApiRevisionProperty,
  ApiSubjectProperty,
} from '#src/kernel/http/response-properties';
import { Opportunity, OPPORTUNITY_LIMITS } from '../domain/opportunity';
import { OPPORTUNITY_STAGES, OpportunityStage, StageChange, STAGE_HISTORY_LIMIT } from '../domain/opportunity-stage';

export class StageChangeDto {
  @ApiPropertyOptional({ enum: OPPORTUNITY_STAGES, description: 'Absent on the entry that opened the opportunity.' })
  from?: OpportunityStage;

  @ApiProperty({ enum: OPPORTUNITY_STAGES })
  to!: OpportunityStage;

  @ApiSubjectProperty("Who: a member's `sub`, or a system actor's name.", OPPORTUNITY_LIMITS.sub)
  by!: string;

  @ApiDateTimeProperty()
  at!: string;

  @ApiPropertyOptional({ description: 'The close reason of a closing move, or the reason given for a reopen.', maxLength: OPPORTUNITY_LIMITS.closeReason, pattern: MULTILINE_TEXT_PATTERN })
  reason?: string;

  static from(change: StageChange): StageChangeDto {
    return toStateChangeView(change);
  }
}

export class OpportunityDto {
  @ApiIdProperty('Opportunity id.')
  id!: string;

  @ApiProperty({ maxLength: OPPORTUNITY_LIMITS.name, pattern: TEXT_PATTERN })
  name!: string;

  @ApiMinorUnitsProperty('Value in minor units of `currency`.', OPPORTUNITY_LIMITS.amountMinor)
  amountMinor!: number;

  @ApiCurrencyProperty()
  currency!: string;

  @ApiProperty({ enum: OPPORTUNITY_STAGES, description: 'prospecting → qualification → proposal → negotiation → closed_won | closed_lost.' })
  stage!: OpportunityStage;

  @ApiProperty({ description: 'Percent.', type: 'integer', format: 'int32', minimum: 0, maximum: 100 })
  probability!: number;

  @ApiCalendarDateProperty({ required: false })
  expectedCloseDate?: string;

  @ApiIdProperty('The partner organization the deal belongs to.')
  partnerId!: string;

  @ApiSubjectProperty("The owning member's `sub`.", OPPORTUNITY_LIMITS.sub)
  ownerId!: string;

  @ApiIdProperty('The lead it was converted from.', { required: false })
  leadId?: string;

  @ApiPropertyOptional({ description: 'Why it closed; present only while closed.', maxLength: OPPORTUNITY_LIMITS.closeReason, pattern: MULTILINE_TEXT_PATTERN })
  closeReason?: string;

  @ApiProperty({ type: [StageChangeDto], maxItems: STAGE_HISTORY_LIMIT, description: 'Every stage change, oldest first, starting with the stage it opened in.' })
  stageHistory!: StageChangeDto[];

  @ApiRevisionProperty()
  revision!: number;

  @ApiDateTimeProperty()
  createdAt!: string;

  @ApiDateTimeProperty()
  updatedAt!: string;

  static from(o: Opportunity): OpportunityDto {
    return {
      id: o.id,
      name: o.name,
      amountMinor: o.amountMinor,
      currency: o.currency,
      stage: o.stage,
      probability: o.probability,
      expectedCloseDate: o.expectedCloseDate,
      partnerId: o.partnerId,
      ownerId: o.ownerId,
      leadId: o.leadId,
      closeReason: o.closeReason,
      stageHistory: o.stageHistory.map(StageChangeDto.from),
      revision: o.revision,
      createdAt: o.createdAt.toISOString(),
      updatedAt: o.updatedAt.toISOString(),
    };
  }
}

export class OpportunityPageDto {
  @ApiProperty({ type: [OpportunityDto], maxItems: 200 })
  data!: OpportunityDto[];

  @ApiNextCursorProperty(KEYSET_CURSOR_MAX)
  nextCursor!: string | null;
}
