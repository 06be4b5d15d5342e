import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches, MaxLength } from 'class-validator';
import { DomainError } from '../errors/domain-error';
import { CURSOR_PATTERN, CURSOR_REGEX } from './field-patterns';
import { PageLimitQueryParam } from './list-query-params';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page } from './page';
import { ApiNextCursorProperty } from './response-properties';

export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE };
export type { Page };

// An id cursor is `{"after": <id>}` in base64url: far shorter than a keyset cursor.
const ID_CURSOR_MAX = 200;

/** `?limit=1..200&cursor=…` on the lists paged in id order. */
export class ListQueryDto {
  @PageLimitQueryParam()
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from a previous page (nextCursor).', maxLength: ID_CURSOR_MAX, pattern: CURSOR_PATTERN })
  @IsOptional()
  @MaxLength(ID_CURSOR_MAX)
  @Matches(CURSOR_REGEX)
  cursor?: string;
}

/** What a repository needs to read one page: resume after this id, at most `limit` items. */
export interface PageRequest {
  readonly afterId?: string;
  readonly limit: number;
}

export function toPageRequest(query: ListQueryDto): PageRequest {
  return { afterId: query.cursor === undefined ? undefined : decodeCursor(query.cursor), limit: query.limit ?? DEFAULT_PAGE_SIZE };
}

/** Builds a page from limit+1 rows read in id order: the extra row only says "there is more". */
export function toPage<T extends { id: string }>(rows: T[], request: PageRequest): Page<T> {
  const data = rows.slice(0, request.limit);
  const more = rows.length > request.limit;
  return { data, nextCursor: more && data.length > 0 ? encodeCursor(data[data.length - 1].id) : null };
}

function encodeCursor(id: string): string {
  return Buffer.from(JSON.stringify({ after: id }), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'string' && /^[0-9a-f]{24}$/.test(parsed.after)) return parsed.after;
  } catch {
    // falls through to the validation error below
  }
  throw new DomainError('validation_failed', 'The cursor is not valid.', { errors: [{ field: '/cursor', message: 'is not a cursor this API issued' }] });
}

export class PageMetaDto {
  @ApiNextCursorProperty(ID_CURSOR_MAX)
  nextCursor!: string | null;
}
