// Rate limits shared by several instances through Redis (REDIS_URL): two built API processes
// (node dist/main.js) on one redis-server hold one limit between them; when Redis dies, both keep
// serving with per-process limits and each says so once in its log.
import { DevIssuer } from '../../tools/dev-issuer/dev-issuer.ts';
import { BuiltApi, runBuiltCli, startBuiltApi } from '../utils/built-api';
import { testDatabaseUri } from '../utils/database';
import { inSequence, RawReply, requestFrom } from '../utils/http-from';
import { RedisServer, startRedisServer } from '../utils/redis-server';

const ORG = 'org_rate_limits_redis';
const ADMIN = 'auth0|rl-redis-admin';

interface LogLine {
  readonly level: string;
  readonly msg: string;
}

describe('rate limits shared through Redis by two API processes (built app)', () => {
  const uri = testDatabaseUri('rate_limits_redis');
  let redis: RedisServer;
  let issuer: DevIssuer;
  let issuerServer: Awaited<ReturnType<DevIssuer['serve']>>;
  let token: string;
  const apis: BuiltApi[] = [];
  const logs: LogLine[][] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    issuer = await DevIssuer.ephemeral();
    issuerServer = await issuer.serve(0);
    const env = {
      NODE_ENV: 'test',
      MONGODB_URI: uri,
      AUTH_ISSUER_URL: issuerServer.url,
      REDIS_URL: redis.url,
      RATE_LIMIT_IP: '6',
      RATE_LIMIT_USER: '10',
      RATE_LIMIT_TENANT: '1000',
    };
    await runBuiltCli(['tenants:create', '--name', 'Redis Co', '--org-id', ORG, '--admin-sub', ADMIN], { ...env, OPERATOR_NAME: 'rate-limit-test' });
    token = await issuer.mint({ sub: ADMIN, orgId: ORG, amr: ['mfa'] });
    for (let i = 0; i < 2; i++) {
      const api = await startBuiltApi(env);
      const lines: LogLine[] = [];
      let partial = '';
      api.child.stdout?.on('data', (d: Buffer) => {
        const text = partial + d.toString();
        const parts = text.split('\n');
        partial = parts.pop() ?? '';
        for (const line of parts) if (line.startsWith('{')) lines.push(JSON.parse(line) as LogLine);
      });
      apis.push(api);
      logs.push(lines);
    }
  });

  afterAll(async () => {
    await Promise.all(apis.map((api) => api.stop()));
    await issuerServer?.close();
    await redis?.stop();
  });

  const statuses = (replies: RawReply[]): number[] => replies.map((r) => r.status);
  /** The i-th request goes to instance i % 2. */
  const alternate = (from: string, count: number, path: string, headers: Record<string, string> = {}): Promise<RawReply[]> =>
    inSequence(count, (i) => requestFrom(from, `${apis[i % 2].baseUrl}${path}`, { headers }));
  const outageErrors = (lines: LogLine[]): LogLine[] => lines.filter((l) => l.level === 'error' && l.msg.includes('Redis'));

  it('holds the per-user limit across both instances: exactly 10 of 16 requests served', async () => {
    const replies = await alternate('127.0.0.31', 16, '/v1/me', { authorization: `Bearer ${token}` });
    expect(statuses(replies)).toEqual([...Array(10).fill(200), ...Array(6).fill(429)]);
    expect(replies[9].headers.ratelimit).toMatch(/^"user";r=0;t=\d+/);
    expect(replies[10].body).toMatchObject({ code: 'rate_limited' });
  });

  it('holds the per-IP limit across both instances, whichever forwarding headers are sent', async () => {
    const replies = await inSequence(10, (i) =>
      requestFrom('127.0.0.32', `${apis[i % 2].baseUrl}/version`, { headers: { 'x-forwarded-for': `203.0.113.${i}`, 'user-agent': `agent-${i}` } }),
    );
    expect(statuses(replies)).toEqual([...Array(6).fill(200), ...Array(4).fill(429)]);
    expect(logs.every((lines) => outageErrors(lines).length === 0)).toBe(true);
  });

  it('keeps serving when Redis dies, with per-process limits, and each instance logs the outage once', async () => {
    await redis.kill();
    // A fresh address; each process now counts on its own, so each serves up to 6 of them.
    const perProcess = await Promise.all(apis.map((api) => inSequence(8, () => requestFrom('127.0.0.33', `${api.baseUrl}/version`))));
    for (const replies of perProcess) expect(statuses(replies)).toEqual([...Array(6).fill(200), 429, 429]);
    // Authenticated traffic is served too (the user's count starts over in each process's memory).
    const authenticated = await alternate('127.0.0.34', 6, '/v1/me', { authorization: `Bearer ${token}` });
    expect(statuses(authenticated)).toEqual(Array(6).fill(200));
    // Logged once per process for the whole outage, not once per request.
    await new Promise((r) => setTimeout(r, 200));
    for (const lines of logs) {
      const errors = outageErrors(lines);
      expect(errors).toHaveLength(1);
      expect(errors[0].msg).toContain('per-process limits');
    }
  });
});
