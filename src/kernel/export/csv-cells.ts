/** What a column may produce for one row; null and undefined become an empty cell. */
export type CsvCell = string | number | null | undefined;

export interface CsvColumn<Row> {
  readonly header: string;
  readonly value: (row: Row) => CsvCell;
  /** Finite numbers are written as they are (-5 stays -5); anything else is treated as text. */
  readonly numeric?: boolean;
}

// First characters that make Excel, LibreOffice or Google Sheets evaluate a cell as a formula
// (=, +, -, @), or that a spreadsheet may strip to reveal one (tab, CR, LF, NUL). OWASP "CSV
// injection"; the rule is documented in docs/csv-export.md.
const FORMULA_TRIGGERS: ReadonlySet<string> = new Set(['=', '+', '-', '@', '\t', '\r', '\n', '\0']);

/** Prefixes a text cell with `'` when its first character could start a formula. */
export function neutraliseText(text: string): string {
  return text.length > 0 && FORMULA_TRIGGERS.has(text[0]) ? `'${text}` : text;
}

/** The text of one cell, before CSV quoting. */
export function toCsvCell(value: CsvCell, numeric = false): string {
  if (value === null || value === undefined) return '';
  if (numeric && typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return neutraliseText(String(value));
}

/** One record: every column's cell for this row. */
export function toCsvRecord<Row>(row: Row, columns: readonly CsvColumn<Row>[]): string[] {
  const record = new Array<string>(columns.length);
  for (let i = 0; i < columns.length; i += 1) record[i] = toCsvCell(columns[i].value(row), columns[i].numeric);
  return record;
}

const STEM = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** `<stem>-YYYY-MM-DD.csv` (UTC date). The stem is plain ASCII, so the header needs no escaping. */
export function csvFilename(stem: string, now: Date): string {
  return exportFilename(stem, now, 'csv');
}

/** `<stem>-YYYY-MM-DD.<extension>` (UTC date), for any export format. */
export function exportFilename(stem: string, now: Date, extension: string): string {
  if (!STEM.test(stem)) throw new Error(`Export filename stem must match ${STEM.source}: ${JSON.stringify(stem)}`);
  return `${stem}-${now.toISOString().slice(0, 10)}.${extension}`;
}

export function assertCsvColumns<Row>(columns: readonly CsvColumn<Row>[]): void {
  if (columns.length === 0) throw new Error('A CSV export needs at least one column');
  for (const column of columns) {
    if (typeof column.header !== 'string' || column.header === '') throw new Error('Every CSV column needs a header');
    if (typeof column.value !== 'function') throw new Error(`CSV column ${column.header} has no value function`);
  }
}
