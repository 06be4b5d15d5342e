import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { normalizeIp } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import type { AppConfig, RateLimitConfig } from '#src/config/app-config';
import { APP_CONFIG } from '#src/config/config.module';
import { DomainError } from '../errors/domain-error';
import type { ErrorCode } from '../errors/error-catalogue';
import type { RateLimitStorage } from './memory-throttler-storage';
import { ResilientRedisThrottlerStorage } from './redis-throttler-storage';

export const RATE_LIMIT_STORAGE = Symbol('RATE_LIMIT_STORAGE');

/** The limits a request can count against, as RateLimit-Policy names them. */
export type RateLimitPolicyName = 'ip' | 'user' | 'tenant' | 'export' | 'audit';

export const RATE_LIMIT_POLICY_HEADER = 'RateLimit-Policy';
export const RATE_LIMIT_HEADER = 'RateLimit';

/** Orchestrator probes are never limited: a refused probe would take a healthy instance out. */
const EXEMPT = /^\/health\/(live|ready)$/;
const EXPORT_ROUTE = /\/export$/;
const AUDIT_ROUTE = /^\/v1\/audit-events(\/|$)/;

const REFUSED_IDENTITY = new Set<ErrorCode>(['unauthenticated', 'tenant_not_found', 'tenant_suspended', 'tenant_terminated', 'membership_required']);

// Requests whose IP hit was settled by the guard (authenticated, or counted as a failure).
const SETTLED = new WeakSet<Request>();

interface Outcome {
  readonly policy: RateLimitPolicyName;
  readonly limit: number;
  readonly remaining: number;
  readonly resetSeconds: number;
  readonly blocked: boolean;
  readonly retryAfterSeconds: number;
}

/** A request presents credentials (a token or a shared secret) the guard will check. */
export function carriesCredentials(req: Request): boolean {
  return req.headers.authorization !== undefined;
}

/**
 * The request rate limits (docs/security.md, "Rate limits"), over @nestjs/throttler's storage
 * contract. Per client IP (Express's req.ip: the socket address unless `trust proxy` says
 * otherwise; never a header the client controls): requests without credentials and failed
 * authentications; while an IP is over that limit, its requests with credentials are refused
 * before any token is verified. Per user (`sub`) and per tenant: authenticated requests, with
 * stricter per-user limits for exports and the audit endpoints. Fixed windows of
 * RATE_LIMIT_WINDOW_SECONDS; every limited response carries RateLimit-Policy and RateLimit.
 */
@Injectable()
export class RateLimiter implements OnModuleInit, OnApplicationShutdown {
  private readonly limits: RateLimitConfig;
  private readonly windowMs: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(RATE_LIMIT_STORAGE) private readonly storage: RateLimitStorage,
  ) {
    this.limits = config.rateLimit;
    this.windowMs = config.rateLimit.windowSeconds * 1000;
  }

  async onModuleInit(): Promise<void> {
    if (this.storage instanceof ResilientRedisThrottlerStorage) await this.storage.connect();
  }

  onApplicationShutdown(): void {
    if (this.storage instanceof ResilientRedisThrottlerStorage) this.storage.close();
  }

  /**
   * Orchestrator probes, and CORS preflights: a browser sends one (never with credentials) before
   * many cross-origin calls, and counting them per IP would let the users behind one office
   * address use up its allowance without making a single request.
   */
  isExempt(req: Request): boolean {
    return EXEMPT.test(req.path) || (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined);
  }

  /** Before anything else is done for it: a request without credentials counts against its IP. */
  async admitAnonymous(req: Request, res: Response): Promise<void> {
    const outcome = await this.hit('ip', this.ipOf(req));
    this.answer(res, [outcome]);
  }

  /**
   * A request with credentials, before they are checked: refused while its IP is over the limit
   * (so a flood of bad tokens costs no signature check), not counted yet.
   */
  async screenCredentials(req: Request, res: Response): Promise<void> {
    const limit = this.limits.ip;
    const peek = await this.storage.peek(this.ipOf(req), limit, 'ip');
    this.answer(res, [
      {
        policy: 'ip',
        limit,
        remaining: peek.wouldBlock ? 0 : Math.max(0, limit - peek.totalHits),
        resetSeconds: peek.secondsToReset || this.limits.windowSeconds,
        blocked: peek.wouldBlock,
        retryAfterSeconds: Math.max(1, peek.secondsToReset),
      },
    ]);
  }

  /**
   * The guard refused the request before it was authenticated. Refused credentials (401), and a
   * valid token whose organization or membership is not active (403), count against the IP; the
   * response keeps its status. Anything else (the identity provider unreachable) is not counted.
   */
  async noteFailedAuthentication(req: Request, res: Response, error: unknown): Promise<void> {
    if (!carriesCredentials(req) || SETTLED.has(req)) return;
    SETTLED.add(req);
    if (!(error instanceof DomainError && REFUSED_IDENTITY.has(error.code))) return;
    const outcome = await this.hit('ip', this.ipOf(req));
    this.setHeaders(res, [outcome]);
  }

  /** A request with credentials that no guard settled (a public route, an unknown route, an unreadable body): counted against its IP when it ends. */
  settleUnchecked(req: Request): void {
    if (SETTLED.has(req)) return;
    SETTLED.add(req);
    void this.hit('ip', this.ipOf(req)).catch(() => undefined);
  }

  /** An authenticated request: per user (and per user for exports / the audit endpoints), then per tenant. */
  async admitAuthenticated(req: Request, res: Response, sub: string, tenantId: string): Promise<void> {
    SETTLED.add(req);
    const path = `${req.baseUrl}${req.path}`;
    const perUser: Promise<Outcome>[] = [this.hit('user', sub)];
    if (EXPORT_ROUTE.test(path)) perUser.push(this.hit('export', sub));
    if (AUDIT_ROUTE.test(path)) perUser.push(this.hit('audit', sub));
    const outcomes = await Promise.all(perUser);
    // A caller over its own limit does not use up its tenant's.
    if (!outcomes.some((o) => o.blocked)) outcomes.push(await this.hit('tenant', tenantId));
    this.answer(res, outcomes);
  }

  /** Marks a request settled without counting it (a machine caller with a valid shared secret). */
  settled(req: Request): void {
    SETTLED.add(req);
  }

  private ipOf(req: Request): string {
    return normalizeIp(req.ip ?? req.socket.remoteAddress ?? 'unknown');
  }

  private async hit(policy: RateLimitPolicyName, key: string): Promise<Outcome> {
    const limit = this.limits[policy];
    const record = await this.storage.increment(key, this.windowMs, limit, this.windowMs, policy);
    return {
      policy,
      limit,
      remaining: record.isBlocked ? 0 : Math.max(0, limit - record.totalHits),
      resetSeconds: record.isBlocked ? record.timeToBlockExpire : record.timeToExpire,
      blocked: record.isBlocked,
      retryAfterSeconds: Math.max(1, record.timeToBlockExpire),
    };
  }

  /** Sets the headers, and refuses the request when any of its limits is exhausted. */
  private answer(res: Response, outcomes: Outcome[]): void {
    this.setHeaders(res, outcomes);
    const over = outcomes.filter((o) => o.blocked);
    if (over.length === 0) return;
    const worst = over.reduce((a, b) => (b.retryAfterSeconds > a.retryAfterSeconds ? b : a));
    throw new DomainError('rate_limited', `Too many requests; retry after ${worst.retryAfterSeconds} s (see the RateLimit and Retry-After headers).`, {
      retryAfterSeconds: worst.retryAfterSeconds,
      logReason: `${over.map((o) => o.policy).join('+')} limit of ${worst.limit} per ${this.limits.windowSeconds} s`,
    });
  }

  // draft-ietf-httpapi-ratelimit-headers: one list item per policy this request counted against.
  private setHeaders(res: Response, outcomes: Outcome[]): void {
    if (res.headersSent) return;
    const window = this.limits.windowSeconds;
    res.setHeader(RATE_LIMIT_POLICY_HEADER, outcomes.map((o) => `"${o.policy}";q=${o.limit};w=${window}`).join(', '));
    res.setHeader(RATE_LIMIT_HEADER, outcomes.map((o) => `"${o.policy}";r=${o.remaining};t=${Math.max(0, o.resetSeconds)}`).join(', '));
  }
}
