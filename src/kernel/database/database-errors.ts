// Driver and mongoose errors that mean "the database cannot be reached right now", as opposed
// to a bad query. They are answered 503 with Retry-After rather than 500.
const UNAVAILABLE_ERROR_NAMES = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  'MongoWaitQueueTimeoutError',
]);

export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (UNAVAILABLE_ERROR_NAMES.has(error.name)) return true;
  // With command buffering off, mongoose refuses operations on a connection that is down.
  return error.name === 'MongooseError' && /initial connection is complete|Connection was force closed|client was closed/i.test(error.message);
}

/** A unique index refused the write: someone else holds that key. Code 11000 is all FerretDB gives. */
export function isDuplicateKeyError(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 11000;
}
