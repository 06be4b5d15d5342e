import type { ServerResponse } from 'node:http';
import { stringify } from 'csv-stringify';
import { assertCsvColumns, csvFilename, CsvColumn, neutraliseText, toCsvRecord } from './csv-cells';
import { ExportOutcome, sendStreamedExport } from './streamed-export';

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

export interface CsvExportOptions {
  /** The download is named `<filenameStem>-YYYY-MM-DD.csv` (UTC); letters, digits, `_` and `-`. */
  readonly filenameStem: string;
  /** Start with a UTF-8 byte order mark, which Excel needs to read UTF-8 (the caller's `?bom=true`). */
  readonly bom?: boolean;
  /** The date in the filename; default now. */
  readonly now?: Date;
}

export type CsvExportOutcome = ExportOutcome;

/**
 * Streams `rows` to `res` as an RFC 4180 CSV download (CRLF records, a header row, quoting by
 * csv-stringify, formula-like text neutralised — see docs/csv-export.md), pulling one row at a
 * time as the client reads. First-row, mid-export failure, disconnect and HEAD behaviour are
 * sendStreamedExport's (streamed-export.ts).
 */
export async function sendCsvExport<Row>(
  res: ServerResponse,
  rows: AsyncIterable<Row>,
  columns: readonly CsvColumn<Row>[],
  options: CsvExportOptions,
): Promise<CsvExportOutcome> {
  assertCsvColumns(columns);
  return sendStreamedExport(res, rows, {
    contentType: CSV_CONTENT_TYPE,
    filename: csvFilename(options.filenameStem, options.now ?? new Date()),
    prelude: [columns.map((column) => neutraliseText(column.header))],
    encode: (row: Row) => toCsvRecord(row, columns),
    through: () => stringify({ bom: options.bom === true, record_delimiter: 'windows', eof: true }),
  });
}
