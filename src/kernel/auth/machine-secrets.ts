import { createHash, timingSafeEqual } from 'node:crypto';
import type { AppConfig } from '#src/config/app-config';

interface MachineSecretDefinition {
  /** The OpenAPI security scheme that documents it. */
  readonly scheme: string;
  /** Where the operator sets it. */
  readonly env: string;
  /** What sends it, for docs/access-control.md. */
  readonly purpose: string;
  readonly description: string;
  /** The configured secret; undefined switches the routes it guards off (404). */
  readonly secretOf: (config: AppConfig) => string | undefined;
}

/**
 * Shared secrets that webhook senders present instead of a user token, by name. Each guards the
 * routes marked @MachineSecret(name), and nothing else: a user token never opens them.
 */
export const MACHINE_SECRETS = {
  'auth0-log-stream': {
    scheme: 'auth0LogStreamToken',
    env: 'AUTH0_LOG_STREAM_TOKEN',
    purpose: 'Auth0 Log Streams posting sign-in events to the audit trail',
    description:
      'The shared secret configured as the Auth0 Log Stream\'s "Authorization Token" (AUTH0_LOG_STREAM_TOKEN), ' +
      'sent in the Authorization header as is or as `Bearer <secret>`. Not a user token: a user token is refused.',
    secretOf: (config) => config.auth0LogStreamToken,
  },
} as const satisfies Record<string, MachineSecretDefinition>;

export type MachineSecretName = keyof typeof MACHINE_SECRETS;

const BEARER_PREFIX = /^bearer +/i;

/**
 * Whether the Authorization header carries the secret, raw or after `Bearer `. Both candidates
 * are compared, always, as SHA-256 digests with timingSafeEqual: equal lengths by construction,
 * so the time taken tells nothing about the secret's length or content.
 */
export function authorizationCarriesSecret(header: string, secret: string): boolean {
  const expected = digest(secret);
  const raw = timingSafeEqual(digest(header.trim()), expected);
  const bearer = timingSafeEqual(digest(header.trim().replace(BEARER_PREFIX, '')), expected);
  return raw || bearer;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
