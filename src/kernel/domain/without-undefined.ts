/**
 * The same object without its undefined-valued keys, so that "not given" is an absent key (and a
 * change object's keys are exactly what it changes); null is kept, it means "clear".
 */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
