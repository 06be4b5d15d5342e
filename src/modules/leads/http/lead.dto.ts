import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ID_PATTERN, MULTILINE_TEXT_PATTERN, TEXT_PATTERN } from '#src/kernel/http/field-patterns';
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
import { basisPointsToPercent, LEAD_LIMITS, LEAD_SOURCES, LeadSource, LeadView } from '../domain/lead';
import { LEAD_STATUSES, LeadStatus, LeadStatusChange, STATUS_HISTORY_LIMIT } from '../domain/lead-status';
import { LeadContactDto } from './lead-fields';

export class LeadStatusChangeDto {
  @ApiPropertyOptional({ enum: LEAD_STATUSES, description: 'Absent on the registration itself.' })
  from?: LeadStatus;

  @ApiProperty({ enum: LEAD_STATUSES })
  to!: LeadStatus;

  @ApiSubjectProperty("Who: a member's `sub`, or a system actor such as `job:expire-leads`.", LEAD_LIMITS.sub)
  by!: string;

  @ApiDateTimeProperty()
  at!: string;

  @ApiPropertyOptional({ maxLength: LEAD_LIMITS.reason, pattern: MULTILINE_TEXT_PATTERN })
  reason?: string;

  static from(change: LeadStatusChange): LeadStatusChangeDto {
    return toStateChangeView(change);
  }
}

export class LeadDto {
  @ApiIdProperty('Lead id.')
  id!: string;

  @ApiProperty({ maxLength: LEAD_LIMITS.companyName, pattern: TEXT_PATTERN })
  companyName!: string;

  @ApiProperty({ format: 'hostname', maxLength: LEAD_LIMITS.companyDomain })
  companyDomain!: string;

  @ApiProperty({ type: LeadContactDto })
  contact!: LeadContactDto;

  @ApiMinorUnitsProperty('Estimated value in minor units of `currency`.', LEAD_LIMITS.valueMinor)
  valueMinor!: number;

  @ApiCurrencyProperty()
  currency!: string;

  @ApiCalendarDateProperty({ required: false })
  expectedCloseDate?: string;

  @ApiIdProperty('The registering partner organization.')
  partnerId!: string;

  @ApiSubjectProperty("The registering member's `sub`.", LEAD_LIMITS.sub)
  ownerId!: string;

  @ApiPropertyOptional({ enum: LEAD_SOURCES })
  source?: LeadSource;

  @ApiPropertyOptional({ maxLength: LEAD_LIMITS.notes, pattern: MULTILINE_TEXT_PATTERN })
  notes?: string;

  @ApiPropertyOptional({ description: 'Staff and Admin only; never present for partner users.', maxLength: LEAD_LIMITS.internalNotes, pattern: MULTILINE_TEXT_PATTERN })
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

  @ApiDateTimeProperty({ description: 'When it was approved: the start of its protection window.', required: false })
  approvedAt?: string;

  @ApiIdProperty('The opportunity it was converted into.', { required: false })
  convertedOpportunityId?: string;

  @ApiRevisionProperty()
  revision!: number;

  @ApiDateTimeProperty()
  createdAt!: string;

  @ApiDateTimeProperty()
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

  @ApiNextCursorProperty(KEYSET_CURSOR_MAX)
  nextCursor!: string | null;
}
