import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { decode } from 'jsonwebtoken';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { APP_CONFIG } from '#src/config/config.module';
import type { AppConfig } from '#src/config/app-config';
import { SigningKeys, UnknownSigningKeyError } from './signing-keys';

/** Claims the API relies on; everything else in the token is ignored. */
export interface VerifiedToken {
  readonly sub: string;
  readonly orgId: string;
  readonly email?: string;
  /** The issuer vouches for the email (`email_verified: true`). */
  readonly emailVerified: boolean;
  readonly amr: readonly string[];
}

export class TokenRejectedError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'TokenRejectedError';
  }
}

const CLOCK_TOLERANCE_SECONDS = 5;

/**
 * passport-jwt over the issuer's JWKS. issuer, audience and algorithms are set at the top level:
 * passport-jwt overwrites the same keys inside jsonWebTokenOptions with undefined.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(@Inject(APP_CONFIG) config: AppConfig, signingKeys: SigningKeys) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      issuer: config.auth.issuerUrl,
      audience: config.auth.audience,
      algorithms: ['RS256'],
      ignoreExpiration: false,
      jsonWebTokenOptions: { clockTolerance: CLOCK_TOLERANCE_SECONDS },
      passReqToCallback: false,
      secretOrKeyProvider: (_req: Request, rawJwt: string, done: (err: unknown, key?: string) => void) => {
        const header = decode(rawJwt, { complete: true })?.header;
        // Refuse before any key lookup: only RS256, and only keys named by kid in our JWKS.
        if (!header) return done(new TokenRejectedError('malformed_token'));
        if (header.alg !== 'RS256') return done(new TokenRejectedError(`algorithm_not_allowed:${String(header.alg)}`));
        if (typeof header.kid !== 'string' || header.kid.length === 0 || header.kid.length > 256) {
          return done(new TokenRejectedError('missing_kid'));
        }
        signingKeys.forKid(header.kid).then(
          // jsonwebtoken verifies with a KeyObject directly; the typings only know PEM strings.
          (key) => done(null, key as unknown as string),
          (error: unknown) => done(error instanceof UnknownSigningKeyError ? new TokenRejectedError(error.reason) : error),
        );
      },
    });
  }

  validate(payload: Record<string, unknown>): VerifiedToken {
    // jsonwebtoken accepts tokens without exp; we do not.
    if (typeof payload.exp !== 'number') throw new TokenRejectedError('missing_exp');
    if (typeof payload.sub !== 'string' || payload.sub.length === 0 || payload.sub.length > 256) {
      throw new TokenRejectedError('missing_sub');
    }
    if (typeof payload.org_id !== 'string' || payload.org_id.length === 0 || payload.org_id.length > 128) {
      throw new TokenRejectedError('missing_org_id');
    }
    const amr = Array.isArray(payload.amr) ? payload.amr.filter((m): m is string => typeof m === 'string') : [];
    const email = typeof payload.email === 'string' && payload.email.length <= 320 ? payload.email : undefined;
    return { sub: payload.sub, orgId: payload.org_id, email, emailVerified: payload.email_verified === true, amr };
  }
}
