import type { AuditEvent } from '#src/kernel/audit/audit-event';
import type { CsvColumn } from '#src/kernel/export';

/**
 * Columns of GET /v1/audit-events/export?format=csv: a flat view for spreadsheets. Diffs and
 * type-specific data are left out (they do not flatten), so a CSV row cannot be re-hashed;
 * verification uses the NDJSON export, which carries every event whole.
 */
export const AUDIT_EVENT_CSV_COLUMNS: readonly CsvColumn<AuditEvent>[] = [
  { header: 'seq', value: (e) => e.seq, numeric: true },
  { header: 'id', value: (e) => e.id },
  { header: 'time', value: (e) => e.time },
  { header: 'type', value: (e) => e.type },
  { header: 'action', value: (e) => e.action },
  { header: 'actorType', value: (e) => e.actor.type },
  { header: 'actorId', value: (e) => e.actor.id },
  { header: 'actorRole', value: (e) => e.actor.role },
  { header: 'targetType', value: (e) => e.target?.type },
  { header: 'targetId', value: (e) => e.target?.id },
  { header: 'ip', value: (e) => e.context.ip },
  { header: 'userAgent', value: (e) => e.context.userAgent },
  { header: 'method', value: (e) => e.context.method },
  { header: 'route', value: (e) => e.context.route },
  { header: 'result', value: (e) => e.outcome.result },
  { header: 'status', value: (e) => e.outcome.status, numeric: true },
  { header: 'reason', value: (e) => e.outcome.reason },
  { header: 'count', value: (e) => e.outcome.count, numeric: true },
  { header: 'requestId', value: (e) => e.context.requestId },
  { header: 'hash', value: (e) => e.hash },
  { header: 'prevHash', value: (e) => e.prevHash },
];
