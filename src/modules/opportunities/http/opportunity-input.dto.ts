import { CurrencyField } from '#src/kernel/http/value-fields';
import type { OpenStage, OpportunityStage } from '../domain/opportunity-stage';
import {
  AmountMinorField,
  ExpectedCloseDateField,
  NameField,
  OwnerIdField,
  PartnerIdField,
  ProbabilityField,
  ReasonField,
  StageField,
  STAGE_PROBABILITY_TEXT,
} from './opportunity-fields';

const PROBABILITY_DEFAULTS = `Percent, 0..100; left out, the stage's default (${STAGE_PROBABILITY_TEXT}).`;

// Only what a client may set: id, leadId, history, revision, timestamps and tenantId are the
// server's, and any field not declared here is refused by the validation pipe. Which of these a
// partner-side caller may send is the use case's rule (400 naming the fields).
export class CreateOpportunityDto {
  @NameField('required')
  name!: string;

  @AmountMinorField('required')
  amountMinor!: number;

  @CurrencyField('required')
  currency!: string;

  @StageField('absent', 'open', 'The stage it starts in: any open stage (nothing is created closed).')
  stage?: OpenStage;

  @ProbabilityField('absent', PROBABILITY_DEFAULTS)
  probability?: number;

  @ExpectedCloseDateField('absent')
  expectedCloseDate?: string;

  @PartnerIdField('absent', 'Staff and Admin: the partner (required for them; it must exist and not be suspended). Partner users must leave it out: it is their own.')
  partnerId?: string;

  @OwnerIdField(
    'absent',
    "Staff and Admin: the owning partner user's `sub` (an active Partner or Agent member of that partner); defaults to the caller. Partner users must leave it out: it is their own.",
  )
  ownerId?: string;
}

/** A partial change: absent fields stay as they are; null removes an optional field. */
export class UpdateOpportunityDto {
  @NameField('absent')
  name?: string;

  @AmountMinorField('absent')
  amountMinor?: number;

  @CurrencyField('absent')
  currency?: string;

  @StageField(
    'absent',
    'any',
    'Moves the deal: forward to any later open stage, or to closed_won / closed_lost, from any open stage; back to an ' +
      'earlier open stage for Staff and Admin only (403 for partner users). A closed opportunity is read-only (409 ' +
      '`opportunity_closed`): only `POST /v1/opportunities/{id}/reopen` takes it back. Each move is recorded in `stageHistory`.',
  )
  stage?: OpportunityStage;

  @ProbabilityField(
    'absent',
    'Percent, 0..100. A stage change without it resets it to the new stage\'s default ' +
      `(${STAGE_PROBABILITY_TEXT}); closed_won is always 100 and closed_lost 0 (any other value with them is a 400).`,
  )
  probability?: number;

  @ExpectedCloseDateField('clearable')
  expectedCloseDate?: string | null;

  @ReasonField(
    'absent',
    'Why the deal closed: required with `stage: closed_lost`, optional with `closed_won`, refused (400) without a closing stage change. Also recorded in the stage history.',
  )
  closeReason?: string;

  @OwnerIdField('absent', "Staff and Admin only: reassigns the opportunity to another active Partner or Agent member of its partner.")
  ownerId?: string;
}

/** Optional body of POST /reopen. */
export class ReopenOpportunityDto {
  @ReasonField('absent', 'Why it is reopened; recorded in the stage history.')
  reason?: string;
}

/** Optional body of POST /v1/leads/{id}/convert: the rest comes from the lead. */
export class ConvertLeadDto {
  @NameField('absent', "The opportunity's name; defaults to the lead's company name.")
  name?: string;

  @StageField('absent', 'open', 'The stage it starts in: any open stage.')
  stage?: OpenStage;

  @ProbabilityField('absent', PROBABILITY_DEFAULTS)
  probability?: number;

  @ExpectedCloseDateField('absent', "Expected close date, `YYYY-MM-DD`; defaults to the lead's.")
  expectedCloseDate?: string;
}
