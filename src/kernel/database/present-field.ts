/**
 * `{ [key]: doc[key] }` when the stored document has a value there, else nothing: an optional
 * field that is missing (or null) in the database stays absent in the domain object.
 */
export function presentField<D extends object, K extends keyof D>(doc: D, key: K): Partial<Pick<D, K>> {
  return doc[key] === undefined || doc[key] === null ? {} : ({ [key]: doc[key] } as Pick<D, K>);
}
