import { trusted } from 'mongoose';

// Building blocks for a list filter's own conditions, spread into one object:
//   { ...NOT_DELETED, ...whereEquals('status', filter.status), ...whereBetween('createdAt', from, to, 'exclusive') }
// Each gives nothing when the filter leaves its value out. The caller's row scope is never merged
// into that object: it is ANDed beside it as a whole condition. The connection sanitizes filters
// (sanitizeFilter: an object with $-keys becomes an $eq operand), so operator conditions built
// here from validated values are marked trusted(); an equality stays a plain $eq.

type Condition = Record<string, unknown>;
type Bound = Date | number;

/** `text` taken literally inside a regular expression: every metacharacter escaped. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `path` equals `value`; `$eq` keeps a value from ever being read as an operator. */
export function whereEquals(path: string, value: string | number | Date | undefined): Condition {
  return value === undefined ? {} : { [path]: { $eq: value } };
}

/** `path` from `from` (inclusive) up to `to`, exclusive or inclusive as `upperBound` says; either side may be open. */
export function whereBetween(path: string, from: Bound | undefined, to: Bound | undefined, upperBound: 'exclusive' | 'inclusive'): Condition {
  if (from === undefined && to === undefined) return {};
  return {
    [path]: trusted({
      ...(from === undefined ? {} : { $gte: from }),
      ...(to === undefined ? {} : { [upperBound === 'inclusive' ? '$lte' : '$lt']: to }),
    }),
  };
}

/**
 * `path` starts with `prefix`, taken literally (never as a pattern). Anchored at the start, so an
 * index on `path` can serve it; `ignoreCase` gives that up, so comparing a folded key is preferable.
 */
export function whereStartsWith(path: string, prefix: string | undefined, options: { ignoreCase?: boolean } = {}): Condition {
  if (prefix === undefined) return {};
  return { [path]: trusted({ $regex: `^${escapeRegex(prefix)}`, ...(options.ignoreCase ? { $options: 'i' } : {}) }) };
}
