import { AsyncLocalStorage } from 'node:async_hooks';
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { assertCsvColumns, csvFilename, CsvColumn, neutraliseText, toCsvRecord } from './csv-cells';

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

export interface CsvExportOptions {
  /** The download is named `<filenameStem>-YYYY-MM-DD.csv` (UTC); letters, digits, `_` and `-`. */
  readonly filenameStem: string;
  /** Start with a UTF-8 byte order mark, which Excel needs to read UTF-8 (the caller's `?bom=true`). */
  readonly bom?: boolean;
  /** The date in the filename; default now. */
  readonly now?: Date;
}

export interface CsvExportOutcome {
  /** Rows read from the source (the header row not included). */
  readonly rows: number;
  /** False when the client went away before the last row was written. */
  readonly completed: boolean;
}

interface PullState {
  rows: number;
  /** The source is finished (exhausted, or it threw) or has been closed: never call return() on it again. */
  settled: boolean;
  /** The source (or a column's value function) threw: the export failed, the client did not leave. */
  failure?: { readonly error: unknown };
}

type InContext = <R>(fn: () => R) => R;

// How a write fails when the client has closed the connection.
const CLIENT_GONE = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ERR_STREAM_UNABLE_TO_PIPE', 'ERR_STREAM_DESTROYED', 'ECONNRESET', 'EPIPE']);

/**
 * Streams `rows` to `res` as an RFC 4180 CSV download (CRLF records, a header row, quoting by
 * csv-stringify, formula-like text neutralised — see docs/csv-export.md), pulling one row at a
 * time as the client reads (backpressure through stream.pipeline).
 *
 * The first row is read before anything is sent, so a source that fails at once (a refused
 * query, an unreachable database) still becomes a problem+json answer: the returned promise
 * rejects and the exception filter answers. A failure after that destroys the response (the
 * client sees a truncated body, never half a CSV followed by JSON) and the promise rejects
 * with the source's error so the filter logs it. When the client disconnects, no further row
 * is pulled, the source iterator's return() is called (closing its database cursor), and the
 * promise resolves with `completed: false`.
 *
 * Every pull runs in the async context of the call (request id, tenant, actor), pinned when
 * the export starts, whatever stream event resumes it.
 */
export async function sendCsvExport<Row>(
  res: ServerResponse,
  rows: AsyncIterable<Row>,
  columns: readonly CsvColumn<Row>[],
  options: CsvExportOptions,
): Promise<CsvExportOutcome> {
  assertCsvColumns(columns);
  const filename = csvFilename(options.filenameStem, options.now ?? new Date());
  const inContext: InContext = AsyncLocalStorage.snapshot();
  const iterator = rows[Symbol.asyncIterator]();
  const first = await iterator.next();

  const state: PullState = { rows: 0, settled: first.done === true };
  try {
    res.statusCode = 200;
    res.setHeader('Content-Type', CSV_CONTENT_TYPE);
    res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // HEAD: the headers a GET would send, without reading the export.
    if (res.req?.method === 'HEAD') {
      res.end();
      return { rows: 0, completed: true };
    }

    const source = Readable.from(pullRecords(iterator, first, columns, inContext, state));
    const writer = stringify({ bom: options.bom === true, record_delimiter: 'windows', eof: true });
    try {
      await pipeline(source, writer, res);
      return { rows: state.rows, completed: true };
    } catch (error) {
      if (state.failure) {
        res.destroy();
        throw state.failure.error;
      }
      if (CLIENT_GONE.has((error as NodeJS.ErrnoException | undefined)?.code ?? '')) {
        return { rows: state.rows, completed: false };
      }
      res.destroy();
      throw error;
    }
  } finally {
    // Also covers a client that left while the first row was read: the pipeline then fails before
    // pullRecords ever runs, so its own cleanup never does.
    await closeSource(iterator, inContext, state);
  }
}

/**
 * The records to write: the header row, then one per source row. Stopping early (the client
 * left, or the writer failed) lands in `finally`, which calls the source's return().
 */
async function* pullRecords<Row>(
  iterator: AsyncIterator<Row>,
  first: IteratorResult<Row>,
  columns: readonly CsvColumn<Row>[],
  inContext: InContext,
  state: PullState,
): AsyncGenerator<string[], void, undefined> {
  try {
    yield columns.map((column) => neutraliseText(column.header));
    let step = first;
    while (!step.done) {
      let record: string[];
      try {
        record = inContext(() => toCsvRecord(step.value as Row, columns));
      } catch (error) {
        state.failure = { error };
        throw error;
      }
      state.rows += 1;
      yield record;
      try {
        step = await inContext(() => iterator.next());
      } catch (error) {
        // An iterator that threw is finished; it gets no return() call.
        state.settled = true;
        state.failure = { error };
        throw error;
      }
    }
    state.settled = true;
  } finally {
    await closeSource(iterator, inContext, state);
  }
}

/**
 * Calls the source's return() once, unless it is already finished. The cleanup must not hide
 * why the export stopped; a cursor that fails to close is reaped by the server's idle timeout.
 */
async function closeSource<Row>(iterator: AsyncIterator<Row>, inContext: InContext, state: PullState): Promise<void> {
  if (state.settled) return;
  state.settled = true;
  try {
    await inContext(() => iterator.return?.());
  } catch {
    // see above
  }
}
