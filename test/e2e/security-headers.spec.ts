// Every answer the API gives carries the same security headers, whichever layer wrote it: a
// handler, the body parser, the router (404, 405), the exception filter (500) or Node's HTTP
// parser (431, written raw before Express sees the request).
import { BASELINE_SECURITY_HEADERS, DOCS_CONTENT_SECURITY_POLICY } from '#src/kernel/http/security-headers';
import { aTenant, TenantFixture } from '../factories/tenants';
import { ProbeModule } from '../support/probe.module';
import { startTestApp, TestApp } from '../utils/test-app';

const EXPECTED = Object.entries(BASELINE_SECURITY_HEADERS).map(([name, value]) => [name.toLowerCase(), value] as const);
/** helmet's other defaults, switched off, and anything that would name the server's software. */
const ABSENT = ['x-powered-by', 'server', 'x-xss-protection', 'origin-agent-cluster', 'x-dns-prefetch-control', 'x-download-options', 'cross-origin-embedder-policy'];

function expectSecurityHeaders(res: Response, csp = BASELINE_SECURITY_HEADERS['Content-Security-Policy']): void {
  const seen = Object.fromEntries(EXPECTED.map(([name]) => [name, res.headers.get(name)]));
  expect(seen).toEqual(Object.fromEntries(EXPECTED.map(([name, value]) => [name, name === 'content-security-policy' ? csp : value])));
  for (const name of ABSENT) expect({ [name]: res.headers.get(name) }).toEqual({ [name]: null });
  for (const name of res.headers.keys()) expect(name).not.toMatch(/^access-control-/); // no CORS_ORIGINS: no CORS at all
  const type = res.headers.get('content-type');
  if (type !== null && /json/.test(type)) expect(type).toMatch(/^application\/(problem\+)?json; charset=utf-8$/);
}

describe('security headers on every response', () => {
  let t: TestApp;
  let acme: TenantFixture;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ label: 'security_headers', extraImports: [ProbeModule] });
    acme = await aTenant(t, { name: 'Acme' });
    admin = await acme.adminToken();
  });
  afterAll(() => t.close());

  async function call(method: string, path: string, init: { token?: string; body?: string; type?: string; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { origin: 'https://evil.example', ...init.headers };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    if (init.body !== undefined) headers['content-type'] = init.type ?? 'application/json';
    const res = await fetch(`${t.baseUrl}${path}`, { method, headers, body: init.body });
    await res.arrayBuffer();
    return res;
  }

  const partner = JSON.stringify({ name: 'North', status: 'active' });

  it.each<[string, number, () => Promise<Response>]>([
    ['a read (200)', 200, () => call('GET', '/v1/me', { token: admin })],
    ['a create (201)', 201, () => call('POST', '/v1/partners', { token: admin, body: partner })],
    ['a delete (204)', 204, async () => {
      const created = await fetch(`${t.baseUrl}/v1/partners`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: partner });
      const { id } = (await created.json()) as { id: string };
      return call('DELETE', `/v1/partners/${id}`, { token: admin });
    }],
    ['invalid fields (400)', 400, () => call('POST', '/v1/probe/echo', { body: JSON.stringify({ title: 1 }) })],
    ['malformed JSON from the body parser (400)', 400, () => call('POST', '/v1/probe/echo', { body: '{"title":' })],
    ['no token (401)', 401, () => call('GET', '/v1/me')],
    ['an unknown organization (403)', 403, async () => call('GET', '/v1/me', { token: await t.issuer.mint({ sub: 'auth0|nobody', orgId: 'org_unknown' }) })],
    ['an unknown route (404)', 404, () => call('GET', '/v1/no-such-route')],
    ['a wrong method (405)', 405, () => call('DELETE', '/health/live')],
    ['an oversize body (413)', 413, () => call('POST', '/v1/probe/echo', { body: JSON.stringify({ title: 'x'.repeat(101 * 1024) }) })],
    ['a non-JSON body (415)', 415, () => call('POST', '/v1/probe/echo', { body: 'hello', type: 'text/plain' })],
    ['headers over the server limit (431, written raw)', 431, () => call('GET', '/v1/me', { headers: { 'x-filler': 'a'.repeat(20 * 1024) } })],
    ['an unexpected error (500)', 500, () => call('GET', '/v1/probe/boom')],
    ['liveness (200)', 200, () => call('GET', '/health/live')],
    ['readiness (200)', 200, () => call('GET', '/health/ready')],
    ['the version (200)', 200, () => call('GET', '/version')],
    ['the OpenAPI document (200)', 200, () => call('GET', '/openapi.json')],
    ['an OPTIONS request without CORS configured', 405, () => call('OPTIONS', '/v1/me', { headers: { 'access-control-request-method': 'GET' } })],
  ])('%s', async (_label, status, send) => {
    const res = await send();
    expect(res.status).toBe(status);
    expectSecurityHeaders(res);
  });

  it('relaxes the Content-Security-Policy for the Swagger UI only, just enough for it to load', async () => {
    for (const path of ['/docs', '/docs/swagger-ui-init.js', '/docs/swagger-ui.css']) {
      const res = await call('GET', path);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expectSecurityHeaders(res, DOCS_CONTENT_SECURITY_POLICY);
    }
    const html = await (await fetch(`${t.baseUrl}/docs`)).text();
    // Everything the page loads comes from this origin (script-src 'self'; no inline script).
    for (const [, src] of html.matchAll(/<script[^>]*src=['"]([^'"]+)['"]/g)) expect(src).not.toMatch(/^(https?:)?\/\//);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    // The API's own CSP is not loosened by it.
    expect((await call('GET', '/docsx')).headers.get('content-security-policy')).toBe(BASELINE_SECURITY_HEADERS['Content-Security-Policy']);
  });
});
