// What every list answers, free of framework imports so that domain code may build pages too.

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export interface Page<T> {
  readonly data: T[];
  readonly nextCursor: string | null;
}
