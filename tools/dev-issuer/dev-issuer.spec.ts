import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  calculateJwkThumbprint,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  jwtVerify,
  type JWTVerifyOptions,
} from 'jose';
import { DEFAULT_AUDIENCE, DevIssuer, type DevIssuerServer } from './dev-issuer.ts';

// jest runs this file as CommonJS (@swc/jest), so __dirname is available here.
const TOKEN_CLI = join(__dirname, 'token.ts');
const SERVE_CLI = join(__dirname, 'serve.ts');
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

let tmpRoot: string;
const servers: DevIssuerServer[] = [];

beforeAll(async () => {
  tmpRoot = await mkdtemp(join(tmpdir(), 'dev-issuer-spec-'));
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

afterAll(async () => {
  await rm(tmpRoot, { recursive: true, force: true });
});

async function track(server: Promise<DevIssuerServer>): Promise<DevIssuerServer> {
  const started = await server;
  servers.push(started);
  return started;
}

async function freshDir(): Promise<string> {
  return mkdtemp(join(tmpRoot, 'keys-'));
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function verifyRemote(token: string, server: DevIssuerServer, options: Partial<JWTVerifyOptions> = {}) {
  return jwtVerify(token, createRemoteJWKSet(new URL(server.jwksUri)), {
    issuer: server.url,
    audience: DEFAULT_AUDIENCE,
    algorithms: ['RS256'],
    ...options,
  });
}

async function rejectionCode(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code;
  }
  throw new Error('expected the promise to reject');
}

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function childEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  // Drop NODE_OPTIONS (jest may run with --experimental-vm-modules) so the child runs as `npm run` would.
  const { NODE_OPTIONS: _ignored, ...env } = process.env;
  return { ...env, NODE_ENV: 'development', ...overrides };
}

function runCli(script: string, args: string[], cwd: string, env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd, env: childEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('DevIssuer', () => {
  describe('tokens verified against the JWKS served over HTTP', () => {
    it('mints an RS256 token that verifies with the exact issuer and audience', async () => {
      const issuer = await DevIssuer.ephemeral();
      const server = await track(issuer.serve(0));
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(server.url).not.toBe('http://127.0.0.1:0/');
      expect(issuer.issuerUrl).toBe(server.url);
      expect(server.jwksUri).toBe(`${server.url}.well-known/jwks.json`);

      const token = await issuer.mint({ sub: 'auth0|user-1', orgId: 'org_abc', amr: ['mfa'], email: 'u1@example.com' });
      const { payload, protectedHeader } = await verifyRemote(token, server);

      expect(protectedHeader).toEqual({ alg: 'RS256', typ: 'JWT', kid: issuer.kid });
      expect(payload).toMatchObject({
        iss: server.url,
        aud: 'https://api.partnerportal.local',
        sub: 'auth0|user-1',
        org_id: 'org_abc',
        amr: ['mfa'],
        email: 'u1@example.com',
      });
      expect(payload.exp! - payload.iat!).toBe(3600);
      expect(Math.abs(payload.iat! - Date.now() / 1000)).toBeLessThan(5);
    });

    it('honours audience, ttl and extra claims, and omits unset optional claims', async () => {
      const issuer = await DevIssuer.ephemeral();
      const server = await track(issuer.serve(0));
      const token = await issuer.mint({
        sub: 's',
        audience: ['https://other.example', 'https://api.partnerportal.local'],
        ttlSeconds: 60,
        extra: { scope: 'read:partners' },
      });

      const { payload } = await verifyRemote(token, server, { audience: 'https://other.example' });
      expect(payload.exp! - payload.iat!).toBe(60);
      expect(payload.scope).toBe('read:partners');
      expect(payload).not.toHaveProperty('org_id');
      expect(payload).not.toHaveProperty('amr');
      expect(payload).not.toHaveProperty('email');
      await expect(verifyRemote(token, server, { audience: 'https://nope.example' })).rejects.toMatchObject({
        code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
      });
    });

    it('rejects a token from a different key, even one claiming the served kid', async () => {
      const issuer = await DevIssuer.ephemeral();
      const server = await track(issuer.serve(0));
      const impostor = await DevIssuer.ephemeral(server.url);
      expect(impostor.kid).not.toBe(issuer.kid);

      const foreign = await impostor.mint({ sub: 's', orgId: 'o' });
      expect(await rejectionCode(verifyRemote(foreign, server))).toBe('ERR_JWKS_NO_MATCHING_KEY');

      const forgedKid = await impostor.signWith(impostor.buildClaims({ sub: 's', orgId: 'o' }), { kid: issuer.kid });
      expect(await rejectionCode(verifyRemote(forgedKid, server))).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    });

    it('rejects a token whose payload was tampered with', async () => {
      const issuer = await DevIssuer.ephemeral();
      const server = await track(issuer.serve(0));
      const [header, , signature] = (await issuer.mint({ sub: 's', orgId: 'org_a' })).split('.');
      const otherPayload = (await issuer.mint({ sub: 's', orgId: 'org_b' })).split('.')[1];

      expect(await rejectionCode(verifyRemote(`${header}.${otherPayload}.${signature}`, server))).toBe(
        'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
      );
    });
  });

  describe('HTTP endpoints', () => {
    it('serves a public-only JWKS whose kid is the RFC 7638 thumbprint', async () => {
      const issuer = await DevIssuer.ephemeral();
      const server = await track(issuer.serve(0));

      const response = await fetch(server.jwksUri);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(response.headers.get('cache-control')).toMatch(/max-age=300/);
      const jwks = (await response.json()) as { keys: Record<string, unknown>[] };

      expect(jwks.keys).toHaveLength(1);
      for (const set of [jwks, issuer.jwks()]) {
        const key = set.keys[0] as Record<string, unknown>;
        for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);
        expect(key).toMatchObject({ kty: 'RSA', e: 'AQAB', use: 'sig', alg: 'RS256', kid: issuer.kid });
        expect(Buffer.from(key.n as string, 'base64url')).toHaveLength(256); // 2048-bit modulus
      }
      expect(await calculateJwkThumbprint({ kty: 'RSA', n: jwks.keys[0].n as string, e: 'AQAB' })).toBe(issuer.kid);
    });

    it('serves the OpenID configuration and 404s anything else', async () => {
      const issuer = await DevIssuer.ephemeral();
      const server = await track(issuer.serve(0));

      const config = await fetch(`${server.url}.well-known/openid-configuration`);
      expect(config.status).toBe(200);
      expect(await config.json()).toEqual({ issuer: server.url, jwks_uri: server.jwksUri });
      expect((await fetch(`${server.url}authorize`)).status).toBe(404);
      expect((await fetch(`${server.url}.well-known/jwks.json.bak`)).status).toBe(404);
      expect((await fetch(server.jwksUri, { method: 'POST' })).status).toBe(405);
    });

    it('fixes the issuer URL at the first serve() and refuses a port that does not match it', async () => {
      const unserved = await DevIssuer.ephemeral();
      expect(unserved.issuerUrl).toBeUndefined();
      expect(await rejectionCode(unserved.mint({ sub: 's' }))).toBe('issuer_url_unset');

      const fixed = await DevIssuer.ephemeral('http://127.0.0.1:1/');
      expect(await rejectionCode(fixed.serve(0))).toBe('issuer_url_mismatch');

      const port = await freePort();
      const onPort = await DevIssuer.ephemeral(`http://localhost:${port}/`);
      const server = await track(onPort.serve(port));
      expect(server.url).toBe(`http://localhost:${port}/`);
      expect((await fetch(`http://127.0.0.1:${port}/.well-known/jwks.json`)).status).toBe(200);
    });

    it('refuses an issuer URL without the trailing slash', async () => {
      expect(await rejectionCode(DevIssuer.ephemeral('http://127.0.0.1:3001'))).toBe('invalid_issuer_url');
      expect(await rejectionCode(DevIssuer.loadOrCreate(await freshDir(), 'not a url/'))).toBe('invalid_issuer_url');
    });
  });

  describe('mint() validation and the signWith() escape hatch', () => {
    it('refuses invalid claims and extra claims that would override the standard ones', async () => {
      const issuer = await DevIssuer.ephemeral('http://127.0.0.1:3001/');
      expect(await rejectionCode(issuer.mint({ sub: '' }))).toBe('invalid_claims');
      expect(await rejectionCode(issuer.mint({ sub: 's', ttlSeconds: 0 }))).toBe('invalid_claims');
      expect(await rejectionCode(issuer.mint({ sub: 's', ttlSeconds: 1.5 }))).toBe('invalid_claims');
      expect(await rejectionCode(issuer.mint({ sub: 's', extra: { iss: 'https://evil/' } }))).toBe('invalid_claims');
      expect(await rejectionCode(issuer.mint({ sub: 's', extra: { exp: 1 } }))).toBe('invalid_claims');
    });

    it('signs arbitrary headers and payloads with the real key', async () => {
      const issuer = await DevIssuer.ephemeral();
      const server = await track(issuer.serve(0));
      const claims = issuer.buildClaims({ sub: 's', orgId: 'o' });

      // Default header: indistinguishable from mint().
      const plain = await issuer.signWith(claims);
      expect((await verifyRemote(plain, server)).payload).toEqual(claims);

      // Header overrides and removals are applied verbatim.
      const hs256 = await issuer.signWith(claims, { alg: 'HS256', typ: undefined });
      expect(decodeProtectedHeader(hs256)).toEqual({ alg: 'HS256', kid: issuer.kid });
      expect(await rejectionCode(verifyRemote(hs256, server))).toBe('ERR_JOSE_ALG_NOT_ALLOWED');

      const expired = await issuer.signWith({ ...claims, iat: 1000, exp: 2000 });
      expect(await rejectionCode(verifyRemote(expired, server))).toBe('ERR_JWT_EXPIRED');

      const { exp: _exp, ...noExp } = claims;
      const withoutExp = await issuer.signWith(noExp);
      expect(decodeJwt(withoutExp)).not.toHaveProperty('exp');
      expect(await rejectionCode(verifyRemote(withoutExp, server, { requiredClaims: ['exp'] }))).toBe(
        'ERR_JWT_CLAIM_VALIDATION_FAILED',
      );

      const noKid = await issuer.signWith(claims, { kid: undefined });
      expect(decodeProtectedHeader(noKid)).toEqual({ alg: 'RS256', typ: 'JWT' });
      // A single-key JWKS still matches a kid-less token: the signature is real.
      expect((await verifyRemote(noKid, server)).payload.sub).toBe('s');

      const rawPayload = await issuer.signWith('not json');
      expect(Buffer.from(rawPayload.split('.')[1], 'base64url').toString()).toBe('not json');
      expect(await rejectionCode(verifyRemote(rawPayload, server))).toBe('ERR_JWT_INVALID');
    });
  });

  describe('persisted key', () => {
    it('creates <dir>/private.pem (PKCS8, mode 0600) once and reuses it', async () => {
      const dir = join(await freshDir(), 'nested', 'issuer');
      const first = await DevIssuer.loadOrCreate(dir, 'http://127.0.0.1:3001/');
      const pem = await readFile(join(dir, 'private.pem'), 'utf8');
      expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n?$/);
      if (process.platform !== 'win32') expect((await stat(join(dir, 'private.pem'))).mode & 0o777).toBe(0o600);

      const second = await DevIssuer.loadOrCreate(dir, 'http://127.0.0.1:3002/');
      expect(second.kid).toBe(first.kid);
      expect(await readFile(join(dir, 'private.pem'), 'utf8')).toBe(pem);
      expect(second.issuerUrl).toBe('http://127.0.0.1:3002/');

      const elsewhere = await DevIssuer.loadOrCreate(await freshDir(), 'http://127.0.0.1:3001/');
      expect(elsewhere.kid).not.toBe(first.kid);
    });

    it('ends up with one key when created concurrently', async () => {
      const dir = await freshDir();
      const issuers = await Promise.all(
        Array.from({ length: 6 }, () => DevIssuer.loadOrCreate(dir, 'http://127.0.0.1:3001/')),
      );
      const [first] = issuers;
      for (const issuer of issuers) expect(issuer.kid).toBe(first.kid);
      expect(await readdir(dir)).toEqual(['private.pem']); // no temp files left behind
    });

    it('refuses a corrupt key file instead of replacing it', async () => {
      const dir = await freshDir();
      await DevIssuer.loadOrCreate(dir, 'http://127.0.0.1:3001/');
      await writeFile(join(dir, 'private.pem'), 'garbage');
      expect(await rejectionCode(DevIssuer.loadOrCreate(dir, 'http://127.0.0.1:3001/'))).toBe('invalid_key_file');
      expect(await readFile(join(dir, 'private.pem'), 'utf8')).toBe('garbage');
    });
  });

  describe('token.ts CLI', () => {
    it('prints only a token that verifies against the served JWKS of the same key dir', async () => {
      const cwd = await freshDir();
      const issuerUrl = `http://127.0.0.1:${await freePort()}/`;
      const result = await runCli(
        TOKEN_CLI,
        ['--org', 'org_cli', '--sub', 'auth0|cli', '--amr', 'mfa', '--email', 'cli@example.com', '--ttl', '120'],
        cwd,
        { DEV_ISSUER_DIR: 'keys', AUTH_ISSUER_URL: issuerUrl },
      );
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);

      // DEV_ISSUER_DIR is relative to the working directory.
      const issuer = await DevIssuer.loadOrCreate(join(cwd, 'keys'), issuerUrl);
      const server = await track(issuer.serve(Number(new URL(issuerUrl).port)));
      const { payload, protectedHeader } = await verifyRemote(result.stdout.trim(), server);
      expect(protectedHeader.kid).toBe(issuer.kid);
      expect(payload).toMatchObject({
        iss: issuerUrl,
        aud: DEFAULT_AUDIENCE,
        sub: 'auth0|cli',
        org_id: 'org_cli',
        amr: ['mfa'],
        email: 'cli@example.com',
      });
      expect(payload.exp! - payload.iat!).toBe(120);
    });

    it('passes --aud through and creates one key when several CLIs start at once', async () => {
      const cwd = await freshDir();
      const env = { DEV_ISSUER_DIR: join(cwd, 'keys'), AUTH_ISSUER_URL: 'http://127.0.0.1:3001/' };
      const results = await Promise.all(
        Array.from({ length: 4 }, (_, i) => runCli(TOKEN_CLI, ['--org', 'o', '--sub', `s${i}`, '--aud', 'x'], cwd, env)),
      );
      for (const result of results) expect(result).toMatchObject({ code: 0, stderr: '' });
      const kids = results.map((result) => decodeProtectedHeader(result.stdout.trim()).kid);
      const { kid } = await DevIssuer.loadOrCreate(env.DEV_ISSUER_DIR, env.AUTH_ISSUER_URL);
      expect(kids).toEqual([kid, kid, kid, kid]);
      expect(decodeJwt(results[0].stdout.trim()).aud).toBe('x');
      expect(await readdir(env.DEV_ISSUER_DIR)).toEqual(['private.pem']);
    });

    it.each([
      [['--org', 'o'], 'missing_flag'],
      [['--sub', 's'], 'missing_flag'],
      [['--org', 'o', '--sub', 's', '--admin'], 'unknown_flag'],
      [['--org', 'o', '--sub', 's', '--ttl', 'soon'], 'invalid_flag_value'],
      [['--org', 'o', '--sub', 's', 'extra'], 'unexpected_argument'],
    ])('fails with JSON on stderr for %j', async (args, error) => {
      const cwd = await freshDir();
      const result = await runCli(TOKEN_CLI, args, cwd, { DEV_ISSUER_DIR: 'keys' });
      expect(result.code).not.toBe(0);
      expect(result.stdout).toBe('');
      expect(JSON.parse(result.stderr)).toEqual({ error, message: expect.any(String) });
    });

    it('refuses to run in production', async () => {
      const cwd = await freshDir();
      const result = await runCli(TOKEN_CLI, ['--org', 'o', '--sub', 's'], cwd, {
        DEV_ISSUER_DIR: 'keys',
        NODE_ENV: 'production',
      });
      expect(result.code).not.toBe(0);
      expect(result.stdout).toBe('');
      expect(JSON.parse(result.stderr)).toEqual({ error: 'production_refused', message: expect.any(String) });
      expect(await readdir(cwd)).toEqual([]); // no key created
    });
  });

  describe('serve.ts', () => {
    it('prints a ready line, serves the persisted key and exits 0 on SIGTERM', async () => {
      const cwd = await freshDir();
      const issuerUrl = `http://127.0.0.1:${await freePort()}/`;
      const env = { DEV_ISSUER_DIR: 'keys', AUTH_ISSUER_URL: issuerUrl };
      const child = spawn(process.execPath, [SERVE_CLI], { cwd, env: childEnv(env) });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      try {
        const readyLine = await new Promise<string>((resolve, reject) => {
          let out = '';
          child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
            out += chunk;
            if (out.includes('\n')) resolve(out);
          });
          child.on('exit', (code) => reject(new Error(`serve.ts exited early (${code})`)));
        });
        const jwksUri = `${issuerUrl}.well-known/jwks.json`;
        expect(JSON.parse(readyLine)).toEqual({ ready: true, issuer: issuerUrl, jwksUri });

        const cli = await runCli(TOKEN_CLI, ['--org', 'o', '--sub', 's'], cwd, env);
        const { payload } = await jwtVerify(cli.stdout.trim(), createRemoteJWKSet(new URL(jwksUri)), {
          issuer: issuerUrl,
          audience: DEFAULT_AUDIENCE,
        });
        expect(payload.org_id).toBe('o');
      } finally {
        child.kill('SIGTERM');
      }
      expect(await exited).toBe(0);
    });
  });

  describe('production mode', () => {
    it('refuses to create, load, mint, sign or serve', async () => {
      const issuer = await DevIssuer.ephemeral('http://127.0.0.1:3001/');
      const dir = join(await freshDir(), 'never');
      const previous = process.env.NODE_ENV;
      process.env.NODE_ENV = 'production';
      try {
        expect(await rejectionCode(DevIssuer.ephemeral())).toBe('production_refused');
        expect(await rejectionCode(DevIssuer.loadOrCreate(dir, 'http://127.0.0.1:3001/'))).toBe('production_refused');
        expect(await rejectionCode(issuer.mint({ sub: 's' }))).toBe('production_refused');
        expect(await rejectionCode(issuer.signWith({ sub: 's' }))).toBe('production_refused');
        expect(await rejectionCode(issuer.serve(0))).toBe('production_refused');
        expect(() => issuer.jwks()).toThrow(expect.objectContaining({ code: 'production_refused' }));
      } finally {
        process.env.NODE_ENV = previous;
      }
      await expect(stat(dir)).rejects.toMatchObject({ code: 'ENOENT' });
    });
  });
});
