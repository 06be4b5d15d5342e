import { DomainError } from '../errors/domain-error';

/** A resource's ETag is its revision, quoted (a strong validator). */
export function etagOf(revision: number): string {
  return `"${revision}"`;
}

/**
 * The revision an If-Match header names; undefined when the header is absent (allowed: the
 * write then applies to whatever is current). `*` matches any revision.
 */
export function ifMatchRevision(header: string | undefined): number | '*' | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return '*';
  const match = /^(?:W\/)?"(\d{1,15})"$/.exec(value);
  if (!match) throw new DomainError('precondition_failed', 'If-Match must be an ETag this API issued, e.g. "3".');
  return Number(match[1]);
}

/** Throws 412 when the caller's If-Match does not name the current revision. */
export function assertIfMatch(expected: number | '*' | undefined, current: number): void {
  if (expected === undefined || expected === '*' || expected === current) return;
  throw new DomainError('precondition_failed', `The resource is at ETag ${etagOf(current)}; re-read it and retry.`);
}

export function preconditionFailed(): DomainError {
  return new DomainError('precondition_failed', 'Another change was applied first; re-read the resource and retry.');
}
