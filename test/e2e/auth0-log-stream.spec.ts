// Auth0 Log Streams → the audit trail, over real HTTP against the real database: the shared
// secret and nothing else opens the route, sign-ins land in the stream of the tenant their
// organization names (or the platform stream), and redelivery records nothing twice.
import { getModelToken } from '@nestjs/mongoose';
import { randomBytes } from 'node:crypto';
import type { Model } from 'mongoose';
import { AuditEvent, GENESIS_HASH, hashAuditEvent, PLATFORM_STREAM } from '#src/kernel/audit/audit-event';
import { AuditEventRecord } from '#src/kernel/audit/audit-event.schema';
import { AuditRelay } from '#src/kernel/audit/audit-relay';
import { AuditWriter } from '#src/kernel/audit/audit-writer';
import { RequestContext } from '#src/kernel/context/request-context';
import { aTenant, TenantFixture } from '../factories/tenants';
import { registeredRoutes } from '../utils/routes';
import { startTestApp, TestApp } from '../utils/test-app';

const ROUTE = '/v1/integrations/auth0/log-stream';
const SECRET = `ls_${randomBytes(24).toString('hex')}`;
const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';

interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

let seq = 0;
const logId = (): string => `9002026${process.pid}${String(++seq).padStart(8, '0')}${randomBytes(4).toString('hex')}`;

/** An event as an Auth0 Custom Webhook stream sends it. */
function anEvent(type: string, data: Record<string, unknown> = {}): Record<string, unknown> {
  const id = logId();
  return {
    log_id: id,
    data: {
      date: '2026-05-04T08:09:10.123Z',
      type,
      description: type === 's' ? 'Successful login' : 'Wrong email or password.',
      client_id: 'aI61p8I8aFjmYRliLWgvM9ev97kCCNDB',
      ip: '203.0.113.7',
      user_agent: 'Chrome 120.0.0 / Mac OS X 10.15.7',
      user_id: 'auth0|6182002f34f4dd006b05b5c7',
      hostname: 'partnerportal.eu.auth0.com',
      log_id: id,
      ...data,
    },
  };
}

const jsonLines = (events: readonly unknown[]): string => events.map((e) => JSON.stringify(e)).join('\n');

describe('Auth0 Log Streams ingestion', () => {
  let t: TestApp;
  let acme: TenantFixture;
  let globex: TenantFixture;

  beforeAll(async () => {
    t = await startTestApp({ label: 'auth0_log_stream', env: { AUTH0_LOG_STREAM_TOKEN: SECRET } });
    [acme, globex] = await Promise.all([aTenant(t, { name: 'Acme' }), aTenant(t, { name: 'Globex' })]);
  });
  afterAll(() => t.close());

  /** authorization null: no Authorization header at all. */
  async function post(body: string, authorization: string | null = `Bearer ${SECRET}`, contentType = 'application/json'): Promise<Reply> {
    const headers: Record<string, string> = { 'content-type': contentType };
    if (authorization !== null) headers.authorization = authorization;
    const res = await fetch(`${t.baseUrl}${ROUTE}`, { method: 'POST', headers, body });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  async function events(stream: string): Promise<AuditEvent[]> {
    await t.app.get(AuditWriter).flush();
    await t.app.get(AuditRelay).settled();
    const model = t.app.get<Model<AuditEventRecord>>(getModelToken(AuditEventRecord.name));
    return t.app.get(RequestContext).runInTenant(stream, 'test:audit', async () => {
      const docs = await model.find({}).lean();
      return docs.map(({ _id, ...event }) => event as unknown as AuditEvent).sort((a, b) => a.seq - b.seq);
    });
  }

  const signins = async (stream: string): Promise<AuditEvent[]> => (await events(stream)).filter((e) => e.type === 'signin');
  const bySource = (list: readonly AuditEvent[], event: Record<string, unknown>): AuditEvent | undefined =>
    list.find((e) => e.source === `auth0:${event.log_id as string}`);

  function expectProblem(reply: Reply, status: number, code: string): void {
    expect(reply.status).toBe(status);
    expect(reply.headers.get('content-type')).toBe(PROBLEM_TYPE);
    expect(reply.body).toMatchObject({ status, code, requestId: reply.headers.get('x-request-id') });
  }

  it('records JSON lines in the stream of the tenant the organization names, and unknown or missing organizations in the platform stream', async () => {
    const success = anEvent('s', { organization_id: acme.tenant.orgId, organization_name: 'acme' });
    const wrongPassword = anEvent('fp', { organization_id: acme.tenant.orgId, user_id: 'auth0|someone-else' });
    const globexFailure = anEvent('f', { organization_id: globex.tenant.orgId });
    const strangerOrg = anEvent('fu', { organization_id: 'org_nobody_knows', user_id: '' });
    const noOrg = anEvent('s');
    const [acmeBefore, globexBefore, platformBefore] = await Promise.all([signins(acme.tenant.id), signins(globex.tenant.id), signins(PLATFORM_STREAM)]);

    const reply = await post(jsonLines([success, wrongPassword, globexFailure, strangerOrg, noOrg]));

    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ received: 5, recorded: 5, duplicates: 0, skipped: 0, rejected: 0, platform: 2, errors: [] });
    const [acmeAfter, globexAfter, platformAfter] = await Promise.all([signins(acme.tenant.id), signins(globex.tenant.id), signins(PLATFORM_STREAM)]);
    expect(acmeAfter).toHaveLength(acmeBefore.length + 2);
    expect(globexAfter).toHaveLength(globexBefore.length + 1);
    expect(platformAfter).toHaveLength(platformBefore.length + 2);

    expect(bySource(acmeAfter, success)).toMatchObject({
      tenantId: acme.tenant.id,
      time: '2026-05-04T08:09:10.123Z',
      type: 'signin',
      action: 'auth.login.success',
      actor: { type: 'user', id: 'auth0|6182002f34f4dd006b05b5c7' },
      target: null,
      context: { ip: '203.0.113.7', userAgent: 'Chrome 120.0.0 / Mac OS X 10.15.7' },
      outcome: { result: 'success' },
      data: { logType: 's', raw: JSON.stringify(success) },
    });
    expect(bySource(acmeAfter, wrongPassword)).toMatchObject({
      action: 'auth.login.failure',
      actor: { type: 'user', id: 'auth0|someone-else' },
      outcome: { result: 'denied', reason: 'fp: Wrong email or password.' },
      data: { logType: 'fp' },
    });
    expect(bySource(globexAfter, globexFailure)).toMatchObject({ action: 'auth.login.failure', outcome: { result: 'denied', reason: 'f: Wrong email or password.' } });
    expect(bySource(platformAfter, strangerOrg)).toMatchObject({ action: 'auth.login.failure', actor: { type: 'anonymous', id: null }, data: { logType: 'fu' } });
    expect(bySource(platformAfter, noOrg)).toMatchObject({ action: 'auth.login.success', tenantId: PLATFORM_STREAM });
    // Nothing leaks across tenants.
    expect(bySource(acmeAfter, globexFailure)).toBeUndefined();
    expect(bySource(globexAfter, success)).toBeUndefined();
  });

  it('records a JSON array too, with the raw secret or Bearer, flat events and org_id included', async () => {
    const nested = anEvent('fcoa', { organization_id: acme.tenant.orgId });
    const flat = { log_id: logId(), date: '2026-05-04T09:00:00Z', type: 's', org_id: acme.tenant.orgId, user_id: 'auth0|flat', ip: '198.51.100.1' };
    const before = await signins(acme.tenant.id);

    const reply = await post(JSON.stringify([nested, flat]), SECRET);

    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ received: 2, recorded: 2, platform: 0 });
    const after = await signins(acme.tenant.id);
    expect(after).toHaveLength(before.length + 2);
    expect(bySource(after, nested)).toMatchObject({ action: 'auth.login.failure', data: { logType: 'fcoa' } });
    expect(bySource(after, flat)).toMatchObject({ action: 'auth.login.success', time: '2026-05-04T09:00:00.000Z', actor: { id: 'auth0|flat' }, context: { ip: '198.51.100.1' } });
  });

  it('stores each raw event as a string, intact, whatever its keys', async () => {
    const odd = anEvent('fp', { organization_id: acme.tenant.orgId, details: { 'dotted.key': 1, $dollar: { 'a.b': [1, 'x'] }, unicode: 'Zoë ✓' } });
    expect((await post(JSON.stringify([odd]))).status).toBe(200);
    const stored = bySource(await signins(acme.tenant.id), odd);
    expect(typeof stored?.data?.raw).toBe('string');
    expect(JSON.parse(stored?.data?.raw as string)).toEqual(odd);
  });

  it('records nothing twice when Auth0 redelivers a batch (exact counts)', async () => {
    const batch = [anEvent('s', { organization_id: globex.tenant.orgId }), anEvent('fp', { organization_id: globex.tenant.orgId }), anEvent('f', { organization_id: 'org_unknown_again' })];
    const [globexBefore, platformBefore] = await Promise.all([signins(globex.tenant.id), signins(PLATFORM_STREAM)]);

    const first = await post(jsonLines(batch));
    const again = await post(jsonLines(batch));
    const asArray = await post(JSON.stringify(batch));

    expect(first.body).toMatchObject({ received: 3, recorded: 3, duplicates: 0, platform: 1 });
    expect(again.body).toMatchObject({ received: 3, recorded: 0, duplicates: 3, platform: 1 });
    expect(asArray.body).toMatchObject({ received: 3, recorded: 0, duplicates: 3 });
    const [globexAfter, platformAfter] = await Promise.all([signins(globex.tenant.id), signins(PLATFORM_STREAM)]);
    expect(globexAfter).toHaveLength(globexBefore.length + 2);
    expect(platformAfter).toHaveLength(platformBefore.length + 1);
  });

  it('records the same event once when two deliveries race', async () => {
    const batch = jsonLines([anEvent('s', { organization_id: acme.tenant.orgId }), anEvent('fu', { organization_id: acme.tenant.orgId })]);
    const before = await signins(acme.tenant.id);
    const replies = await Promise.all([post(batch), post(batch), post(batch)]);
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(replies.reduce((sum, r) => sum + (r.body.recorded as number), 0)).toBe(2);
    expect(await signins(acme.tenant.id)).toHaveLength(before.length + 2);
  });

  it('keeps every chain intact', async () => {
    for (const stream of [acme.tenant.id, globex.tenant.id, PLATFORM_STREAM]) {
      const list = await events(stream);
      list.forEach((event, i) => {
        expect(event.seq).toBe(i + 1);
        expect(hashAuditEvent(event)).toBe(event.hash);
        expect(event.prevHash).toBe(i === 0 ? GENESIS_HASH : list[i - 1].hash);
      });
    }
  });

  it('records the good items of a partly bad batch, reports the bad ones and skips types it does not keep', async () => {
    const good = anEvent('fp', { organization_id: acme.tenant.orgId });
    const otherFailure = anEvent('fs', { organization_id: acme.tenant.orgId });
    const tokenExchange = anEvent('seacft', { organization_id: acme.tenant.orgId });
    const before = await signins(acme.tenant.id);
    const body = [JSON.stringify(good), '{not json', JSON.stringify({ data: { type: 's' } }), '"just a string"', JSON.stringify(otherFailure), JSON.stringify(tokenExchange)].join('\n');

    const reply = await post(body);

    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      received: 6,
      recorded: 2,
      duplicates: 0,
      skipped: 1,
      rejected: 3,
      platform: 0,
      errors: [
        { index: 1, reason: 'is not valid JSON' },
        { index: 2, reason: 'log_id is missing or not 1 to 256 visible characters' },
        { index: 3, reason: 'is not a JSON object' },
      ],
    });
    const after = await signins(acme.tenant.id);
    expect(after).toHaveLength(before.length + 2);
    expect(bySource(after, otherFailure)).toMatchObject({ action: 'auth0.fs', outcome: { result: 'denied' } });
    expect(bySource(after, tokenExchange)).toBeUndefined();
  });

  it('takes bodies over the app-wide 100 kB limit, and answers 413 above 1 MB', async () => {
    const padding = 'x'.repeat(2_000);
    const big = Array.from({ length: 100 }, () => anEvent('s', { organization_id: acme.tenant.orgId, padding }));
    const accepted = await post(jsonLines(big));
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ received: 100, recorded: 100 });

    const before = await signins(PLATFORM_STREAM);
    const tooBig = Array.from({ length: 600 }, () => anEvent('s', { padding }));
    expectProblem(await post(jsonLines(tooBig)), 413, 'payload_too_large');
    expect(await signins(PLATFORM_STREAM)).toHaveLength(before.length);
  });

  it('answers 400 for a body with nothing readable, and 415 for a non-JSON content type', async () => {
    expectProblem(await post('this is not json'), 400, 'malformed_json');
    expectProblem(await post('[{"log_id": "1",'), 400, 'malformed_json');
    expectProblem(await post(''), 400, 'malformed_json');
    expectProblem(await post('42'), 400, 'validation_failed');
    expectProblem(await post(jsonLines([anEvent('s')]), `Bearer ${SECRET}`, 'text/plain'), 415, 'unsupported_media_type');
    expect((await post(jsonLines([anEvent('s')]), `Bearer ${SECRET}`, 'application/x-ndjson')).status).toBe(200);
  });

  it('refuses a wrong, missing or differently long secret, and any user token, with 401 and records nothing', async () => {
    const event = anEvent('s', { organization_id: acme.tenant.orgId });
    const sameLength = SECRET.slice(0, -1) + (SECRET.endsWith('a') ? 'b' : 'a');
    const adminToken = await acme.adminToken();
    const attempts: (string | null)[] = [null, '', `Bearer ${sameLength}`, sameLength, `Bearer ${SECRET}x`, 'short', `Basic ${SECRET}`, `Bearer ${adminToken}`, adminToken];
    const before = await signins(acme.tenant.id);

    for (const authorization of attempts) {
      const reply = await post(jsonLines([event]), authorization);
      expectProblem(reply, 401, 'unauthenticated');
      expect(reply.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    }

    // Without the secret, the body is never read: a body over every limit is still a plain 401.
    const huge = jsonLines(Array.from({ length: 600 }, () => anEvent('s', { padding: 'x'.repeat(2_000) })));
    for (const authorization of [null, `Bearer ${sameLength}`]) expectProblem(await post(huge, authorization), 401, 'unauthenticated');

    expect(await signins(acme.tenant.id)).toHaveLength(before.length);
    // The refusals are in the trail (platform stream), the secret is not.
    const platform = await events(PLATFORM_STREAM);
    const refusals = platform.filter((e) => e.type === 'denial' && e.context.route === ROUTE);
    expect(refusals.map((e) => e.outcome.reason ?? '')).toEqual(expect.arrayContaining([expect.stringContaining('missing_secret'), expect.stringContaining('wrong_secret')]));
    expect(JSON.stringify(platform)).not.toContain(SECRET);
  });

  it('names the integration as the caller in the access record of a delivery', async () => {
    await post(jsonLines([anEvent('s', { organization_id: acme.tenant.orgId })]));
    const access = (await events(PLATFORM_STREAM)).filter((e) => e.type === 'access' && e.context.route === ROUTE);
    expect(access.at(-1)).toMatchObject({ actor: { type: 'system', id: 'integration:auth0-log-stream' }, outcome: { result: 'success', status: 200 } });
  });

  it('carries the machine-secret marker in the route walk', () => {
    expect(registeredRoutes(t.app).filter((r) => r.path === ROUTE)).toEqual([
      expect.objectContaining({ method: 'POST', access: { kind: 'machine-secret', name: 'auth0-log-stream' } }),
    ]);
  });
});

describe('Auth0 Log Streams ingestion without AUTH0_LOG_STREAM_TOKEN', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ label: 'auth0_log_stream_off' });
  });
  afterAll(() => t.close());

  it('answers 404 route_not_found, exactly like an unknown route, whatever the Authorization', async () => {
    const send = (path: string, authorization?: string) =>
      fetch(`${t.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify([anEvent('s')]),
      });
    const unknown = await send('/v1/integrations/auth0/no-such-stream');
    const unknownBody = (await unknown.json()) as Record<string, unknown>;
    for (const authorization of [undefined, `Bearer ${SECRET}`, 'anything']) {
      const res = await send(ROUTE, authorization);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe(unknown.headers.get('content-type'));
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toEqual({ ...unknownBody, detail: `There is no route POST ${ROUTE}.`, requestId: res.headers.get('x-request-id') });
    }
  });
});
