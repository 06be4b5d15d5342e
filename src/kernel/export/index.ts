export { assertCsvColumns, csvFilename, neutraliseText, toCsvCell, toCsvRecord } from './csv-cells';
export type { CsvCell, CsvColumn } from './csv-cells';
export { CSV_CONTENT_TYPE, sendCsvExport } from './csv-export';
export type { CsvExportOptions, CsvExportOutcome } from './csv-export';
export { ApiCsvExport, CsvExportQueryDto } from './csv-export.http';
export { cursorRows, EXPORT_BATCH_SIZE as CURSOR_EXPORT_BATCH_SIZE } from './cursor-rows';
export type { ClosableCursor } from './cursor-rows';
