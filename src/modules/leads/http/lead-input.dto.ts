import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { CurrencyField } from '#src/kernel/http/value-fields';
import type { LeadContact, LeadSource } from '../domain/lead';
import {
  CommissionPercentField,
  CompanyDomainField,
  CompanyNameField,
  ContactField,
  ExpectedCloseDateField,
  InternalNotesField,
  NotesField,
  OwnerIdField,
  PartnerIdField,
  ReasonField,
  SourceField,
  ValueMinorField,
} from './lead-fields';

// Only what a client may set: id, status, history, revision, timestamps and tenantId are the
// server's, and any field not declared here is refused by the validation pipe. Which of these a
// partner-side caller may send is the use case's rule (400 naming the fields).
export class CreateLeadDto {
  @CompanyNameField('required')
  companyName!: string;

  @CompanyDomainField('required')
  companyDomain!: string;

  @ContactField('required')
  contact!: LeadContact;

  @ValueMinorField('required')
  valueMinor!: number;

  @CurrencyField('required')
  currency!: string;

  @ExpectedCloseDateField('absent')
  expectedCloseDate?: string;

  @SourceField('absent')
  source?: LeadSource;

  @NotesField('absent')
  notes?: string;

  @InternalNotesField('absent')
  internalNotes?: string;

  @CommissionPercentField('absent')
  commissionPercent?: number;

  @PartnerIdField('absent', 'Staff and Admin: the registering partner (required for them; it must exist and not be suspended). Partner users must leave it out: it is their own.')
  partnerId?: string;

  @OwnerIdField(
    'absent',
    "Staff and Admin: the registering partner user's `sub` (an active Partner or Agent member of that partner); defaults to the caller. Partner users must leave it out: it is their own.",
  )
  ownerId?: string;
}

/** A partial change: absent fields stay as they are; null removes an optional field. */
export class UpdateLeadDto {
  @CompanyNameField('absent')
  companyName?: string;

  @CompanyDomainField('absent')
  companyDomain?: string;

  @ContactField('absent')
  contact?: LeadContact;

  @ValueMinorField('absent')
  valueMinor?: number;

  @CurrencyField('absent')
  currency?: string;

  @ExpectedCloseDateField('clearable')
  expectedCloseDate?: string | null;

  @SourceField('clearable')
  source?: LeadSource | null;

  @NotesField('clearable')
  notes?: string | null;

  @InternalNotesField('clearable')
  internalNotes?: string | null;

  @CommissionPercentField('clearable')
  commissionPercent?: number | null;

  @OwnerIdField('absent', "Staff and Admin only: reassigns the lead to another active Partner or Agent member of the lead's partner.")
  ownerId?: string;
}

export class CreateLeadQueryDto {
  @ApiPropertyOptional({
    description:
      'Staff and Admin only (403 for partner users): register even though another partner holds an active registration of the ' +
      'same prospect; both leads then list each other in `conflictsWith`.',
    type: Boolean,
    default: false,
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'allowConflict must be true or false' })
  allowConflict?: boolean;
}

/** Body of reject and return. */
export class LeadReasonDto {
  @ReasonField('required', 'Why; recorded in the status history and shown to the partner.')
  reason!: string;
}

/** Optional body of review, approve and resubmit. */
export class LeadNoteDto {
  @ReasonField('absent', 'An optional note, recorded in the status history.')
  reason?: string;
}
