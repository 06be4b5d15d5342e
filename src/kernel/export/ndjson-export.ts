import type { ServerResponse } from 'node:http';
import { exportFilename } from './csv-cells';
import { ExportOutcome, sendStreamedExport } from './streamed-export';

/** NDJSON (one JSON text per line, UTF-8 as JSON always is, `\n` after every line). */
export const NDJSON_CONTENT_TYPE = 'application/x-ndjson';

export interface NdjsonExportOptions {
  /** The download is named `<filenameStem>-YYYY-MM-DD.ndjson` (UTC); letters, digits, `_` and `-`. */
  readonly filenameStem: string;
  /** The date in the filename; default now. */
  readonly now?: Date;
}

/** One row as an NDJSON line. JSON.stringify escapes line breaks inside strings, so a row is one line. */
export function toNdjsonLine(row: unknown): string {
  const text = JSON.stringify(row);
  if (text === undefined) throw new Error('an NDJSON row must have a JSON form');
  return `${text}\n`;
}

/**
 * Streams `rows` to `res` as an NDJSON download, each row exactly as JSON.stringify writes it,
 * pulling one row at a time as the client reads. First-row, mid-export failure, disconnect and
 * HEAD behaviour are the CSV export's (streamed-export.ts, docs/csv-export.md).
 */
export async function sendNdjsonExport<Row>(res: ServerResponse, rows: AsyncIterable<Row>, options: NdjsonExportOptions): Promise<ExportOutcome> {
  return sendStreamedExport(res, rows, {
    contentType: NDJSON_CONTENT_TYPE,
    filename: exportFilename(options.filenameStem, options.now ?? new Date(), 'ndjson'),
    encode: toNdjsonLine,
  });
}
