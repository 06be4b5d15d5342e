import { startTestApp, TestApp } from '../utils/test-app';
import { ProbeModule } from '../support/probe.module';
import { UnmarkedModule } from '../support/unmarked.module';

const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';

describe('HTTP conventions: every error is problem+json with the request id', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ label: 'http-conventions', extraImports: [ProbeModule] });
  });
  afterAll(() => t.close());

  async function call(path: string, init: RequestInit = {}) {
    const res = await fetch(`${t.baseUrl}${path}`, init);
    const text = await res.text();
    const body = text ? JSON.parse(text) : undefined;
    return { res, body, text };
  }

  function expectProblem(
    r: { res: Response; body: Record<string, unknown> },
    status: number,
    code: string,
  ): void {
    expect(r.res.status).toBe(status);
    expect(r.res.headers.get('content-type')).toBe(PROBLEM_TYPE);
    expect(r.body).toMatchObject({ status, code, type: `https://partnerportal.dev/problems/${code.replaceAll('_', '-')}` });
    expect(typeof r.body.title).toBe('string');
    expect(typeof r.body.detail).toBe('string');
    expect(r.body.requestId).toBe(r.res.headers.get('x-request-id'));
    expect(JSON.stringify(r.body)).not.toMatch(/\bat .+\.(js|ts):\d+/); // no stack frames
  }

  it('answers an unknown route with 404 route_not_found', async () => {
    expectProblem(await call('/v1/no-such-thing'), 404, 'route_not_found');
  });

  it('answers a known route with the wrong method with 405 and Allow', async () => {
    const r = await call('/health/live', { method: 'DELETE' });
    expectProblem(r, 405, 'method_not_allowed');
    expect(r.res.headers.get('allow')).toBe('GET, HEAD');
    // Also under /v1, where per-route middleware is mounted for every method.
    const probe = await call('/v1/probe/echo', { method: 'DELETE' });
    expectProblem(probe, 405, 'method_not_allowed');
    expect(probe.res.headers.get('allow')).toBe('POST');
  });

  it('answers malformed JSON with 400 malformed_json', async () => {
    const r = await call('/v1/probe/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"title": "x",',
    });
    expectProblem(r, 400, 'malformed_json');
  });

  it('answers a body over 100 kB with 413 payload_too_large', async () => {
    const r = await call('/v1/probe/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'x'.repeat(101 * 1024) }),
    });
    expectProblem(r, 413, 'payload_too_large');
  });

  it('answers a non-JSON body with 415 unsupported_media_type', async () => {
    const r = await call('/v1/probe/echo', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expectProblem(r, 415, 'unsupported_media_type');
  });

  it('answers invalid fields with 400 and a JSON Pointer per field, nested ones included', async () => {
    const r = await call('/v1/probe/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'x'.repeat(30), valueMinor: 1.5, contact: { name: 'A', email: 'nope' }, extra: 1 }),
    });
    expectProblem(r, 400, 'validation_failed');
    const fields = (r.body.errors as { field: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(expect.arrayContaining(['/title', '/valueMinor', '/contact/email', '/extra']));
    expect(fields).not.toContain('/contact/name');
  });

  it('accepts a valid body and answers the transformed DTO', async () => {
    const body = { title: 'Deal', valueMinor: 1200, contact: { name: 'Ada', email: 'ada@example.com' } };
    const r = await call('/v1/probe/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(r.res.status).toBe(201);
    expect(r.body).toEqual(body);
  });

  it('refuses operator-shaped values where a string is expected', async () => {
    const r = await call('/v1/probe/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: { $ne: null }, valueMinor: 1, contact: { name: 'A', email: 'a@b.co' } }),
    });
    expectProblem(r, 400, 'validation_failed');
    // Refused as parsed, before the DTO: the operator key itself is named.
    expect(r.body.errors).toEqual([{ field: '/title/$ne', message: 'field name must not start with $' }]);
  });

  it('answers an unexpected error with a 500 that carries only the request id, and logs the detail', async () => {
    const r = await call('/v1/probe/boom', { headers: { 'x-request-id': 'boom-1' } });
    expectProblem(r, 500, 'internal_error');
    expect(r.body.requestId).toBe('boom-1');
    expect(r.text).not.toContain('hunter2');
    expect(r.text).not.toContain('mongodb://');
    const logged = t.logs.find((l) => l.requestId === 'boom-1' && l.msg === 'unhandled error');
    expect(JSON.stringify(logged)).toContain('hunter2');
  });

  it('refuses unknown query parameters, tenantId included, and accepts declared ones', async () => {
    expectProblem(await call('/health/live?tenantId=abc'), 400, 'unknown_query_parameter');
    expectProblem(await call('/v1/probe/query?name=a&other=b'), 400, 'unknown_query_parameter');
    const ok = await call('/v1/probe/query?name=a');
    expect(ok.res.status).toBe(200);
    expect(ok.body).toEqual({ name: 'a' });
  });

  describe('X-Request-Id', () => {
    it('echoes a sane caller id', async () => {
      const r = await call('/health/live', { headers: { 'x-request-id': 'abc-123_x.y:z' } });
      expect(r.res.headers.get('x-request-id')).toBe('abc-123_x.y:z');
    });

    it.each([['has spaces in it'], ['x'.repeat(129)], ['<script>alert(1)</script>'], ['a;b=c']])(
      'replaces an insane caller id (%#) with a fresh UUID',
      async (sent) => {
        const r = await call('/health/live', { headers: { 'x-request-id': sent } });
        expect(r.res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      },
    );

    it('is generated when absent and present on errors too', async () => {
      const r = await call('/v1/nope');
      expect(r.res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.body.requestId).toBe(r.res.headers.get('x-request-id'));
    });
  });

  describe('logging', () => {
    it('writes JSON access lines with the request id and redacts credentials', async () => {
      await call('/health/live', {
        headers: { authorization: 'Bearer eyJ.super-secret-token.sig', cookie: 'sid=secret-cookie', 'x-request-id': 'log-1' },
      });
      const line = t.logs.find((l) => (l.req as { id?: string } | undefined)?.id === 'log-1');
      expect(line).toBeDefined();
      expect(line?.res).toMatchObject({ statusCode: 200 });
      const all = JSON.stringify(t.logs);
      expect(all).not.toContain('super-secret-token');
      expect(all).not.toContain('secret-cookie');
      expect(all).toContain('[REDACTED]');
    });

    it('logs refused bodies too', async () => {
      await call('/v1/probe/echo', { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'log-2' }, body: '{' });
      const line = t.logs.find((l) => (l.req as { id?: string } | undefined)?.id === 'log-2');
      expect(line?.res).toMatchObject({ statusCode: 400 });
    });
  });

  describe('health and docs', () => {
    it('reports live and ready', async () => {
      expect((await call('/health/live')).body).toEqual({ status: 'ok' });
      expect((await call('/health/ready')).body).toEqual({ status: 'ok', checks: { database: 'up' } });
    });

    it('serves the OpenAPI document and Swagger UI', async () => {
      const spec = await call('/openapi.json');
      expect(spec.res.status).toBe(200);
      expect(spec.body.openapi).toMatch(/^3\./);
      expect(Object.keys(spec.body.paths)).toEqual(expect.arrayContaining(['/health/live', '/health/ready', '/version']));
      const ui = await fetch(`${t.baseUrl}/docs`);
      expect(ui.status).toBe(200);
      expect(await ui.text()).toContain('swagger-ui');
    });
  });
});

describe('deny by default', () => {
  it('refuses a route that carries no access marker, even with no token at all', async () => {
    const t = await startTestApp({ label: 'unmarked', extraImports: [UnmarkedModule] });
    try {
      const res = await fetch(`${t.baseUrl}/v1/unmarked`);
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ code: 'route_not_marked' });
    } finally {
      await t.close();
    }
  });
});
