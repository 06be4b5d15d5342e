import type { AuditEvent } from '#src/kernel/audit/audit-event';
import { DomainError } from '#src/kernel/errors/domain-error';
import { assertBounds, decodeAuditCursor, encodeAuditCursor, isUnfiltered, parseActionMatch, parseAuditEventId, toAuditEventPage } from './audit-event-query';

const event = (seq: number): AuditEvent => ({ seq, id: `t1:${seq}` }) as unknown as AuditEvent;

function fieldsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return (error.options.errors ?? []).map((e) => e.field);
    throw error;
  }
  return [];
}

describe('audit event queries', () => {
  it('reads `x.*` as a prefix (keeping the dot) and anything else as an exact action', () => {
    expect(parseActionMatch('lead.*')).toEqual({ prefix: 'lead.' });
    expect(parseActionMatch('audit-event.*')).toEqual({ prefix: 'audit-event.' });
    expect(parseActionMatch('lead.update')).toEqual({ exact: 'lead.update' });
    expect(parseActionMatch('.*')).toEqual({ exact: '.*' });
  });

  it('knows an empty filter from one that narrows', () => {
    expect(isUnfiltered({})).toBe(true);
    expect(isUnfiltered({ actorId: undefined, action: undefined })).toBe(true);
    expect(isUnfiltered({ ip: '127.0.0.1' })).toBe(false);
  });

  it('refuses bounds that can match nothing, naming the field', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    expect(fieldsOf(() => assertBounds({ from: at, to: at }))).toEqual(['/to']);
    expect(fieldsOf(() => assertBounds({ from: at, to: new Date(at.getTime() + 1) }))).toEqual([]);
    expect(fieldsOf(() => assertBounds({}, { fromSeq: 5, toSeq: 4 }))).toEqual(['/toSeq']);
    expect(fieldsOf(() => assertBounds({}, { fromSeq: 5, toSeq: 5 }))).toEqual([]);
  });

  it('round-trips a cursor and refuses forged ones with a /cursor error', () => {
    expect(decodeAuditCursor(encodeAuditCursor(42))).toBe(42);
    const forged = (body: unknown) => Buffer.from(JSON.stringify(body)).toString('base64url');
    for (const bad of ['bm90IGpzb24', forged({ o: '-seq', s: 0 }), forged({ o: '-seq', s: 1.5 }), forged({ o: 'seq', s: 3 }), forged({ s: { $gt: 1 } }), forged(null)]) {
      expect(fieldsOf(() => decodeAuditCursor(bad))).toEqual(['/cursor']);
    }
  });

  it('pages limit+1 rows: a cursor at the last seq shown only when there is more', () => {
    const more = toAuditEventPage([event(9), event(8), event(7)], 2);
    expect(more.data.map((e) => e.seq)).toEqual([9, 8]);
    expect(decodeAuditCursor(more.nextCursor as string)).toBe(8);
    expect(toAuditEventPage([event(2), event(1)], 2).nextCursor).toBeNull();
    expect(toAuditEventPage([], 2)).toEqual({ data: [], nextCursor: null });
  });

  it('parses `<tenantId>:<seq>` ids and nothing else', () => {
    expect(parseAuditEventId('65f0a1b2c3d4e5f6a7b8c9d0:17')).toEqual({ stream: '65f0a1b2c3d4e5f6a7b8c9d0', seq: 17 });
    for (const bad of ['ffffffffffffffffffffffff', 't:0', 't:01', 't:-1', ':5', 't:5:6', 't:1e3', 'a b:1', 't:99999999999999999']) {
      expect(parseAuditEventId(bad)).toBeUndefined();
    }
  });
});
