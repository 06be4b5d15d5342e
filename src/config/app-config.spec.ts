import { ConfigurationError, DEV_ISSUER_URL, loadConfig } from './app-config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigurationError');
}

describe('loadConfig', () => {
  it('defaults to production when NODE_ENV is unset, and then requires the three essentials at once', () => {
    const problems = problemsOf({});
    expect(problems).toEqual(
      expect.arrayContaining([
        'MONGODB_URI: required in production',
        'AUTH_ISSUER_URL: required in production',
        'AUTH_AUDIENCE: required in production',
      ]),
    );
  });

  it('lists every problem in one error message', () => {
    const error = (() => {
      try {
        return loadConfig({ NODE_ENV: 'staging', PORT: 'eighty', MONGODB_URI: 'postgres://x', LOG_LEVEL: 'loud' });
      } catch (e) {
        return e as ConfigurationError;
      }
    })() as ConfigurationError;
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.problems.length).toBeGreaterThanOrEqual(4);
    for (const name of ['NODE_ENV', 'PORT', 'MONGODB_URI', 'LOG_LEVEL']) expect(error.message).toContain(name);
  });

  it('refuses the local dev issuer in production', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      MONGODB_URI: 'mongodb+srv://cluster.example.net/pp',
      AUTH_ISSUER_URL: DEV_ISSUER_URL,
      AUTH_AUDIENCE: 'https://api.example.com',
      AUDIT_SIGNING_KEY_FILE: '/run/secrets/audit-signing-key.pem',
      AUDIT_SIGNING_KEY_ID: 'audit-2026-11',
    });
    expect(problems).toEqual(['AUTH_ISSUER_URL: production requires an https issuer that is not the local dev issuer']);
  });

  it('requires the issuer URL to end with a slash, as Auth0 issues it', () => {
    expect(problemsOf({ NODE_ENV: 'test', AUTH_ISSUER_URL: 'https://tenant.auth0.com' })).toEqual([
      expect.stringContaining('must end with "/"'),
    ]);
  });

  it('accepts a complete production configuration and derives the JWKS URI from the issuer', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      MONGODB_URI: 'mongodb+srv://cluster.example.net/pp',
      AUTH_ISSUER_URL: 'https://tenant.auth0.com/',
      AUTH_AUDIENCE: 'https://api.example.com',
      PORT: '8443',
      AUDIT_SIGNING_KEY_FILE: '/run/secrets/audit-signing-key.pem',
      AUDIT_SIGNING_KEY_ID: 'audit-2026-11',
    });
    expect(config).toMatchObject({
      nodeEnv: 'production',
      port: 8443,
      logLevel: 'info',
      auth: { jwksUri: 'https://tenant.auth0.com/.well-known/jwks.json', audience: 'https://api.example.com' },
    });
  });

  it('gives development and test local defaults', () => {
    const config = loadConfig({ NODE_ENV: 'development' });
    expect(config.mongodbUri).toBe('mongodb://127.0.0.1:27017/partnerportal');
    expect(config.auth.issuerUrl).toBe(DEV_ISSUER_URL);
    expect(config.auth.audience).toBe('https://api.partnerportal.local');
    expect(loadConfig({ NODE_ENV: 'test' }).logLevel).toBe('silent');
  });

  it('runs the lead expiry job hourly, except under test, and lets LEAD_EXPIRY_JOB decide', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).jobs.leadExpiry).toEqual({ enabled: true, intervalSeconds: 3600 });
    expect(loadConfig({ NODE_ENV: 'test' }).jobs.leadExpiry.enabled).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test', LEAD_EXPIRY_JOB: 'on', LEAD_EXPIRY_INTERVAL_SECONDS: '30' }).jobs.leadExpiry).toEqual({ enabled: true, intervalSeconds: 30 });
    expect(loadConfig({ NODE_ENV: 'development', LEAD_EXPIRY_JOB: 'off' }).jobs.leadExpiry.enabled).toBe(false);
    expect(problemsOf({ NODE_ENV: 'test', LEAD_EXPIRY_JOB: 'yes', LEAD_EXPIRY_INTERVAL_SECONDS: '0' })).toEqual([
      expect.stringContaining('LEAD_EXPIRY_JOB'),
      expect.stringContaining('LEAD_EXPIRY_INTERVAL_SECONDS'),
    ]);
  });

  it('takes crash-test fault points outside production only', () => {
    expect(loadConfig({ NODE_ENV: 'test', AUDIT_FAULT_POINT: 'after-intent' }).audit.faultPoint).toBe('after-intent');
    expect(loadConfig({ NODE_ENV: 'test' }).audit).toEqual({ digestIntervalSeconds: 60, retentionDays: 400, interruptedAfterSeconds: 60, accessLog: true, changeLog: true });
    expect(loadConfig({ NODE_ENV: 'development', AUDIT_ACCESS_LOG: 'off', AUDIT_CHANGE_LOG: 'off' }).audit).toMatchObject({ accessLog: false, changeLog: false });
    expect(problemsOf({ NODE_ENV: 'test', AUDIT_FAULT_POINT: 'somewhere' })).toEqual([expect.stringContaining('AUDIT_FAULT_POINT')]);
    expect(
      problemsOf({
        NODE_ENV: 'production',
        MONGODB_URI: 'mongodb+srv://cluster.example.net/pp',
        AUTH_ISSUER_URL: 'https://tenant.auth0.com/',
        AUTH_AUDIENCE: 'https://api.example.com',
        AUDIT_FAULT_POINT: 'after-outcome',
        AUDIT_ACCESS_LOG: 'off',
        AUDIT_SIGNING_KEY_FILE: '/run/secrets/audit-signing-key.pem',
        AUDIT_SIGNING_KEY_ID: 'audit-2026-11',
      }),
    ).toEqual(['AUDIT_ACCESS_LOG: the audit trail cannot be switched off in production', 'AUDIT_FAULT_POINT: crash-test fault points are refused in production']);
  });

  it('requires an audit signing key in production, refuses retention below a year, and reads the audit settings', () => {
    expect(problemsOf({ NODE_ENV: 'production', MONGODB_URI: 'mongodb://db/pp', AUTH_ISSUER_URL: 'https://t.auth0.com/', AUTH_AUDIENCE: 'a' })).toEqual([
      expect.stringContaining('AUDIT_SIGNING_KEY_FILE: required in production'),
    ]);
    expect(problemsOf({ NODE_ENV: 'test', AUDIT_RETENTION_DAYS: '364', AUDIT_SIGNING_KEY_ID: 'k1' })).toEqual([
      expect.stringContaining('at least 365 days'),
      expect.stringContaining('set both or neither'),
    ]);
    expect(loadConfig({ NODE_ENV: 'test', AUDIT_SIGNING_KEY_FILE: '/k.pem', AUDIT_SIGNING_KEY_ID: 'k1', AUDIT_RETENTION_DAYS: '730', AUDIT_DIGEST_FILE: '/var/d.ndjson' }).audit).toEqual({
      signingKey: { file: '/k.pem', keyId: 'k1' },
      digestFile: '/var/d.ndjson',
      digestIntervalSeconds: 60,
      retentionDays: 730,
      interruptedAfterSeconds: 60,
      accessLog: true,
      changeLog: true,
    });
  });
  it('has production rate limits by default, takes each from RATE_LIMIT_*, and REDIS_URL only as a redis URL', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).rateLimit).toEqual({ windowSeconds: 60, ip: 60, user: 600, tenant: 3000, export: 10, audit: 120, memoryMaxKeys: 50_000 });
    const tuned = loadConfig({
      NODE_ENV: 'test',
      RATE_LIMIT_WINDOW_SECONDS: '10',
      RATE_LIMIT_IP: '5',
      RATE_LIMIT_USER: '50',
      RATE_LIMIT_TENANT: '500',
      RATE_LIMIT_EXPORT: '1',
      RATE_LIMIT_AUDIT: '7',
      RATE_LIMIT_MEMORY_KEYS: '2000',
      REDIS_URL: 'redis://:s3cret@redis.internal:6380/2',
    });
    expect(tuned.rateLimit).toEqual({ windowSeconds: 10, ip: 5, user: 50, tenant: 500, export: 1, audit: 7, memoryMaxKeys: 2000, redisUrl: 'redis://:s3cret@redis.internal:6380/2' });
    expect(loadConfig({ NODE_ENV: 'test', REDIS_URL: 'rediss://cache.example.com' }).rateLimit.redisUrl).toBe('rediss://cache.example.com');
    const problems = problemsOf({ NODE_ENV: 'test', RATE_LIMIT_IP: '0', RATE_LIMIT_USER: 'many', RATE_LIMIT_WINDOW_SECONDS: '86400', RATE_LIMIT_MEMORY_KEYS: '10', REDIS_URL: 'http://redis:6379' });
    expect([...new Set(problems.map((p) => p.split(/[ :]/)[0]))]).toEqual(['RATE_LIMIT_WINDOW_SECONDS', 'RATE_LIMIT_IP', 'RATE_LIMIT_USER', 'RATE_LIMIT_MEMORY_KEYS', 'REDIS_URL']);
  });
});
