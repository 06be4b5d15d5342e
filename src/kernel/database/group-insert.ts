import { isDuplicateKeyError } from './database-errors';

interface Waiting<T> {
  readonly doc: T;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** The position of each document an unordered bulk insert refused, with its error. */
function refusedByIndex(error: unknown): Map<number, unknown> | undefined {
  const raw = (error as { writeErrors?: unknown } | null)?.writeErrors;
  if (raw === undefined) return undefined;
  const refused = new Map<number, unknown>();
  for (const writeError of Array.isArray(raw) ? raw : [raw]) {
    const entry = writeError as { index?: unknown; code?: unknown; errmsg?: unknown; err?: { index?: unknown; code?: unknown; errmsg?: unknown } };
    const index = entry.index ?? entry.err?.index;
    if (typeof index !== 'number') return undefined;
    const code = entry.code ?? entry.err?.code;
    refused.set(index, Object.assign(new Error(String(entry.errmsg ?? entry.err?.errmsg ?? 'write refused')), { code }));
  }
  return refused;
}

/**
 * Group commit for independent inserts into one collection (and one tenant): the first caller
 * writes at once; callers arriving while that write is under way are written together in the next
 * one, as one unordered insertMany. Each caller's promise settles with its own document's fate
 * (a duplicate key refuses that document only), and only once it is stored. Under concurrency
 * this turns N round trips and N commits into about one, which on a single-writer database
 * (FerretDB/SQLite) is most of the cost of a small insert.
 */
export class GroupInsert<T> {
  private waiting: Waiting<T>[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly insertMany: (docs: T[]) => Promise<unknown>) {}

  insert(doc: T): Promise<void> {
    const stored = new Promise<void>((resolve, reject) => this.waiting.push({ doc, resolve, reject }));
    this.running ??= this.drain();
    return stored;
  }

  /** True while nothing is waiting or being written (the owner may drop this instance). */
  get idle(): boolean {
    return this.running === undefined && this.waiting.length === 0;
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting;
        this.waiting = [];
        await this.write(batch);
      }
    } finally {
      this.running = undefined;
    }
  }

  private async write(batch: readonly Waiting<T>[]): Promise<void> {
    try {
      await this.insertMany(batch.map((w) => w.doc));
      for (const w of batch) w.resolve();
    } catch (error) {
      const refused = batch.length === 1 ? (isDuplicateKeyError(error) ? new Map([[0, error]]) : undefined) : refusedByIndex(error);
      // Not a per-document refusal (the database is down…): every caller gets the error.
      if (!refused) return batch.forEach((w) => w.reject(error));
      batch.forEach((w, index) => (refused.has(index) ? w.reject(refused.get(index)) : w.resolve()));
    }
  }
}
