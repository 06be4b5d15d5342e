/**
 * Rows read per database round trip while an export streams. Small on purpose: a batch is
 * decoded at once and lives until the client has read it, and larger batches outlive young-
 * generation collections, so their garbage piles up in the old generation and RSS climbs
 * (measured by npm run bench: batches of 500 peaked at 435 MB, 100 at 167–261 MB; the bounded old
 * space `npm start` sets does the rest, see the README).
 */
export const EXPORT_BATCH_SIZE = 100;

/** The part of a database cursor (mongoose QueryCursor, driver FindCursor) that cursorRows uses. */
export interface ClosableCursor<T> {
  next(): Promise<T | null>;
  close(): Promise<void>;
}

/**
 * A cursor's documents as an async iterable that always closes the cursor: when exhausted, when
 * the consumer stops early (return(), e.g. an aborted export or a `break`) and on errors.
 * mongoose's own `for await (… of cursor)` cannot do this: its async iterator has no return(),
 * so a consumer that stops early leaves the cursor open on the server until it times out.
 * The cursor is opened at the first pull, so an iterable nobody reads holds no cursor.
 */
export async function* cursorRows<T>(open: () => ClosableCursor<T>): AsyncGenerator<T, void, undefined> {
  const cursor = open();
  try {
    for (;;) {
      const doc = await cursor.next();
      if (doc === null) return;
      yield doc;
    }
  } finally {
    await cursor.close();
  }
}
