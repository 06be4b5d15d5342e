import { AsyncLocalStorage } from 'node:async_hooks';
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** How one export ended (both the CSV and the NDJSON helper answer this). */
export interface ExportOutcome {
  /** Rows read from the source (a CSV header row not included). */
  readonly rows: number;
  /** False when the client went away before the last row was written. */
  readonly completed: boolean;
}

/** What a format adds to the common streaming: its headers, its chunks and its encoder. */
export interface ExportFormat<Row, Chunk> {
  readonly contentType: string;
  /** `<stem>-YYYY-MM-DD.<ext>`, already checked to need no escaping. */
  readonly filename: string;
  /** Written before the first row (CSV: the header record). */
  readonly prelude?: readonly Chunk[];
  /** One row as the chunk handed to `through` (or to the response when there is none). */
  readonly encode: (row: Row) => Chunk;
  /** Streams between the chunks and the response (CSV: the RFC 4180 writer). */
  readonly through?: () => NodeJS.ReadWriteStream;
}

interface PullState {
  rows: number;
  /** The source is finished (exhausted, or it threw) or has been closed: never call return() on it again. */
  settled: boolean;
  /** The source (or the encoder) threw: the export failed, the client did not leave. */
  failure?: { readonly error: unknown };
}

type InContext = <R>(fn: () => R) => R;

// How a write fails when the client has closed the connection.
const CLIENT_GONE = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ERR_STREAM_UNABLE_TO_PIPE', 'ERR_STREAM_DESTROYED', 'ECONNRESET', 'EPIPE']);

/**
 * Streams `rows` to `res` as a download in `format`, pulling one row at a time as the client
 * reads (backpressure through stream.pipeline). The behaviour sendCsvExport and
 * sendNdjsonExport share, documented in docs/csv-export.md:
 *
 * The first row is read before anything is sent, so a source that fails at once (a refused
 * query, an unreachable database) still becomes a problem+json answer: the returned promise
 * rejects and the exception filter answers. A failure after that destroys the response (the
 * client sees a truncated body, never half an export followed by JSON) and the promise rejects
 * with the source's error so the filter logs it. When the client disconnects, no further row
 * is pulled, the source iterator's return() is called (closing its database cursor), and the
 * promise resolves with `completed: false`. HEAD answers the headers without reading on.
 *
 * Every pull runs in the async context of the call (request id, tenant, actor), pinned when
 * the export starts, whatever stream event resumes it.
 */
export async function sendStreamedExport<Row, Chunk>(res: ServerResponse, rows: AsyncIterable<Row>, format: ExportFormat<Row, Chunk>): Promise<ExportOutcome> {
  const inContext: InContext = AsyncLocalStorage.snapshot();
  const iterator = rows[Symbol.asyncIterator]();
  const first = await iterator.next();
  const state: PullState = { rows: 0, settled: first.done === true };
  try {
    res.statusCode = 200;
    res.setHeader('Content-Type', format.contentType);
    res.setHeader('Content-Disposition', `attachment; filename="${format.filename}"`);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // HEAD: the headers a GET would send, without reading the export.
    if (res.req?.method === 'HEAD') {
      res.end();
      return { rows: 0, completed: true };
    }
    const source = Readable.from(pullChunks(iterator, first, format, inContext, state));
    try {
      await (format.through ? pipeline(source, format.through(), res) : pipeline(source, res));
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
    // pullChunks ever runs, so its own cleanup never does.
    await closeSource(iterator, inContext, state);
  }
}

/**
 * The chunks to write: the prelude, then one per source row. Stopping early (the client left,
 * or the writer failed) lands in `finally`, which calls the source's return().
 */
async function* pullChunks<Row, Chunk>(
  iterator: AsyncIterator<Row>,
  first: IteratorResult<Row>,
  format: ExportFormat<Row, Chunk>,
  inContext: InContext,
  state: PullState,
): AsyncGenerator<Chunk, void, undefined> {
  try {
    for (const chunk of format.prelude ?? []) yield chunk;
    let step = first;
    while (!step.done) {
      let chunk: Chunk;
      try {
        chunk = inContext(() => format.encode(step.value as Row));
      } catch (error) {
        state.failure = { error };
        throw error;
      }
      state.rows += 1;
      yield chunk;
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
