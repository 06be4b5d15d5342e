import { applyDecorators } from '@nestjs/common';
import { IsInt, Max, Min } from 'class-validator';
import { documentField, Presence, presenceRules } from '#src/kernel/http/field-presence';
import { MultilineTextField, RecordIdField, TextField, TokenSubjectField } from '#src/kernel/http/text-fields';
import { CalendarDateField, ChoiceField, MinorUnitsField } from '#src/kernel/http/value-fields';
import { OPPORTUNITY_LIMITS } from '../domain/opportunity';
import { DEFAULT_STAGE, OPEN_STAGES, OPPORTUNITY_STAGES, STAGE_PROBABILITY } from '../domain/opportunity-stage';

/** Stage defaults as prose, for the API description: `prospecting 10, qualification 25, …`. */
export const STAGE_PROBABILITY_TEXT = OPPORTUNITY_STAGES.map((s) => `${s} ${STAGE_PROBABILITY[s]}`).join(', ');

export const NameField = (mode: Presence, description = 'What the deal is called; trimmed and stored in Unicode NFC.'): PropertyDecorator =>
  TextField(mode, { description, maxLength: OPPORTUNITY_LIMITS.name, example: 'Globex: 200 seats' });

export const AmountMinorField = (mode: Presence): PropertyDecorator =>
  MinorUnitsField(mode, { description: 'Deal value in minor units of `currency` (e.g. cents): 1999 is 19.99 USD.', maximum: OPPORTUNITY_LIMITS.amountMinor });

/** `open`: only open stages (creates, conversions); `any`: the whole pipeline (PATCH). */
export const StageField = (mode: Presence, stages: 'open' | 'any', description: string): PropertyDecorator => {
  const allowed: readonly string[] = stages === 'open' ? OPEN_STAGES : OPPORTUNITY_STAGES;
  return ChoiceField(mode, allowed, {
    description,
    default: stages === 'open' ? DEFAULT_STAGE : undefined,
    message: `stage must be one of ${allowed.join(', ')}`,
  });
};

export const ProbabilityField = (mode: Presence, description: string): PropertyDecorator =>
  applyDecorators(
    documentField(mode, { description, type: 'integer', format: 'int32', minimum: 0, maximum: OPPORTUNITY_LIMITS.probability, example: 50 }),
    ...presenceRules(mode),
    IsInt(),
    Min(0),
    Max(OPPORTUNITY_LIMITS.probability),
  );

export const ExpectedCloseDateField = (mode: Presence, description = 'Expected close date, `YYYY-MM-DD`.'): PropertyDecorator =>
  CalendarDateField(mode, description);

export const PartnerIdField = (mode: Presence, description: string): PropertyDecorator => RecordIdField(mode, { description, names: 'partner' });

export const OwnerIdField = (mode: Presence, description: string): PropertyDecorator =>
  TokenSubjectField(mode, { description, maxLength: OPPORTUNITY_LIMITS.sub });

export const ReasonField = (mode: Presence, description: string): PropertyDecorator =>
  MultilineTextField(mode, { description, maxLength: OPPORTUNITY_LIMITS.closeReason });
