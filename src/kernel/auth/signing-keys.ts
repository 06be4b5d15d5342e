import { Inject, Injectable } from '@nestjs/common';
import { createPublicKey, KeyObject } from 'node:crypto';
import { JwksClient } from 'jwks-rsa';
import { APP_CONFIG } from '#src/config/config.module';
import type { AppConfig } from '#src/config/app-config';

export class UnknownSigningKeyError extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super(reason);
    this.name = 'UnknownSigningKeyError';
    this.reason = reason;
  }
}

export class IdentityProviderUnavailableError extends Error {
  constructor(cause: unknown) {
    super('The JWKS endpoint could not be reached', { cause });
    this.name = 'IdentityProviderUnavailableError';
  }
}

// Bounded: a kid enters the map only once the issuer's JWKS has vouched for it.
const MAX_CACHED_KEYS = 50;

/**
 * The issuer's RS256 verification keys, fetched from the configured JWKS URI only (a token's
 * jku/x5u/jwk headers are never consulted) and kept as ready KeyObjects per kid, so verifying
 * does not re-parse PEM text on every request. Unknown kids are looked up through jwks-rsa with
 * its rate limit on, so a storm of random kids cannot make us hammer the issuer.
 */
@Injectable()
export class SigningKeys {
  private readonly keys = new Map<string, KeyObject>();
  private readonly client: JwksClient;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.client = new JwksClient({
      jwksUri: config.auth.jwksUri,
      cache: true,
      cacheMaxEntries: MAX_CACHED_KEYS,
      cacheMaxAge: 10 * 60_000,
      rateLimit: true,
      jwksRequestsPerMinute: 10,
      timeout: 3_000,
    });
  }

  async forKid(kid: string): Promise<KeyObject> {
    const cached = this.keys.get(kid);
    if (cached) return cached;
    const key = await this.fetch(kid);
    if (this.keys.size >= MAX_CACHED_KEYS) this.keys.delete(this.keys.keys().next().value as string);
    this.keys.set(kid, key);
    return key;
  }

  private async fetch(kid: string): Promise<KeyObject> {
    try {
      const signingKey = await this.client.getSigningKey(kid);
      if (!('rsaPublicKey' in signingKey)) throw new UnknownSigningKeyError('jwks_key_not_rsa');
      return createPublicKey(signingKey.getPublicKey());
    } catch (error) {
      if (error instanceof UnknownSigningKeyError) throw error;
      const name = (error as { name?: string } | null)?.name;
      if (name === 'SigningKeyNotFoundError') throw new UnknownSigningKeyError('unknown_kid');
      if (name === 'JwksRateLimitError') throw new UnknownSigningKeyError('jwks_rate_limited');
      throw new IdentityProviderUnavailableError(error);
    }
  }
}
