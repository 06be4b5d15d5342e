import type { CsvColumn } from '#src/kernel/export';
import type { LeadView } from '../domain/lead';

/**
 * Columns of GET /v1/leads/export. Internal notes are never exported (the export is the same for
 * every role); money stays numeric in minor units, dates are ISO 8601.
 */
export const LEAD_CSV_COLUMNS: readonly CsvColumn<LeadView>[] = [
  { header: 'id', value: (l) => l.id },
  { header: 'status', value: (l) => l.status },
  { header: 'companyName', value: (l) => l.companyName },
  { header: 'companyDomain', value: (l) => l.companyDomain },
  { header: 'contactName', value: (l) => l.contact.name },
  { header: 'contactEmail', value: (l) => l.contact.email },
  { header: 'contactPhone', value: (l) => l.contact.phone },
  { header: 'contactTitle', value: (l) => l.contact.title },
  { header: 'valueMinor', value: (l) => l.valueMinor, numeric: true },
  { header: 'currency', value: (l) => l.currency },
  { header: 'expectedCloseDate', value: (l) => l.expectedCloseDate },
  { header: 'partnerId', value: (l) => l.partnerId },
  { header: 'ownerId', value: (l) => l.ownerId },
  { header: 'source', value: (l) => l.source },
  { header: 'notes', value: (l) => l.notes },
  { header: 'createdAt', value: (l) => l.createdAt.toISOString() },
  { header: 'updatedAt', value: (l) => l.updatedAt.toISOString() },
];
