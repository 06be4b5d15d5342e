import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { JsonWebTokenError, NotBeforeError, TokenExpiredError } from 'jsonwebtoken';
import { RequestContext } from '../context/request-context';
import { DomainError } from '../errors/domain-error';
import { MembershipDirectory, TenantDirectory } from './identity-ports';
import { TokenRejectedError, VerifiedToken } from './jwt.strategy';
import { ROUTE_ACCESS, RouteAccess } from './route-access.decorators';
import { IdentityProviderUnavailableError } from './signing-keys';

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
 * The first guard on every route, deny by default: a route must carry an access marker, and
 * anything but @Public() needs a verified token whose organization is an active tenant and
 * whose subject has an active membership there. It binds tenant and actor into the context;
 * from here on the tenant comes from the verified token only.
 */
@Injectable()
export class AuthenticationGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly context: RequestContext,
    private readonly tenants: TenantDirectory,
    private readonly memberships: MembershipDirectory,
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

    const header = req.headers.authorization;
    if (header !== undefined && Buffer.byteLength(header) > MAX_AUTHORIZATION_HEADER_BYTES) {
      throw unauthenticated('authorization_header_too_large');
    }
    await super.canActivate(execution);
    await this.bindIdentity(req.user as VerifiedToken);
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

  private async bindIdentity(token: VerifiedToken): Promise<void> {
    const tenant = await this.tenants.findByOrgId(token.orgId);
    if (!tenant) throw new DomainError('tenant_not_found', FORBIDDEN_DETAIL, { logReason: `unknown org_id ${token.orgId}` });
    if (tenant.status === 'suspended') throw new DomainError('tenant_suspended', FORBIDDEN_DETAIL, { logReason: `tenant ${tenant.id} suspended` });
    if (tenant.status === 'terminated') throw new DomainError('tenant_terminated', FORBIDDEN_DETAIL, { logReason: `tenant ${tenant.id} terminated` });

    this.context.bindTenant(tenant.id);
    const membership = await this.memberships.findActive(token.sub);
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
