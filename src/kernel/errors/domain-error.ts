import type { ErrorCode } from './error-catalogue';

/** One invalid field: `field` is a JSON Pointer into the request (e.g. `/contact/email`). */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

export interface DomainErrorOptions {
  readonly errors?: readonly FieldError[];
  /** Seconds a client should wait before retrying (503, 429). */
  readonly retryAfterSeconds?: number;
  /** Methods the route does accept (405). */
  readonly allow?: readonly string[];
  readonly cause?: unknown;
  /** Why, for the log only: never sent to the client (e.g. which token check failed). */
  readonly logReason?: string;
}

/**
 * The only error type use cases and domain code throw. It names a catalogue code and a
 * human-readable detail; the transport layer alone decides how it is answered.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly options: DomainErrorOptions = {},
  ) {
    super(detail, { cause: options.cause });
    this.name = 'DomainError';
  }
}
