// Transport as `npm start` runs it (node dist/main.js): HTTPS only with TLS_CERT_FILE /
// TLS_KEY_FILE, checked with real handshakes against a certificate made at run time; and, in
// production behind trusted proxies, plain-HTTP requests refused.
//
// Every refusal is paired with a positive control: the same client first completes a handshake
// with a permissive TLS server in this test, so a refusal by the API is the API's doing, not a
// client that could not have spoken that version or cipher anywhere.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { BASELINE_SECURITY_HEADERS } from '#src/kernel/http/security-headers';
import { BuiltApi, startBuiltApi } from '../utils/built-api';
import { testDatabaseUri } from '../utils/database';

const MAIN = join(__dirname, '..', '..', 'dist', 'main.js');

interface Pem {
  readonly dir: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** A throw-away self-signed RSA certificate for 127.0.0.1 (openssl CLI; never committed). */
function selfSigned(dir: string, name: string): Pem {
  const certFile = join(dir, `${name}.cert.pem`);
  const keyFile = join(dir, `${name}.key.pem`);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
    { stdio: 'pipe' },
  );
  return { dir, certFile, keyFile, cert: readFileSync(certFile), key: readFileSync(keyFile) };
}

interface Handshake {
  readonly ok: boolean;
  readonly protocol?: string | null;
  readonly cipher?: string;
  readonly error?: string;
}

/** One TLS handshake with these client options; resolves with what was negotiated or why it failed. */
function handshake(port: number, options: tls.ConnectionOptions, ca: Buffer): Promise<Handshake> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca, ...options }, () => {
      const result = { ok: true, protocol: socket.getProtocol(), cipher: socket.getCipher().name };
      socket.end();
      resolve(result);
    });
    socket.setTimeout(10_000, () => socket.destroy(new Error('timeout')));
    socket.once('error', (error: NodeJS.ErrnoException) => resolve({ ok: false, error: error.code ?? error.message }));
  });
}

/** A permissive TLS server (TLS 1.0 and up, every cipher OpenSSL still has): the positive control. */
function controlServer(pem: Pem, extra: tls.TlsOptions = {}): Promise<tls.Server> {
  return new Promise((resolve) => {
    const server = tls.createServer({ key: pem.key, cert: pem.cert, minVersion: 'TLSv1', ciphers: 'ALL:@SECLEVEL=0', dhparam: 'auto', ...extra }, (s) => s.end());
    server.on('tlsClientError', () => undefined);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

function get(url: string, options: { headers?: Record<string, string>; ca?: Buffer } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = send(url, { headers: options.headers, ca: options.ca }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

function expectSecurityHeaders(reply: Reply): void {
  for (const [name, value] of Object.entries(BASELINE_SECURITY_HEADERS)) expect({ name, value: reply.headers[name.toLowerCase()] }).toEqual({ name, value });
}

const portOf = (api: BuiltApi): number => Number(new URL(api.baseUrl).port);

beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error('dist/main.js is missing: run `npm run build` (npm test does)');
});

describe('HTTPS with TLS_CERT_FILE / TLS_KEY_FILE (the built app)', () => {
  let dir: string;
  let pem: Pem;
  let api: BuiltApi;
  let port: number;
  let control: tls.Server;
  let controlPort: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pp-tls-'));
    pem = selfSigned(dir, 'server');
    api = await startBuiltApi({ NODE_ENV: 'test', MONGODB_URI: testDatabaseUri('tls'), TLS_CERT_FILE: pem.certFile, TLS_KEY_FILE: pem.keyFile });
    port = portOf(api);
    control = await controlServer(pem);
    controlPort = (control.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await api?.stop();
    await new Promise((r) => control?.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers over HTTPS, verified against the certificate, with the security headers', async () => {
    const reply = await get(`https://127.0.0.1:${port}/health/live`, { ca: pem.cert });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ status: 'ok' });
    expectSecurityHeaders(reply);
  });

  it('answers headers over the server limit with the raw 431 problem over TLS too, with the security headers', async () => {
    const reply = await get(`https://127.0.0.1:${port}/health/live`, { ca: pem.cert, headers: { 'x-filler': 'a'.repeat(20 * 1024) } });
    expect(reply.status).toBe(431);
    expect(JSON.parse(reply.body)).toMatchObject({ code: 'request_header_fields_too_large' });
    expectSecurityHeaders(reply);
  });

  it('speaks no plain HTTP on that port', async () => {
    await expect(get(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
  });

  it.each([
    ['TLSv1.2', 'TLSv1.2'],
    ['TLSv1.3', 'TLSv1.3'],
  ] as const)('completes a %s handshake', async (version, expected) => {
    const result = await handshake(port, { minVersion: version, maxVersion: version }, pem.cert);
    expect(result).toMatchObject({ ok: true, protocol: expected });
    if (version === 'TLSv1.2') expect(result.cipher).toMatch(/^ECDHE-(RSA|ECDSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$/);
  });

  // Old protocol versions need OpenSSL's security level 0 on the client (SHA-1 handshake signatures).
  it.each(['TLSv1', 'TLSv1.1'] as const)('refuses %s (the same client completes it with the control server)', async (version) => {
    const client: tls.ConnectionOptions = { minVersion: version, maxVersion: version, ciphers: 'DEFAULT:@SECLEVEL=0' };
    expect(await handshake(controlPort, client, pem.cert)).toMatchObject({ ok: true, protocol: version });
    expect(await handshake(port, client, pem.cert)).toEqual({ ok: false, error: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' });
  });

  it.each([
    ['CBC mode (no AEAD)', 'ECDHE-RSA-AES128-SHA256'],
    ['CBC with SHA-1', 'ECDHE-RSA-AES256-SHA'],
    ['static RSA key exchange (no forward secrecy)', 'AES128-GCM-SHA256'],
    ['finite-field DHE', 'DHE-RSA-AES128-GCM-SHA256'],
  ])('refuses a TLS 1.2 client that offers only %s (the control server accepts it)', async (_label, cipher) => {
    const client: tls.ConnectionOptions = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: `${cipher}:@SECLEVEL=0` };
    expect(await handshake(controlPort, client, pem.cert)).toMatchObject({ ok: true, protocol: 'TLSv1.2', cipher });
    expect(await handshake(port, client, pem.cert)).toMatchObject({ ok: false, error: 'ERR_SSL_SSL/TLS_ALERT_HANDSHAKE_FAILURE' });
  });

  it('picks the cipher in its own order, not the client\'s', async () => {
    const client: tls.ConnectionOptions = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384' };
    // Control: a server that follows the client's order takes the client's first choice.
    const follower = await controlServer(pem, { honorCipherOrder: false });
    try {
      expect(await handshake((follower.address() as AddressInfo).port, client, pem.cert)).toMatchObject({ ok: true, cipher: 'ECDHE-RSA-AES128-GCM-SHA256' });
    } finally {
      follower.close();
    }
    expect(await handshake(port, client, pem.cert)).toMatchObject({ ok: true, cipher: 'ECDHE-RSA-AES256-GCM-SHA384' });
  });

  it('refuses to start with only one of the two files, an unreadable file, or a key that does not match', async () => {
    const other = selfSigned(dir, 'other');
    const base = { NODE_ENV: 'test', MONGODB_URI: testDatabaseUri('tls_refused') };
    await expect(startBuiltApi({ ...base, TLS_CERT_FILE: pem.certFile })).rejects.toThrow(/TLS_CERT_FILE and TLS_KEY_FILE: set both or neither/);
    await expect(startBuiltApi({ ...base, TLS_CERT_FILE: join(dir, 'missing.pem'), TLS_KEY_FILE: pem.keyFile })).rejects.toThrow(/TLS_CERT_FILE: cannot read .*missing\.pem \(ENOENT\)/);
    await expect(startBuiltApi({ ...base, TLS_CERT_FILE: pem.certFile, TLS_KEY_FILE: other.keyFile })).rejects.toThrow(/not a usable certificate and private key pair/);
  });
});

describe('production behind a trusted proxy (the built app, TRUST_PROXY=1)', () => {
  let dir: string;
  let api: BuiltApi;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pp-proxy-'));
    const keyFile = join(dir, 'audit-signing-key.pem');
    writeFileSync(keyFile, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    api = await startBuiltApi({
      NODE_ENV: 'production',
      MONGODB_URI: testDatabaseUri('https_required'),
      AUTH_ISSUER_URL: 'https://partnerportal-test.eu.auth0.com/',
      AUTH_AUDIENCE: 'https://api.partnerportal.test',
      AUDIT_SIGNING_KEY_FILE: keyFile,
      AUDIT_SIGNING_KEY_ID: 'transport-test',
      TRUST_PROXY: '1',
    });
  });
  afterAll(async () => {
    await api?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves a request the proxy received over HTTPS', async () => {
    const reply = await get(`${api.baseUrl}/version`, { headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' } });
    expect(reply.status).toBe(200);
    expectSecurityHeaders(reply);
  });

  it.each([
    ['the proxy says http', { 'x-forwarded-proto': 'http' }],
    ['the proxy says nothing and the connection is plain HTTP', {}],
  ])('refuses a request when %s: 403 https_required problem+json, no redirect', async (_label, headers) => {
    const reply = await get(`${api.baseUrl}/version`, { headers });
    expect(reply.status).toBe(403);
    expect(reply.headers.location).toBeUndefined();
    expect(reply.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(JSON.parse(reply.body)).toMatchObject({ status: 403, code: 'https_required', type: 'https://partnerportal.dev/problems/https-required', requestId: reply.headers['x-request-id'] });
    expectSecurityHeaders(reply);
  });

  it('refuses before authentication and before reading a body', async () => {
    const reply = await get(`${api.baseUrl}/v1/me`, { headers: { 'x-forwarded-proto': 'http', authorization: 'Bearer not-even-a-token' } });
    expect(reply.status).toBe(403);
    expect(JSON.parse(reply.body)).toMatchObject({ code: 'https_required' });
  });

  it('lets orchestrator health probes through over plain HTTP', async () => {
    expect((await get(`${api.baseUrl}/health/live`)).status).toBe(200);
    expect((await get(`${api.baseUrl}/health/ready`, { headers: { 'x-forwarded-proto': 'http' } })).status).toBe(200);
  });
});
