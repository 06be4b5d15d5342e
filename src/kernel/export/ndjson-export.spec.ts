import { createServer, request as httpRequest, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NDJSON_CONTENT_TYPE, sendNdjsonExport, toNdjsonLine } from './ndjson-export';
import type { ExportOutcome } from './streamed-export';

/** A source that records what the export did to it. */
class Source implements AsyncIterable<Record<string, unknown>> {
  pulls = 0;
  returned = 0;
  constructor(
    private readonly count: number,
    private readonly failAt = -1,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<Record<string, unknown>> {
    return {
      next: async () => {
        const i = this.pulls++;
        if (i === this.failAt) throw new Error(`row ${i} failed`);
        return i < this.count ? { done: false, value: { seq: i + 1, text: `row ${i}\nline two`, pad: 'x'.repeat(2_000) } } : { done: true, value: undefined };
      },
      return: async () => {
        this.returned += 1;
        return { done: true, value: undefined };
      },
    };
  }
}

interface Served {
  readonly outcome: Promise<ExportOutcome>;
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  /** The response ended normally (not cut off). */
  readonly complete: boolean;
}

describe('sendNdjsonExport over a real socket', () => {
  let server: Server;
  let port: number;
  let handle: (res: ServerResponse) => Promise<ExportOutcome>;
  let outcome: Promise<ExportOutcome>;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      outcome = handle(res);
      outcome.catch((error: unknown) => {
        if (!res.headersSent) {
          res.statusCode = 500;
          res.end(`failed before the first byte: ${(error as Error).message}`);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function get(method = 'GET', stopAfterBytes = Number.POSITIVE_INFINITY): Promise<Served> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method, path: '/' }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let complete = false;
        const done = () => resolve({ outcome, status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), complete });
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= stopAfterBytes) {
            req.destroy();
            done();
          }
        });
        res.on('end', () => {
          complete = true;
          done();
        });
        res.on('aborted', done);
        res.on('error', done);
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('writes one JSON text per line, as a dated .ndjson attachment', async () => {
    const source = new Source(3);
    handle = (res) => sendNdjsonExport(res, source, { filenameStem: 'audit-events', now: new Date('2026-03-01T23:59:59Z') });
    const served = await get();
    expect(served.status).toBe(200);
    expect(served.headers['content-type']).toBe(NDJSON_CONTENT_TYPE);
    expect(served.headers['content-disposition']).toBe('attachment; filename="audit-events-2026-03-01.ndjson"');
    expect(served.headers['cache-control']).toBe('no-store');
    const lines = served.body.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => (JSON.parse(line) as { seq: number }).seq)).toEqual([1, 2, 3]);
    expect(await served.outcome).toEqual({ rows: 3, completed: true });
    expect(source.returned).toBe(0);
  });

  it('is an empty body when there are no rows', async () => {
    handle = (res) => sendNdjsonExport(res, new Source(0), { filenameStem: 'empty' });
    const served = await get();
    expect(served.status).toBe(200);
    expect(served.body).toBe('');
    expect(await served.outcome).toEqual({ rows: 0, completed: true });
  });

  it('answers HEAD with the headers only and closes the source after the first row', async () => {
    const source = new Source(10);
    handle = (res) => sendNdjsonExport(res, source, { filenameStem: 'head' });
    const served = await get('HEAD');
    expect(served.status).toBe(200);
    expect(served.headers['content-type']).toBe(NDJSON_CONTENT_TYPE);
    await served.outcome;
    expect(source.pulls).toBe(1);
    expect(source.returned).toBe(1);
  });

  it('rejects before sending anything when the first row fails, so the caller can answer an error', async () => {
    handle = (res) => sendNdjsonExport(res, new Source(5, 0), { filenameStem: 'first' });
    const served = await get();
    expect(served.status).toBe(500);
    expect(served.body).toBe('failed before the first byte: row 0 failed');
    await expect(served.outcome).rejects.toThrow('row 0 failed');
  });

  it('cuts the response off when a later row fails, and rejects with that error', async () => {
    handle = (res) => sendNdjsonExport(res, new Source(100, 50), { filenameStem: 'mid' });
    const served = await get();
    expect(served.status).toBe(200);
    expect(served.complete).toBe(false);
    await expect(served.outcome).rejects.toThrow('row 50 failed');
  });

  it('stops pulling and closes the source when the client leaves', async () => {
    const source = new Source(1_000_000);
    handle = (res) => sendNdjsonExport(res, source, { filenameStem: 'gone' });
    const served = await get('GET', 64 * 1024);
    const result = await served.outcome;
    expect(result.completed).toBe(false);
    expect(source.returned).toBe(1);
    // Bounded by what the socket buffers hold (a few MB on loopback), not by the source's million rows.
    expect(source.pulls).toBeLessThan(20_000);
  });

  it('keeps each row on one line and refuses a row with no JSON form', () => {
    expect(toNdjsonLine({ a: 'x\ny\u2028' })).toBe('{"a":"x\\ny\u2028"}\n');
    expect(() => toNdjsonLine(undefined)).toThrow('JSON form');
  });
});
