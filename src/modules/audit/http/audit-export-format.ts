import type { Request } from 'express';
import { NDJSON_CONTENT_TYPE } from '#src/kernel/export';
import type { AuditExportFormat } from './audit-event-query.dto';

const CSV_MEDIA_TYPE = 'text/csv';

/**
 * `?format=` decides; without it, the Accept header (q-values honoured): CSV when the client
 * prefers `text/csv`, NDJSON otherwise (no header, `*\/*`, or types we do not serve).
 */
export function auditExportFormatOf(format: AuditExportFormat | undefined, req: Pick<Request, 'accepts'>): AuditExportFormat {
  if (format !== undefined) return format;
  return req.accepts([NDJSON_CONTENT_TYPE, CSV_MEDIA_TYPE]) === CSV_MEDIA_TYPE ? 'csv' : 'ndjson';
}
