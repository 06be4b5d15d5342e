import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
  ValidationError,
} from 'class-validator';
import { Type } from 'class-transformer';
import { parseCorsOrigins, parseTrustProxy, TrustProxy } from './transport-config';

export type NodeEnv = 'development' | 'test' | 'production';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** The validated, typed configuration every other part of the app reads. */
export interface AppConfig {
  readonly nodeEnv: NodeEnv;
  readonly port: number;
  /** Bounds on every parsed JSON body (src/kernel/http/json-body-shape.ts, docs/security.md "Hostile input"). */
  readonly jsonBody: { readonly maxDepth: number; readonly maxArrayItems: number };
  readonly mongodbUri: string;
  readonly auth: {
    readonly issuerUrl: string;
    readonly audience: string;
    readonly jwksUri: string;
  };
  /** Shared secret Auth0 Log Streams send in Authorization; unset: the ingestion route answers 404. */
  readonly auth0LogStreamToken?: string;
  readonly logLevel: LogLevel;
  /** Transport (docs/security.md): HTTPS in-process when set; proxies whose X-Forwarded-* count; CORS origins. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  readonly trustProxy: TrustProxy;
  readonly corsOrigins: readonly string[];
  readonly audit: {
    /** Ed25519 private key (PEM file) that signs digests and checkpoints; unset outside production: generated per process. */
    readonly signingKey?: { readonly file: string; readonly keyId: string; readonly validFrom?: string };
    /** JSON list of retired public keys with their validity (published by GET /v1/audit-events/keys). */
    readonly retiredKeysFile?: string;
    /** Every digest is also appended here (outside the database); unset: the log line only. */
    readonly digestFile?: string;
    readonly digestIntervalSeconds: number;
    readonly retentionDays: number;
    /** An intent older than this without an outcome is chained as interrupted (its process died). */
    readonly interruptedAfterSeconds: number;
    /** Test only: kill the process at this named step of a change (refused in production). */
    readonly faultPoint?: AuditFaultPoint;
    /** Benchmarks only (refused off in production): record access/denial events, change events. */
    readonly accessLog: boolean;
    readonly changeLog: boolean;
  };
  /** Request rate limits (docs/security.md, "Rate limits"): requests per window per key. */
  readonly rateLimit: RateLimitConfig;
  readonly jobs: {
    /** The lead expiry job (docs in src/modules/leads/README.md): on except under NODE_ENV=test, unless LEAD_EXPIRY_JOB says. */
    readonly leadExpiry: { readonly enabled: boolean; readonly intervalSeconds: number };
  };
}

export interface RateLimitConfig {
  readonly windowSeconds: number;
  /** Per client IP: requests without credentials, and failed authentications. */
  readonly ip: number;
  /** Per user (token `sub`) and per tenant: authenticated requests. */
  readonly user: number;
  readonly tenant: number;
  /** Per user, on top of the above: exports (routes ending /export) and the audit endpoints. */
  readonly export: number;
  readonly audit: number;
  /** Bound of the in-process storage (least recently used keys are dropped first). */
  readonly memoryMaxKeys: number;
  /** Shared storage for every instance; unset: in-process. */
  readonly redisUrl?: string;
}

/** Named steps of an audited change where AUDIT_FAULT_POINT kills the process (crash tests). */
export const AUDIT_FAULT_POINTS = ['after-intent', 'after-handler', 'after-outcome'] as const;
export type AuditFaultPoint = (typeof AUDIT_FAULT_POINTS)[number];

export const DEV_ISSUER_URL = 'http://127.0.0.1:3001/';
export const DEFAULT_AUDIENCE = 'https://api.partnerportal.local';
export const DEV_MONGODB_URI = 'mongodb://127.0.0.1:27017/partnerportal';

const NODE_ENVS: NodeEnv[] = ['development', 'test', 'production'];
const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const REQUIRED_IN_PRODUCTION = ['MONGODB_URI', 'AUTH_ISSUER_URL', 'AUTH_AUDIENCE'] as const;
const isProduction = (env: EnvironmentVariables): boolean => env.NODE_ENV === 'production';

/** The environment as the process receives it; rules that span variables live in loadConfig. */
class EnvironmentVariables {
  @IsIn(NODE_ENVS)
  NODE_ENV: NodeEnv = 'production';

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @Type(() => Number)
  @IsInt()
  @Min(2)
  @Max(100)
  JSON_MAX_DEPTH = 20;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  JSON_MAX_ARRAY_ITEMS = 1000;

  @IsOptional()
  @IsString()
  MONGODB_URI?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  AUTH_ISSUER_URL?: string;

  @IsOptional()
  @IsString()
  AUTH_AUDIENCE?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  AUTH_JWKS_URI?: string;

  // A shared secret guessable in fewer tries than a token's signature would be no secret at all.
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'AUTH0_LOG_STREAM_TOKEN: must be at least 32 characters' })
  @Matches(/^[\x21-\x7e]+$/, { message: 'AUTH0_LOG_STREAM_TOKEN: visible ASCII characters only (it travels in an HTTP header)' })
  AUTH0_LOG_STREAM_TOKEN?: string;

  @IsOptional()
  @IsIn(LOG_LEVELS)
  LOG_LEVEL?: LogLevel;

  @IsOptional()
  @IsIn(['on', 'off'])
  LEAD_EXPIRY_JOB?: 'on' | 'off';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3600)
  AUDIT_INTERRUPTED_AFTER_SECONDS = 60;

  @IsOptional()
  @IsString()
  AUDIT_SIGNING_KEY_FILE?: string;

  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'AUDIT_SIGNING_KEY_ID: 1 to 64 letters, digits, ".", "_" or "-"' })
  AUDIT_SIGNING_KEY_ID?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  AUDIT_SIGNING_KEY_VALID_FROM?: string;

  @IsOptional()
  @IsString()
  AUDIT_RETIRED_KEYS_FILE?: string;

  @IsOptional()
  @IsString()
  AUDIT_DIGEST_FILE?: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3600)
  AUDIT_DIGEST_INTERVAL_SECONDS = 60;

  @Type(() => Number)
  @IsInt()
  @Min(365, { message: 'AUDIT_RETENTION_DAYS: audit events are kept at least 365 days' })
  @Max(36_500)
  AUDIT_RETENTION_DAYS = 400;

  @IsOptional()
  @IsIn([...AUDIT_FAULT_POINTS])
  AUDIT_FAULT_POINT?: AuditFaultPoint;

  @IsOptional()
  @IsIn(['on', 'off'])
  AUDIT_ACCESS_LOG?: 'on' | 'off';

  @IsOptional()
  @IsIn(['on', 'off'])
  AUDIT_CHANGE_LOG?: 'on' | 'off';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(86_400)
  LEAD_EXPIRY_INTERVAL_SECONDS = 3600;

  @IsOptional()
  @IsString()
  TLS_CERT_FILE?: string;

  @IsOptional()
  @IsString()
  TLS_KEY_FILE?: string;

  @IsOptional()
  @IsString()
  TRUST_PROXY?: string;

  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3600)
  RATE_LIMIT_WINDOW_SECONDS = 60;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  RATE_LIMIT_IP = 60;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  RATE_LIMIT_USER = 600;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  RATE_LIMIT_TENANT = 3000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  RATE_LIMIT_EXPORT = 10;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  RATE_LIMIT_AUDIT = 120;

  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(10_000_000)
  RATE_LIMIT_MEMORY_KEYS = 50_000;

  @IsOptional()
  @Matches(/^rediss?:\/\/[^\s/]+(\/\d{0,2})?$/, { message: 'REDIS_URL: must be a redis:// or rediss:// URL (redis://[user:password@]host[:port][/db])' })
  REDIS_URL?: string;
}

/** Thrown when the environment is unusable; lists every problem at once. */
export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigurationError';
  }
}

function flatten(errors: ValidationError[]): string[] {
  return errors.flatMap((e) =>
    Object.values(e.constraints ?? {}).map((message) =>
      message.startsWith(e.property) ? message : `${e.property}: ${message}`,
    ),
  );
}

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.');
}

function mongoUriProblem(uri: string): string | undefined {
  return /^mongodb(\+srv)?:\/\/[^/\s]+/.test(uri)
    ? undefined
    : 'MONGODB_URI: must be a mongodb:// or mongodb+srv:// connection string';
}

/** Parses and checks the environment; throws ConfigurationError listing every problem. */
export function loadConfig(raw: Record<string, string | undefined>): AppConfig {
  const present = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''));
  const env = plainToInstance(EnvironmentVariables, present, { enableImplicitConversion: false });
  const problems = flatten(validateSync(env, { whitelist: false, forbidUnknownValues: false }));

  if (isProduction(env)) {
    for (const name of REQUIRED_IN_PRODUCTION) {
      if (env[name] === undefined) problems.push(`${name}: required in production`);
    }
  }
  if ((env.AUDIT_SIGNING_KEY_FILE === undefined) !== (env.AUDIT_SIGNING_KEY_ID === undefined)) {
    problems.push('AUDIT_SIGNING_KEY_FILE and AUDIT_SIGNING_KEY_ID: set both or neither');
  }
  if (isProduction(env) && env.AUDIT_SIGNING_KEY_FILE === undefined) {
    problems.push('AUDIT_SIGNING_KEY_FILE: required in production (the key that signs audit digests)');
  }
  for (const name of ['AUDIT_ACCESS_LOG', 'AUDIT_CHANGE_LOG'] as const) {
    if (isProduction(env) && env[name] === 'off') problems.push(`${name}: the audit trail cannot be switched off in production`);
  }
  if (isProduction(env) && env.AUDIT_FAULT_POINT !== undefined) {
    problems.push('AUDIT_FAULT_POINT: crash-test fault points are refused in production');
  }
  if (env.MONGODB_URI !== undefined) {
    const problem = mongoUriProblem(env.MONGODB_URI);
    if (problem) problems.push(problem);
  }
  if (isProduction(env) && env.AUTH_ISSUER_URL !== undefined && URL.canParse(env.AUTH_ISSUER_URL)) {
    // The local dev issuer (plain HTTP on loopback) must never be trusted in production.
    if (!env.AUTH_ISSUER_URL.startsWith('https://') || isLoopback(env.AUTH_ISSUER_URL)) {
      problems.push('AUTH_ISSUER_URL: production requires an https issuer that is not the local dev issuer');
    }
  }
  if (env.AUTH_ISSUER_URL !== undefined && URL.canParse(env.AUTH_ISSUER_URL) && !env.AUTH_ISSUER_URL.endsWith('/')) {
    problems.push('AUTH_ISSUER_URL: must end with "/" (tokens carry the issuer exactly, e.g. https://TENANT.auth0.com/)');
  }
  if ((env.TLS_CERT_FILE === undefined) !== (env.TLS_KEY_FILE === undefined)) {
    problems.push('TLS_CERT_FILE and TLS_KEY_FILE: set both or neither');
  }
  const trustProxy = parseTrustProxy(env.TRUST_PROXY);
  const corsOrigins = parseCorsOrigins(env.CORS_ORIGINS);
  for (const parsed of [trustProxy, corsOrigins]) if (parsed.problem !== undefined) problems.push(parsed.problem);
  if (problems.length > 0) throw new ConfigurationError(problems);

  const issuerUrl = env.AUTH_ISSUER_URL ?? DEV_ISSUER_URL;
  return {
    nodeEnv: env.NODE_ENV,
    port: env.PORT,
    jsonBody: { maxDepth: env.JSON_MAX_DEPTH, maxArrayItems: env.JSON_MAX_ARRAY_ITEMS },
    mongodbUri: env.MONGODB_URI ?? DEV_MONGODB_URI,
    auth: {
      issuerUrl,
      audience: env.AUTH_AUDIENCE ?? DEFAULT_AUDIENCE,
      jwksUri: env.AUTH_JWKS_URI ?? `${issuerUrl}.well-known/jwks.json`,
    },
    auth0LogStreamToken: env.AUTH0_LOG_STREAM_TOKEN,
    logLevel: env.LOG_LEVEL ?? defaultLogLevel(env.NODE_ENV),
    ...(env.TLS_CERT_FILE && env.TLS_KEY_FILE ? { tls: { certFile: env.TLS_CERT_FILE, keyFile: env.TLS_KEY_FILE } } : {}),
    trustProxy: trustProxy.value ?? false,
    corsOrigins: corsOrigins.value ?? [],
    audit: {
      ...(env.AUDIT_SIGNING_KEY_FILE && env.AUDIT_SIGNING_KEY_ID
        ? { signingKey: { file: env.AUDIT_SIGNING_KEY_FILE, keyId: env.AUDIT_SIGNING_KEY_ID, ...(env.AUDIT_SIGNING_KEY_VALID_FROM ? { validFrom: env.AUDIT_SIGNING_KEY_VALID_FROM } : {}) } }
        : {}),
      ...(env.AUDIT_RETIRED_KEYS_FILE ? { retiredKeysFile: env.AUDIT_RETIRED_KEYS_FILE } : {}),
      ...(env.AUDIT_DIGEST_FILE ? { digestFile: env.AUDIT_DIGEST_FILE } : {}),
      digestIntervalSeconds: env.AUDIT_DIGEST_INTERVAL_SECONDS,
      retentionDays: env.AUDIT_RETENTION_DAYS,
      interruptedAfterSeconds: env.AUDIT_INTERRUPTED_AFTER_SECONDS,
      accessLog: env.AUDIT_ACCESS_LOG !== 'off',
      changeLog: env.AUDIT_CHANGE_LOG !== 'off',
      ...(env.AUDIT_FAULT_POINT === undefined ? {} : { faultPoint: env.AUDIT_FAULT_POINT }),
    },
    rateLimit: {
      windowSeconds: env.RATE_LIMIT_WINDOW_SECONDS,
      ip: env.RATE_LIMIT_IP,
      user: env.RATE_LIMIT_USER,
      tenant: env.RATE_LIMIT_TENANT,
      export: env.RATE_LIMIT_EXPORT,
      audit: env.RATE_LIMIT_AUDIT,
      memoryMaxKeys: env.RATE_LIMIT_MEMORY_KEYS,
      ...(env.REDIS_URL === undefined ? {} : { redisUrl: env.REDIS_URL }),
    },
    jobs: {
      leadExpiry: {
        enabled: env.LEAD_EXPIRY_JOB === undefined ? env.NODE_ENV !== 'test' : env.LEAD_EXPIRY_JOB === 'on',
        intervalSeconds: env.LEAD_EXPIRY_INTERVAL_SECONDS,
      },
    },
  };
}

function defaultLogLevel(nodeEnv: NodeEnv): LogLevel {
  if (nodeEnv === 'test') return 'silent';
  return nodeEnv === 'development' ? 'debug' : 'info';
}
