import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Opportunity, OPPORTUNITY_LIMITS } from '../domain/opportunity';
import { OPPORTUNITY_STAGES, OpportunityStage, StageChange, STAGE_HISTORY_LIMIT } from '../domain/opportunity-stage';
import { CURRENCY_PATTERN, DATE_PATTERN, ID_PATTERN, NOTES_PATTERN, SUB_PATTERN, TEXT_PATTERN } from './opportunity-fields';
import { CURSOR_MAX, CURSOR_PATTERN } from './opportunity-list-query.dto';

export class StageChangeDto {
  @ApiPropertyOptional({ enum: OPPORTUNITY_STAGES, description: 'Absent on the entry that opened the opportunity.' })
  from?: OpportunityStage;

  @ApiProperty({ enum: OPPORTUNITY_STAGES })
  to!: OpportunityStage;

  @ApiProperty({ description: "Who: a member's `sub`, or a system actor's name.", maxLength: OPPORTUNITY_LIMITS.sub, pattern: SUB_PATTERN })
  by!: string;

  @ApiProperty({ format: 'date-time', maxLength: 30 })
  at!: string;

  @ApiPropertyOptional({ description: 'The close reason of a closing move, or the reason given for a reopen.', maxLength: OPPORTUNITY_LIMITS.closeReason, pattern: NOTES_PATTERN })
  reason?: string;

  static from(change: StageChange): StageChangeDto {
    return { from: change.from, to: change.to, by: change.by, at: change.at.toISOString(), reason: change.reason };
  }
}

export class OpportunityDto {
  @ApiProperty({ description: 'Opportunity id.', pattern: ID_PATTERN, maxLength: 24 })
  id!: string;

  @ApiProperty({ maxLength: OPPORTUNITY_LIMITS.name, pattern: TEXT_PATTERN })
  name!: string;

  @ApiProperty({ description: 'Value in minor units of `currency`.', type: 'integer', format: 'int64', minimum: 0, maximum: OPPORTUNITY_LIMITS.amountMinor })
  amountMinor!: number;

  @ApiProperty({ description: 'ISO 4217.', minLength: 3, maxLength: 3, pattern: CURRENCY_PATTERN })
  currency!: string;

  @ApiProperty({ enum: OPPORTUNITY_STAGES, description: 'prospecting → qualification → proposal → negotiation → closed_won | closed_lost.' })
  stage!: OpportunityStage;

  @ApiProperty({ description: 'Percent.', type: 'integer', format: 'int32', minimum: 0, maximum: 100 })
  probability!: number;

  @ApiPropertyOptional({ format: 'date', maxLength: 10, pattern: DATE_PATTERN })
  expectedCloseDate?: string;

  @ApiProperty({ description: 'The partner organization the deal belongs to.', pattern: ID_PATTERN, maxLength: 24 })
  partnerId!: string;

  @ApiProperty({ description: "The owning member's `sub`.", maxLength: OPPORTUNITY_LIMITS.sub, pattern: SUB_PATTERN })
  ownerId!: string;

  @ApiPropertyOptional({ description: 'The lead it was converted from.', pattern: ID_PATTERN, maxLength: 24 })
  leadId?: string;

  @ApiPropertyOptional({ description: 'Why it closed; present only while closed.', maxLength: OPPORTUNITY_LIMITS.closeReason, pattern: NOTES_PATTERN })
  closeReason?: string;

  @ApiProperty({ type: [StageChangeDto], maxItems: STAGE_HISTORY_LIMIT, description: 'Every stage change, oldest first, starting with the stage it opened in.' })
  stageHistory!: StageChangeDto[];

  @ApiProperty({ description: 'Goes up by one with every change; the ETag carries it.', type: 'integer', format: 'int32', minimum: 1, maximum: 2_147_483_647 })
  revision!: number;

  @ApiProperty({ format: 'date-time', maxLength: 30 })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', maxLength: 30 })
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

  @ApiProperty({ nullable: true, type: String, maxLength: CURSOR_MAX, pattern: CURSOR_PATTERN, description: 'Pass as `cursor` for the next page; null on the last page.' })
  nextCursor!: string | null;
}
