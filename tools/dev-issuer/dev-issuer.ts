// Local development issuer: a real RSA key pair, a real JWKS served over HTTP and real RS256
// access tokens shaped like Auth0's. It stands in for the Auth0 tenant in local development and
// tests; it must never be usable in production (every entry point refuses when
// NODE_ENV === 'production').
//
// Usage (tests):
//   const issuer = await DevIssuer.ephemeral();          // in-memory key, issuer URL not yet known
//   const server = await issuer.serve(0);                // binds a free port; issuer URL becomes
//                                                        // server.url = 'http://127.0.0.1:PORT/'
//   const token = await issuer.mint({ sub: 'auth0|u1', orgId: 'org_1' });  // iss === server.url
//   ...
//   await server.close();
//
// Usage (local development, see token.ts and serve.ts):
//   const issuer = await DevIssuer.loadOrCreate('.dev/issuer', 'http://127.0.0.1:3001/');
//
// This module is loaded both by Node directly (type stripping) and by jest through @swc/jest
// (CommonJS output), so it must not use import.meta or top-level await.

import { randomUUID } from 'node:crypto';
import { link, mkdir, open, readFile, unlink } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import {
  base64url,
  calculateJwkThumbprint,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  importPKCS8,
  SignJWT,
  type CryptoKey,
  type JWK,
} from 'jose';

/** The dev issuer URL used when AUTH_ISSUER_URL is not set (trailing slash, like Auth0's). */
export const DEFAULT_ISSUER_URL = 'http://127.0.0.1:3001/';
/** The default `aud` of minted tokens. */
export const DEFAULT_AUDIENCE = 'https://api.partnerportal.local';
/** Default key directory, relative to the repository root (git-ignored). */
export const DEFAULT_KEY_DIR = '.dev/issuer';
/** Default token lifetime in seconds. */
export const DEFAULT_TTL_SECONDS = 3600;

const KEY_FILE = 'private.pem';
const ALG = 'RS256';
const JWKS_PATH = '/.well-known/jwks.json';
const OPENID_CONFIGURATION_PATH = '/.well-known/openid-configuration';
/** Claims that mint() sets itself; `extra` may not override them (use signWith() to forge). */
const RESERVED_CLAIMS = ['iss', 'sub', 'aud', 'iat', 'exp', 'nbf', 'jti', 'org_id', 'amr', 'email'];

export type DevIssuerErrorCode =
  | 'production_refused'
  | 'invalid_issuer_url'
  | 'issuer_url_unset'
  | 'issuer_url_mismatch'
  | 'invalid_claims'
  | 'invalid_key_file';

export class DevIssuerError extends Error {
  readonly code: DevIssuerErrorCode;

  constructor(code: DevIssuerErrorCode, message: string) {
    super(message);
    this.name = 'DevIssuerError';
    this.code = code;
  }
}

export interface MintClaims {
  sub: string;
  /** Auth0 organization id, emitted as the `org_id` claim. */
  orgId?: string;
  amr?: string[];
  email?: string;
  /** Lifetime in whole seconds (> 0); default 3600. */
  ttlSeconds?: number;
  /** Default DEFAULT_AUDIENCE. */
  audience?: string | string[];
  /** Additional claims (e.g. `permissions`, `scope`); may not contain the claims set above. */
  extra?: Record<string, unknown>;
}

export interface DevIssuerServer {
  /** The issuer URL (`http://HOST:PORT/`), equal to the `iss` of minted tokens. */
  url: string;
  /** `<url>.well-known/jwks.json` */
  jwksUri: string;
  /** How many times the JWKS has been requested from this server (tests count issuer load). */
  jwksRequests(): number;
  close(): Promise<void>;
}

export interface PublicJwks {
  keys: JWK[];
}

/** Throws when running in production. Called by every DevIssuer entry point. */
export function assertNotProduction(): void {
  if (process.env.NODE_ENV === 'production') {
    throw new DevIssuerError(
      'production_refused',
      'The dev issuer is for local development and tests only and refuses to run when NODE_ENV=production.',
    );
  }
}

/** Validates an issuer URL: absolute http(s) URL ending with '/', without query or fragment. */
export function validateIssuerUrl(issuerUrl: string): string {
  let parsed: URL;
  try {
    parsed = new URL(issuerUrl);
  } catch {
    throw new DevIssuerError('invalid_issuer_url', `Issuer URL is not a valid absolute URL: ${JSON.stringify(issuerUrl)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new DevIssuerError('invalid_issuer_url', `Issuer URL must be http(s): ${JSON.stringify(issuerUrl)}`);
  }
  if (!issuerUrl.endsWith('/') || parsed.search !== '' || parsed.hash !== '') {
    throw new DevIssuerError(
      'invalid_issuer_url',
      `Issuer URL must end with '/' (like Auth0's) and have no query or fragment: ${JSON.stringify(issuerUrl)}`,
    );
  }
  return issuerUrl;
}

/**
 * Settings shared by the CLIs (token.ts, serve.ts): key dir from DEV_ISSUER_DIR (resolved against
 * the current directory) or `<repoRoot>/.dev/issuer`; issuer URL from AUTH_ISSUER_URL or
 * DEFAULT_ISSUER_URL.
 */
export function devIssuerSettings(env: NodeJS.ProcessEnv, repoRoot: string): { dir: string; issuerUrl: string } {
  const dir = env.DEV_ISSUER_DIR ? resolve(env.DEV_ISSUER_DIR) : join(repoRoot, DEFAULT_KEY_DIR);
  const issuerUrl = env.AUTH_ISSUER_URL ? env.AUTH_ISSUER_URL : DEFAULT_ISSUER_URL;
  return { dir, issuerUrl };
}

// Duck-typed rather than `instanceof Error`: under jest, errors from node:fs come from another realm.
function isErrnoException(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === code;
}

function messageOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : String(error);
}

async function readPemIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (isErrnoException(error, 'ENOENT')) return undefined;
    throw error;
  }
}

async function importPrivatePem(pem: string, path: string): Promise<CryptoKey> {
  try {
    return await importPKCS8(pem, ALG, { extractable: true });
  } catch (error) {
    const reason = messageOf(error);
    throw new DevIssuerError(
      'invalid_key_file',
      `${path} is not a valid PKCS8 PEM RSA private key (${reason}); delete it to generate a new one.`,
    );
  }
}

/**
 * Writes `pem` to `path` unless the file already exists: the key goes to a unique temp file
 * (mode 0600) which is then hard-linked to `path`. link() never overwrites, so when two processes
 * race, exactly one key wins and the loser re-reads it. Returns the PEM now at `path`.
 */
async function persistOnce(path: string, pem: string): Promise<string> {
  const tmp = `${path}.${process.pid}.${randomUUID()}.tmp`;
  const handle = await open(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(pem, 'utf8');
    await handle.chmod(0o600);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(tmp, path);
    return pem;
  } catch (error) {
    if (!isErrnoException(error, 'EEXIST')) throw error;
    const existing = await readPemIfExists(path);
    if (existing === undefined) throw error;
    return existing;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function defaultPort(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

export class DevIssuer {
  readonly kid: string;
  readonly #privateKey: CryptoKey;
  readonly #publicJwk: JWK;
  #issuerUrl: string | undefined;

  private constructor(privateKey: CryptoKey, publicJwk: JWK, kid: string, issuerUrl: string | undefined) {
    this.#privateKey = privateKey;
    this.#publicJwk = publicJwk;
    this.kid = kid;
    this.#issuerUrl = issuerUrl;
  }

  /**
   * Loads the RSA key persisted at `<dir>/private.pem` (PKCS8 PEM, mode 0600), creating it on
   * first use. Safe when several processes start at once: they all end up with the same key.
   */
  static async loadOrCreate(dir: string, issuerUrl: string): Promise<DevIssuer> {
    assertNotProduction();
    validateIssuerUrl(issuerUrl);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, KEY_FILE);
    let pem = await readPemIfExists(path);
    if (pem === undefined) {
      const { privateKey } = await generateKeyPair(ALG, { modulusLength: 2048, extractable: true });
      pem = await persistOnce(path, await exportPKCS8(privateKey));
    }
    return DevIssuer.#fromPrivateKey(await importPrivatePem(pem, path), issuerUrl);
  }

  /**
   * An in-memory key for tests. Without `issuerUrl`, the issuer URL is fixed by the first
   * serve() call (`http://HOST:BOUND_PORT/`); mint() refuses until then.
   */
  static async ephemeral(issuerUrl?: string): Promise<DevIssuer> {
    assertNotProduction();
    if (issuerUrl !== undefined) validateIssuerUrl(issuerUrl);
    const { privateKey } = await generateKeyPair(ALG, { modulusLength: 2048, extractable: true });
    return DevIssuer.#fromPrivateKey(privateKey, issuerUrl);
  }

  static async #fromPrivateKey(privateKey: CryptoKey, issuerUrl: string | undefined): Promise<DevIssuer> {
    const full = await exportJWK(privateKey);
    if (full.kty !== 'RSA' || typeof full.n !== 'string' || typeof full.e !== 'string') {
      throw new DevIssuerError('invalid_key_file', 'The dev issuer key is not an RSA key.');
    }
    const publicJwk: JWK = { kty: 'RSA', n: full.n, e: full.e };
    const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
    return new DevIssuer(privateKey, publicJwk, kid, issuerUrl);
  }

  /** The issuer URL (the `iss` of minted tokens), or undefined for an ephemeral issuer not yet served. */
  get issuerUrl(): string | undefined {
    return this.#issuerUrl;
  }

  /** The public JWKS: one RSA key with `kid`, `use: 'sig'`, `alg: 'RS256'`; never private members. */
  jwks(): PublicJwks {
    assertNotProduction();
    return { keys: [{ ...this.#publicJwk, kid: this.kid, use: 'sig', alg: ALG }] };
  }

  /** The claims mint() would sign (fresh iat/exp), e.g. to tamper with them before signWith(). */
  buildClaims(claims: MintClaims): Record<string, unknown> {
    assertNotProduction();
    const iss = this.#requireIssuerUrl();
    if (typeof claims.sub !== 'string' || claims.sub === '') {
      throw new DevIssuerError('invalid_claims', 'sub must be a non-empty string.');
    }
    if (claims.orgId !== undefined && (typeof claims.orgId !== 'string' || claims.orgId === '')) {
      throw new DevIssuerError('invalid_claims', 'orgId must be a non-empty string when given.');
    }
    const ttl = claims.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    if (!Number.isSafeInteger(ttl) || ttl <= 0) {
      throw new DevIssuerError('invalid_claims', `ttlSeconds must be a positive integer, got ${String(ttl)}.`);
    }
    const extra = claims.extra ?? {};
    const clashes = Object.keys(extra).filter((key) => RESERVED_CLAIMS.includes(key));
    if (clashes.length > 0) {
      throw new DevIssuerError(
        'invalid_claims',
        `extra may not set ${clashes.join(', ')}; use the dedicated options or signWith() to forge tokens.`,
      );
    }
    const iat = Math.floor(Date.now() / 1000);
    const payload: Record<string, unknown> = {
      ...extra,
      iss,
      sub: claims.sub,
      aud: claims.audience ?? DEFAULT_AUDIENCE,
      iat,
      exp: iat + ttl,
    };
    if (claims.orgId !== undefined) payload.org_id = claims.orgId;
    if (claims.amr !== undefined) payload.amr = [...claims.amr];
    if (claims.email !== undefined) payload.email = claims.email;
    return payload;
  }

  /** A valid RS256 access token (header `alg: RS256`, `typ: JWT`, `kid`). */
  async mint(claims: MintClaims): Promise<string> {
    const payload = this.buildClaims(claims);
    return new SignJWT(payload).setProtectedHeader({ alg: ALG, typ: 'JWT', kid: this.kid }).sign(this.#privateKey);
  }

  /**
   * Escape hatch for security tests: signs `payload` (an object, or raw text used verbatim as the
   * JWS payload) with the real private key using RSASSA-PKCS1-v1_5/SHA-256, whatever the header
   * says. The header defaults to `{ alg: 'RS256', typ: 'JWT', kid }`; entries in `header` override
   * them and entries set to `undefined` remove them (e.g. `{ kid: undefined }`, `{ alg: 'HS256' }`).
   * No claim is added or checked.
   */
  async signWith(payload: Record<string, unknown> | string, header: Record<string, unknown> = {}): Promise<string> {
    assertNotProduction();
    const merged: Record<string, unknown> = { alg: ALG, typ: 'JWT', kid: this.kid, ...header };
    const protectedHeader = Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined));
    const encodedPayload = base64url.encode(typeof payload === 'string' ? payload : JSON.stringify(payload));
    const signingInput = `${base64url.encode(JSON.stringify(protectedHeader))}.${encodedPayload}`;
    const signature = await globalThis.crypto.subtle.sign(
      'RSASSA-PKCS1-v1_5',
      this.#privateKey,
      new TextEncoder().encode(signingInput),
    );
    return `${signingInput}.${base64url.encode(new Uint8Array(signature))}`;
  }

  /**
   * Serves `GET|HEAD /.well-known/jwks.json` and `/.well-known/openid-configuration` over plain
   * HTTP on `host:port` (port 0 = a free port); anything else is 404.
   *
   * The returned `url` is always the issuer URL. An issuer created without an issuer URL takes
   * `http://HOST:BOUND_PORT/` here. An issuer that already has one must be served on that URL's
   * port (so port 0 only works for issuers created by `ephemeral()` without a URL).
   */
  async serve(port: number, host = '127.0.0.1'): Promise<DevIssuerServer> {
    assertNotProduction();
    let jwksRequests = 0;
    const server = createServer((req, res) => {
      if (req.url?.startsWith(JWKS_PATH)) jwksRequests += 1;
      this.#handle(req, res);
    });
    await new Promise<void>((resolveListen, rejectListen) => {
      server.once('error', rejectListen);
      server.listen(port, host, () => {
        server.off('error', rejectListen);
        resolveListen();
      });
    });
    let closed: Promise<void> | undefined;
    const close = (): Promise<void> => {
      closed ??= new Promise<void>((resolveClose, rejectClose) => {
        server.close((error) => (error ? rejectClose(error) : resolveClose()));
        server.closeAllConnections();
      });
      return closed;
    };

    const boundPort = (server.address() as AddressInfo).port;
    if (this.#issuerUrl === undefined) {
      this.#issuerUrl = `http://${hostForUrl(host)}:${boundPort}/`;
    } else {
      const expected = new URL(this.#issuerUrl);
      if (expected.protocol !== 'http:' || defaultPort(expected) !== boundPort) {
        await close();
        throw new DevIssuerError(
          'issuer_url_mismatch',
          `Issuer URL ${this.#issuerUrl} cannot be served over plain HTTP on port ${boundPort}; ` +
            'serve it on its own port, or use DevIssuer.ephemeral() without a URL to serve on a free port.',
        );
      }
    }
    const url = this.#issuerUrl;
    return { url, jwksUri: new URL(JWKS_PATH.slice(1), url).href, jwksRequests: () => jwksRequests, close };
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://dev-issuer.invalid').pathname;
    let body: unknown;
    try {
      if (path === JWKS_PATH) {
        body = this.jwks();
      } else if (path === OPENID_CONFIGURATION_PATH) {
        const issuer = this.#requireIssuerUrl();
        body = { issuer, jwks_uri: new URL(JWKS_PATH.slice(1), issuer).href };
      }
    } catch (error) {
      const message = messageOf(error);
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: message }));
      return;
    }
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not_found' }));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res
        .writeHead(405, { 'content-type': 'application/json', allow: 'GET, HEAD' })
        .end(JSON.stringify({ error: 'method_not_allowed' }));
      return;
    }
    const json = JSON.stringify(body);
    res.writeHead(200, {
      'content-type': 'application/json',
      'cache-control': 'public, max-age=300',
      'content-length': Buffer.byteLength(json),
    });
    res.end(req.method === 'HEAD' ? undefined : json);
  }

  #requireIssuerUrl(): string {
    if (this.#issuerUrl === undefined) {
      throw new DevIssuerError(
        'issuer_url_unset',
        'This issuer has no issuer URL yet: pass one to ephemeral()/loadOrCreate() or call serve() first.',
      );
    }
    return this.#issuerUrl;
  }
}
