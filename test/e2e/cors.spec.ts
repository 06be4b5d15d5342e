// CORS_ORIGINS lists the browser origins that may call the API; nothing else gets an
// Access-Control-Allow-Origin. Preflights are answered before authentication, with the
// security headers, and leave nothing in the audit trail.
import { getModelToken } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { AuditRelay } from '#src/kernel/audit/audit-relay';
import { AuditWriter } from '#src/kernel/audit/audit-writer';
import { PLATFORM_STREAM, type AuditEvent } from '#src/kernel/audit/audit-event';
import { AuditEventRecord } from '#src/kernel/audit/audit-event.schema';
import { RequestContext } from '#src/kernel/context/request-context';
import { BASELINE_SECURITY_HEADERS } from '#src/kernel/http/security-headers';
import { startTestApp, TestApp } from '../utils/test-app';

const APP = 'https://app.partnerportal.example';
const DEV = 'http://localhost:5173';
const EXPOSED = 'ETag,X-Request-Id,RateLimit,RateLimit-Policy,RateLimit-Limit,RateLimit-Remaining,RateLimit-Reset,Retry-After,Content-Disposition,Location';

function vary(res: Response): string[] {
  return (res.headers.get('vary') ?? '').split(',').map((v) => v.trim().toLowerCase());
}

function corsHeaders(res: Response): Record<string, string> {
  return Object.fromEntries([...res.headers.entries()].filter(([name]) => name.startsWith('access-control-')));
}

describe('CORS', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ label: 'cors', env: { CORS_ORIGINS: `${APP},${DEV}` } });
  });
  afterAll(() => t.close());

  it('answers a listed origin with exactly that origin, the exposed headers, Vary: Origin and no credentials', async () => {
    for (const origin of [APP, DEV]) {
      const res = await fetch(`${t.baseUrl}/health/live`, { headers: { origin } });
      expect(res.status).toBe(200);
      expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': origin, 'access-control-expose-headers': EXPOSED });
      expect(vary(res)).toContain('origin');
    }
  });

  it('also on errors, so the browser lets the client read the problem', async () => {
    const res = await fetch(`${t.baseUrl}/v1/me`, { headers: { origin: APP } });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
  });

  it.each([
    ['another site', 'https://evil.example'],
    ['a look-alike', 'https://app.partnerportal.example.evil.example'],
    ['the right host over http', 'http://app.partnerportal.example'],
    ['the right host on another port', 'https://app.partnerportal.example:8443'],
    ['the null origin', 'null'],
  ])('never allows %s (no Access-Control-Allow-Origin, no echo)', async (_label, origin) => {
    const res = await fetch(`${t.baseUrl}/health/live`, { headers: { origin } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(JSON.stringify([...res.headers.entries()])).not.toContain(origin === 'null' ? '"null"' : origin);
    expect(vary(res)).toContain('origin');
  });

  it('answers a preflight without a token with 204, the allowed methods and headers, and the security headers', async () => {
    const res = await fetch(`${t.baseUrl}/v1/partners`, {
      method: 'OPTIONS',
      headers: { origin: APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,idempotency-key' },
    });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect(corsHeaders(res)).toEqual({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': 'GET,POST,PATCH,PUT,DELETE',
      'access-control-allow-headers': 'Authorization,Content-Type,If-Match,Idempotency-Key,X-Request-Id',
      'access-control-expose-headers': EXPOSED,
      'access-control-max-age': '600',
    });
    expect(vary(res)).toContain('origin');
    for (const [name, value] of Object.entries(BASELINE_SECURITY_HEADERS)) expect({ name, value: res.headers.get(name) }).toEqual({ name, value });
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('answers a preflight from an unlisted origin without any allowance', async () => {
    const res = await fetch(`${t.baseUrl}/v1/partners`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'DELETE', 'access-control-request-headers': 'authorization' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(vary(res)).toContain('origin');
  });

  it('records no preflight in the audit trail (no denial, no access event)', async () => {
    const before = await platformEvents();
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${t.baseUrl}/v1/audit-events`, { method: 'OPTIONS', headers: { origin: APP, 'access-control-request-method': 'GET' } });
      expect(res.status).toBe(204);
    }
    // A control: an unauthenticated GET on the same route is recorded as a denial.
    expect((await fetch(`${t.baseUrl}/v1/audit-events`, { headers: { origin: APP } })).status).toBe(401);
    const added = (await platformEvents()).filter((e) => !before.some((b) => b.hash === e.hash));
    expect(added.map((e) => [e.context.method, e.type])).toEqual([['GET', 'denial']]);
  });

  async function platformEvents(): Promise<AuditEvent[]> {
    await t.app.get(AuditWriter).flush();
    await t.app.get(AuditRelay).settled();
    const events = t.app.get<Model<AuditEventRecord>>(getModelToken(AuditEventRecord.name));
    return t.app.get(RequestContext).runInTenant(PLATFORM_STREAM, 'test:audit', async () => (await events.find({}).lean()) as unknown as AuditEvent[]);
  }
});
