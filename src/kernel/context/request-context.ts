import { Injectable } from '@nestjs/common';
import { ClsService, ClsStore } from 'nestjs-cls';
import type { AppAbility } from '../auth/access-policy';
import type { Permission } from '../auth/permissions';

export type Role = 'Admin' | 'Staff' | 'Partner' | 'Agent';

/** The authenticated caller, resolved from a verified token and the tenant's membership records. */
export interface Actor {
  readonly sub: string;
  readonly membershipId: string;
  readonly role: Role;
  readonly partnerId?: string;
  readonly email?: string;
  /** The token's `amr` contains "mfa". */
  readonly mfa: boolean;
  /** Client-credentials tokens (`sub` ending in `@clients`) are machines, not people. */
  readonly machine: boolean;
}

interface ContextStore extends ClsStore {
  tenantId?: string;
  actor?: Actor;
  /** A named non-human actor: `operator:<name>`, `job:<name>`, `system:<name>`. */
  system?: string;
  ip?: string;
  permissions?: readonly Permission[];
  ability?: AppAbility;
  /** Set only inside runCrossTenant(): why tenant scoping is deliberately lifted. */
  crossTenantReason?: string;
  /** A recurring cross-tenant step whose caller logged it once (see runCrossTenant's `routine`). */
  crossTenantRoutine?: boolean;
  /** Versioned resources this request changed, for its audit event (see noteChange). */
  changes?: NotedChange[];
}

/** One change of a versioned resource: `resource` is `<kind>:<id>`; before/after are domain values. */
export interface NotedChange {
  readonly resource: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** Raised when code needs a tenant but runs outside any tenant context: a bug, never user input. */
export class MissingTenantContextError extends Error {
  constructor(operation: string) {
    super(`No tenant in context for ${operation}; refusing to run it unscoped`);
    this.name = 'MissingTenantContextError';
  }
}

/**
 * Typed facade over the request's continuation-local store (nestjs-cls). Code below the
 * controllers reads who and what the request is about from here, never from the HTTP request.
 * Outside HTTP (CLI, jobs) a context is opened explicitly with runInTenant / runAsSystem /
 * runCrossTenant, each through cls.run(), never enterWith().
 */
@Injectable()
export class RequestContext {
  constructor(private readonly cls: ClsService<ContextStore>) {}

  get isActive(): boolean {
    return this.cls.isActive();
  }

  get requestId(): string | undefined {
    return this.isActive ? this.cls.getId() : undefined;
  }

  get tenantId(): string | undefined {
    return this.isActive ? this.cls.get('tenantId') : undefined;
  }

  get actor(): Actor | undefined {
    return this.isActive ? this.cls.get('actor') : undefined;
  }

  get system(): string | undefined {
    return this.isActive ? this.cls.get('system') : undefined;
  }

  get ip(): string | undefined {
    return this.isActive ? this.cls.get('ip') : undefined;
  }

  /** The caller's effective permissions (authenticated requests only). */
  get permissions(): readonly Permission[] | undefined {
    return this.isActive ? this.cls.get('permissions') : undefined;
  }

  get ability(): AppAbility | undefined {
    return this.isActive ? this.cls.get('ability') : undefined;
  }

  get crossTenantReason(): string | undefined {
    return this.isActive ? this.cls.get('crossTenantReason') : undefined;
  }

  get crossTenantRoutine(): boolean {
    return this.isActive && this.cls.get('crossTenantRoutine') === true;
  }

  requireTenantId(operation = 'this operation'): string {
    const tenantId = this.tenantId;
    if (!tenantId) throw new MissingTenantContextError(operation);
    return tenantId;
  }

  requireActor(): Actor {
    const actor = this.actor;
    if (!actor) throw new Error('No authenticated actor in context');
    return actor;
  }

  /** Called once per request by the authentication guard, after the token and membership check. */
  bindTenant(tenantId: string): void {
    this.cls.set('tenantId', tenantId);
  }

  bindActor(actor: Actor): void {
    this.cls.set('actor', actor);
  }

  bindAccess(permissions: readonly Permission[], ability: AppAbility): void {
    this.cls.set('permissions', permissions);
    this.cls.set('ability', ability);
  }

  /** Recorded by RevisionClaims for every change it applies; the audit interceptor reads them. */
  noteChange(change: NotedChange): void {
    if (!this.cls.isActive()) return;
    const changes = this.cls.get('changes') ?? [];
    changes.push(change);
    this.cls.set('changes', changes);
  }

  get notedChanges(): readonly NotedChange[] {
    return this.cls.isActive() ? (this.cls.get('changes') ?? []) : [];
  }

  /** Called by the guard for a webhook sender that proved its shared secret: `integration:<name>`. */
  bindSystem(system: string): void {
    this.cls.set('system', system);
  }

  bindIp(ip: string | undefined): void {
    if (ip) this.cls.set('ip', ip);
  }

  /** Runs fn in a fresh context scoped to one tenant, as a named system actor (CLI, jobs). */
  runInTenant<T>(tenantId: string, system: string, fn: () => Promise<T>): Promise<T> {
    return this.cls.run({ ifNested: 'override' }, () => {
      this.cls.set('tenantId', tenantId);
      this.cls.set('system', system);
      return fn();
    });
  }

  /** Runs fn in a fresh context with no tenant, as a named system actor (platform-level work). */
  runAsSystem<T>(system: string, fn: () => Promise<T>): Promise<T> {
    return this.cls.run({ ifNested: 'override' }, () => {
      this.cls.set('system', system);
      return fn();
    });
  }

  /**
   * The one deliberate way to lift tenant scoping (operator CLI, tenant purge). The reason is
   * logged by the tenant plugin for every query it lets through. Grep for runCrossTenant.
   * `routine`: a step that repeats every few seconds (the audit relay's sweep) and whose owner
   * logged once at start what it does; the plugin then does not log each query.
   */
  runCrossTenant<T>(system: string, reason: string, fn: () => Promise<T>, options: { routine?: boolean } = {}): Promise<T> {
    return this.cls.run({ ifNested: 'override' }, () => {
      this.cls.set('system', system);
      this.cls.set('crossTenantReason', reason);
      if (options.routine) this.cls.set('crossTenantRoutine', true);
      return fn();
    });
  }
}
