import type { CsvColumn } from '#src/kernel/export';
import type { OpportunityView } from '../domain/opportunity';

/** Columns of GET /v1/opportunities/export: money numeric in minor units, dates ISO 8601. */
export const OPPORTUNITY_CSV_COLUMNS: readonly CsvColumn<OpportunityView>[] = [
  { header: 'id', value: (o) => o.id },
  { header: 'name', value: (o) => o.name },
  { header: 'stage', value: (o) => o.stage },
  { header: 'probability', value: (o) => o.probability, numeric: true },
  { header: 'amountMinor', value: (o) => o.amountMinor, numeric: true },
  { header: 'currency', value: (o) => o.currency },
  { header: 'expectedCloseDate', value: (o) => o.expectedCloseDate },
  { header: 'partnerId', value: (o) => o.partnerId },
  { header: 'ownerId', value: (o) => o.ownerId },
  { header: 'leadId', value: (o) => o.leadId },
  { header: 'closeReason', value: (o) => o.closeReason },
  { header: 'createdAt', value: (o) => o.createdAt.toISOString() },
  { header: 'updatedAt', value: (o) => o.updatedAt.toISOString() },
];
