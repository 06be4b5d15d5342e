import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { basisPointsToPercent, LEAD_LIMITS, LEAD_SOURCES, LeadSource, LeadView } from '../domain/lead';
import { LEAD_STATUSES, LeadStatus, LeadStatusChange, STATUS_HISTORY_LIMIT } from '../domain/lead-status';
import { CURRENCY_PATTERN, DATE_PATTERN, ID_PATTERN, LeadContactDto, NOTES_PATTERN, SUB_PATTERN, TEXT_PATTERN } from './lead-fields';

export class LeadStatusChangeDto {
  @ApiPropertyOptional({ enum: LEAD_STATUSES, description: 'Absent on the registration itself.' })
  from?: LeadStatus;

  @ApiProperty({ enum: LEAD_STATUSES })
  to!: LeadStatus;

  @ApiProperty({ description: "Who: a member's `sub`, or a system actor such as `job:expire-leads`.", maxLength: LEAD_LIMITS.sub, pattern: SUB_PATTERN })
  by!: string;

  @ApiProperty({ format: 'date-time', maxLength: 30 })
  at!: string;

  @ApiPropertyOptional({ maxLength: LEAD_LIMITS.reason, pattern: NOTES_PATTERN })
  reason?: string;

  static from(change: LeadStatusChange): LeadStatusChangeDto {
    return { from: change.from, to: change.to, by: change.by, at: change.at.toISOString(), reason: change.reason };
  }
}

export class LeadDto {
  @ApiProperty({ description: 'Lead id.', pattern: ID_PATTERN, maxLength: 24 })
  id!: string;

  @ApiProperty({ maxLength: LEAD_LIMITS.companyName, pattern: TEXT_PATTERN })
  companyName!: string;

  @ApiProperty({ format: 'hostname', maxLength: LEAD_LIMITS.companyDomain })
  companyDomain!: string;

  @ApiProperty({ type: LeadContactDto })
  contact!: LeadContactDto;

  @ApiProperty({ description: 'Estimated value in minor units of `currency`.', type: 'integer', format: 'int64', minimum: 0, maximum: LEAD_LIMITS.valueMinor })
  valueMinor!: number;

  @ApiProperty({ description: 'ISO 4217.', minLength: 3, maxLength: 3, pattern: CURRENCY_PATTERN })
  currency!: string;

  @ApiPropertyOptional({ format: 'date', maxLength: 10, pattern: DATE_PATTERN })
  expectedCloseDate?: string;

  @ApiProperty({ description: 'The registering partner organization.', pattern: ID_PATTERN, maxLength: 24 })
  partnerId!: string;

  @ApiProperty({ description: "The registering member's `sub`.", maxLength: LEAD_LIMITS.sub, pattern: SUB_PATTERN })
  ownerId!: string;

  @ApiPropertyOptional({ enum: LEAD_SOURCES })
  source?: LeadSource;

  @ApiPropertyOptional({ maxLength: LEAD_LIMITS.notes, pattern: NOTES_PATTERN })
  notes?: string;

  @ApiPropertyOptional({ description: 'Staff and Admin only; never present for partner users.', maxLength: LEAD_LIMITS.internalNotes, pattern: NOTES_PATTERN })
  internalNotes?: string;

  @ApiPropertyOptional({ description: 'Percent, up to two decimals.', type: 'number', format: 'double', minimum: 0, maximum: 100, multipleOf: 0.01 })
  commissionPercent?: number;

  @ApiProperty({ enum: LEAD_STATUSES })
  status!: LeadStatus;

  @ApiProperty({ type: [LeadStatusChangeDto], maxItems: STATUS_HISTORY_LIMIT, description: 'Every status change, oldest first, starting with the registration.' })
  statusHistory!: LeadStatusChangeDto[];

  @ApiPropertyOptional({
    description: "Staff and Admin only: other partners' registrations of the same prospect, recorded when Staff registered over a conflict.",
    type: [String],
    maxItems: LEAD_LIMITS.conflictsWith,
    items: { type: 'string', pattern: ID_PATTERN, maxLength: 24 },
  })
  conflictsWith?: string[];

  @ApiPropertyOptional({ description: 'When it was approved: the start of its protection window.', format: 'date-time', maxLength: 30 })
  approvedAt?: string;

  @ApiPropertyOptional({ description: 'The opportunity it was converted into.', pattern: ID_PATTERN, maxLength: 24 })
  convertedOpportunityId?: string;

  @ApiProperty({ description: 'Goes up by one with every change; the ETag carries it.', type: 'integer', format: 'int32', minimum: 1, maximum: 2_147_483_647 })
  revision!: number;

  @ApiProperty({ format: 'date-time', maxLength: 30 })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', maxLength: 30 })
  updatedAt!: string;

  static from(lead: LeadView): LeadDto {
    return {
      id: lead.id,
      companyName: lead.companyName,
      companyDomain: lead.companyDomain,
      contact: { ...lead.contact },
      valueMinor: lead.valueMinor,
      currency: lead.currency,
      expectedCloseDate: lead.expectedCloseDate,
      partnerId: lead.partnerId,
      ownerId: lead.ownerId,
      source: lead.source,
      notes: lead.notes,
      internalNotes: lead.internalNotes,
      commissionPercent: lead.commissionBasisPoints === undefined ? undefined : basisPointsToPercent(lead.commissionBasisPoints),
      status: lead.status,
      statusHistory: lead.statusHistory.map(LeadStatusChangeDto.from),
      conflictsWith: lead.conflictsWith === undefined ? undefined : [...lead.conflictsWith],
      approvedAt: lead.approvedAt?.toISOString(),
      convertedOpportunityId: lead.convertedOpportunityId,
      revision: lead.revision,
      createdAt: lead.createdAt.toISOString(),
      updatedAt: lead.updatedAt.toISOString(),
    };
  }
}

export class LeadPageDto {
  @ApiProperty({ type: [LeadDto], maxItems: 200 })
  data!: LeadDto[];

  @ApiProperty({ nullable: true, type: String, maxLength: 1200, pattern: '^[A-Za-z0-9_-]+$', description: 'Pass as `cursor` for the next page; null on the last page.' })
  nextCursor!: string | null;
}
