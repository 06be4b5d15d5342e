import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request, Response } from 'express';
import { JsonWebTokenError, NotBeforeError, TokenExpiredError } from 'jsonwebtoken';
import type { AppConfig } from '#src/config/app-config';
import { APP_CONFIG } from '#src/config/config.module';
import { RequestContext } from '../context/request-context';
import { RateLimiter } from '../rate-limit/rate-limiter';
import { DomainError } from '../errors/domain-error';
import { buildAbility } from './access-policy';
import { AccessRules, MembershipDirectory, TenantDirectory } from './identity-ports';
import { Permission, STEP_UP_PERMISSIONS } from './permissions';
import { TokenRejectedError, VerifiedToken } from './jwt.strategy';
import { ROUTE_ACCESS, RouteAccess } from './route-access.decorators';
import { IdentityProviderUnavailableError } from './signing-keys';
import { authorizationCarriesSecret, MACHINE_SECRETS, MachineSecretName } from './machine-secrets';

export const MAX_AUTHORIZATION_HEADER_BYTES = 8 * 1024;

// One text for every 401 and one for every 403: the code tells clients what happened, the
// detail tells an attacker nothing more.
const UNAUTHENTICATED_DETAIL = 'Send a valid access token in the Authorization header (Bearer).';
const FORBIDDEN_DETAIL = 'Your organization or membership does not grant access to this API.';

function unauthenticated(reason: string): DomainError {
  return new DomainError('unauthenticated', UNAUTHENTICATED_DETAIL, { logReason: reason });
}

function reasonOf(cause: unknown): string {
  if (cause instanceof TokenRejectedError) return cause.reason;
  if (cause instanceof TokenExpiredError) return 'expired';
  if (cause instanceof NotBeforeError) return 'not_yet_valid';
  if (cause instanceof JsonWebTokenError) return `invalid_token: ${cause.message}`;
  if (cause instanceof Error && cause.message === 'No auth token') return 'missing_token';
  return cause instanceof Error ? `rejected: ${cause.message}` : 'rejected';
}

/**
 * The one global guard, deny by default: a route must carry an access marker; @MachineSecret()
 * routes need their shared secret (and accept nothing else); anything else but @Public() needs a
 * verified token whose organization is an active tenant and whose subject has
 * an active membership there; @RequirePermission routes need that permission among the role's
 * effective grants (and MFA for step-up permissions). It binds tenant, actor and the CASL ability
 * into the context; from here on the tenant comes from the verified token only.
 */
@Injectable()
export class AccessGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly context: RequestContext,
    private readonly tenants: TenantDirectory,
    private readonly memberships: MembershipDirectory,
    private readonly accessRules: AccessRules,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly rateLimiter: RateLimiter,
  ) {
    super();
  }

  override async canActivate(execution: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [
      execution.getHandler(),
      execution.getClass(),
    ]);
    if (!access) throw new DomainError('route_not_marked', FORBIDDEN_DETAIL, { logReason: 'route carries no access marker' });
    const req = execution.switchToHttp().getRequest<Request>();
    this.context.bindIp(req.ip);
    if (access.kind === 'public') return true;

    const res = execution.switchToHttp().getResponse<Response>();
    try {
      const header = req.headers.authorization;
      if (header !== undefined && Buffer.byteLength(header) > MAX_AUTHORIZATION_HEADER_BYTES) {
        throw unauthenticated('authorization_header_too_large');
      }
      // A webhook sender: its shared secret or nothing (no token, no tenant, no membership).
      if (access.kind === 'machine-secret') {
        this.verifyMachineSecret(access.name, req);
        this.rateLimiter.settled(req);
        return true;
      }
      await super.canActivate(execution);
      await this.bindIdentity(req.user as VerifiedToken);
    } catch (error) {
      // Refused credentials count against the client IP's limit (rate-limiter.ts).
      await this.rateLimiter.noteFailedAuthentication(req, res, error);
      throw error;
    }
    await this.rateLimiter.admitAuthenticated(req, res, this.context.requireActor().sub, this.context.requireTenantId('rate limits'));
    const permissions = await this.bindAccess();
    if (access.kind === 'permission') await this.authorize(access.permission, permissions);
    return true;
  }

  override handleRequest<T>(error: unknown, user: T, info: unknown): T {
    if (user && !error) return user;
    const cause = error ?? info;
    if (cause instanceof IdentityProviderUnavailableError) {
      throw new DomainError('identity_provider_unavailable', 'Tokens cannot be verified right now; retry shortly.', {
        retryAfterSeconds: 5,
        logReason: 'jwks_unreachable',
        cause,
      });
    }
    throw unauthenticated(reasonOf(cause));
  }

  private verifyMachineSecret(name: MachineSecretName, req: Request): void {
    const secret = MACHINE_SECRETS[name].secretOf(this.config);
    // Not configured: the integration is off, and its route looks like any unknown one.
    if (secret === undefined) throw new DomainError('route_not_found', `There is no route ${req.method} ${req.path}.`);
    const header = req.headers.authorization;
    if (header === undefined) throw unauthenticated(`${name}: missing_secret`);
    if (!authorizationCarriesSecret(header, secret)) throw unauthenticated(`${name}: wrong_secret`);
    this.context.bindSystem(`integration:${name}`);
  }

  private async bindAccess(): Promise<readonly Permission[]> {
    const actor = this.context.requireActor();
    const permissions = await this.accessRules.permissionsFor(actor);
    this.context.bindAccess(permissions, buildAbility(actor, permissions));
    return permissions;
  }

  private async authorize(required: Permission, held: readonly Permission[]): Promise<void> {
    const actor = this.context.requireActor();
    if (!held.includes(required)) {
      throw new DomainError('permission_denied', `This needs the ${required} permission.`, {
        logReason: `${actor.role} ${actor.sub} lacks ${required}`,
      });
    }
    // Step-up: sensitive administration needs a session that passed MFA (people, not machines).
    if (STEP_UP_PERMISSIONS.includes(required) && !actor.machine && !actor.mfa && (await this.accessRules.stepUpRequired())) {
      throw new DomainError('mfa_required', `${required} needs a session that passed multi-factor authentication.`, {
        logReason: `${actor.sub} without mfa for ${required}`,
      });
    }
  }

  private async bindIdentity(token: VerifiedToken): Promise<void> {
    const tenant = await this.tenants.findByOrgId(token.orgId);
    if (!tenant) throw new DomainError('tenant_not_found', FORBIDDEN_DETAIL, { logReason: `unknown org_id ${token.orgId}` });
    if (tenant.status === 'suspended') throw new DomainError('tenant_suspended', FORBIDDEN_DETAIL, { logReason: `tenant ${tenant.id} suspended` });
    if (tenant.status === 'terminated') throw new DomainError('tenant_terminated', FORBIDDEN_DETAIL, { logReason: `tenant ${tenant.id} terminated` });

    this.context.bindTenant(tenant.id);
    const membership = await this.memberships.findActive(token.sub, token.emailVerified ? token.email : undefined);
    if (!membership) throw new DomainError('membership_required', FORBIDDEN_DETAIL, { logReason: `no active membership for ${token.sub}` });
    this.context.bindActor({
      sub: token.sub,
      membershipId: membership.id,
      role: membership.role,
      partnerId: membership.partnerId,
      email: token.email ?? membership.email,
      mfa: token.amr.includes('mfa'),
      machine: token.sub.endsWith('@clients'),
    });
  }
}
