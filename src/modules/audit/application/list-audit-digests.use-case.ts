import { Injectable } from '@nestjs/common';
import type { AuditDigest } from '#src/kernel/audit/audit-signing';
import { DEFAULT_PAGE_SIZE } from '#src/kernel/http/pagination';
import { decodeAuditCursor, encodeAuditCursor } from '../domain/audit-event-query';
import { AuditIntegrityReader } from '../domain/audit-integrity.reader';
import { AuditAccess } from './audit-access';

export interface AuditDigestPage {
  readonly data: readonly AuditDigest[];
  readonly nextCursor: string | null;
}

/** The caller's stream's signed digests, newest first, keyset-paged on digestSeq (the events' cursor form). */
@Injectable()
export class ListAuditDigests {
  constructor(
    private readonly reader: AuditIntegrityReader,
    private readonly access: AuditAccess,
  ) {}

  async execute(cursor: string | undefined, limit = DEFAULT_PAGE_SIZE): Promise<AuditDigestPage> {
    this.access.require('audit:read');
    const before = cursor === undefined ? undefined : decodeAuditCursor(cursor);
    const rows = await this.reader.digestsNewestFirst(before, limit + 1);
    const data = rows.slice(0, limit);
    const last = data.at(-1);
    return { data, nextCursor: rows.length > limit && last ? encodeAuditCursor(last.digestSeq) : null };
  }
}
