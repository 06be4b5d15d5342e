import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabaseUri } from '../utils/database';

// These tests run the compiled app exactly as `npm start` does (node dist/main.js); `npm test`
// builds first.
const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'main.js');

interface Exited {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runToExit(env: Record<string, string>): Promise<Exited> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', ...env }, cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts the built app and resolves with its port once it logs that it listens. */
function startBuilt(env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', ...env }, cwd: ROOT });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.includes('PartnerPortal API listening'));
      if (line) resolve({ child, port: (JSON.parse(line) as { port: number }).port });
    });
    child.on('exit', (code) => reject(new Error(`exited ${code} before listening: ${out}`)));
  });
}

/** A fresh Ed25519 key in a temporary file, generated at run time (never committed). */
function signingKeyFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pp-audit-key-'));
  const file = join(dir, 'audit-signing-key.pem');
  writeFileSync(file, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return file;
}

describe('the built app (npm start)', () => {
  beforeAll(() => {
    if (!existsSync(MAIN)) throw new Error('dist/main.js is missing: run `npm run build` (npm test does)');
  });

  it('runs in production mode by default and refuses to start without its essentials, listing them all', async () => {
    const { code, stdout, stderr } = await runToExit({});
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const report = JSON.parse(stderr.trim().split('\n').pop() ?? '{}') as { error: string };
    for (const name of ['MONGODB_URI', 'AUTH_ISSUER_URL', 'AUTH_AUDIENCE']) expect(report.error).toContain(name);
  });

  it('serves health and the version recorded at build time, and stops cleanly on SIGTERM', async () => {
    const { child, port } = await startBuilt({
      NODE_ENV: 'production',
      PORT: '0',
      MONGODB_URI: testDatabaseUri('built-app'),
      AUTH_ISSUER_URL: 'https://partnerportal-test.eu.auth0.com/',
      AUTH_AUDIENCE: 'https://api.partnerportal.test',
      LOG_LEVEL: 'info',
      AUDIT_SIGNING_KEY_FILE: signingKeyFile(),
      AUDIT_SIGNING_KEY_ID: 'built-app-test',
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/health/live`)).status).toBe(200);
      expect((await fetch(`${base}/health/ready`)).status).toBe(200);
      const version = (await (await fetch(`${base}/version`)).json()) as { version: string; commit: string };
      const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
      expect(version.version).toBe(pkg.version);
      const expected =
        process.env.SOURCE_COMMIT ?? execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
      // The build records the commit checked out when it ran; a commit made since then is newer.
      const built = JSON.parse(readFileSync(join(ROOT, 'dist', 'build-info.json'), 'utf8')) as { commit: string };
      expect(version.commit).toBe(built.commit);
      expect(version.commit).toMatch(/^[0-9a-f]{40}$/);
      expect([expected, built.commit]).toContain(version.commit);
    } finally {
      // Nest closes the app (connections, hooks), then re-raises the signal to exit with it.
      const exited = new Promise<{ code: number | null; signal: string | null }>((r) =>
        child.on('exit', (code, signal) => r({ code, signal })),
      );
      child.kill('SIGTERM');
      expect([{ code: 0, signal: null }, { code: null, signal: 'SIGTERM' }]).toContainEqual(await exited);
    }
  });
});
