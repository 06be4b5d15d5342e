import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AuditEvent, chainEvent } from '../../src/kernel/audit/audit-event';
import { type AuditDigest, auditPublicKey, generateAuditSigningKey, nextDigest } from '../../src/kernel/audit/audit-signing';

// audit:verify as an auditor runs it: the compiled CLI, an export and a public key, and nothing
// else: no database, no configuration (NODE_ENV unset means production, which would refuse to
// load a configuration without MONGODB_URI).
const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');

interface Run {
  code: number | null;
  stdout: string;
  report: Record<string, unknown> | undefined;
  error: { error: string; message: string } | undefined;
}

function verifyCli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'audit:verify', ...args], { cwd: dir, env: { PATH: process.env.PATH ?? '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => {
      const parse = (text: string) => (text.trim() ? JSON.parse(text.trim()) : undefined);
      resolve({ code, stdout, report: parse(stdout), error: code === 2 ? parse(stderr) : undefined });
    });
  });
}

const k1 = generateAuditSigningKey('2026-k1');
const k2 = generateAuditSigningKey('2026-k2');
const T = 'tenant-cli';
let dir: string;
let events: AuditEvent[];
let digests: AuditDigest[];

function write(name: string, lines: readonly unknown[]): string {
  writeFileSync(join(dir, name), lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
  return name;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'audit-verify-cli-'));
  events = [];
  for (let i = 1; i <= 8; i++) {
    const draft = {
      time: new Date(Date.UTC(2026, 2, i)).toISOString(),
      type: 'change' as const,
      action: 'partner.update',
      actor: { type: 'user' as const, id: 'auth0|ana', email: 'ana@example.com' },
      target: { type: 'partner', id: `p${i}` },
      context: { requestId: `r${i}` },
      outcome: { result: 'success' as const, status: 200 },
      changes: [{ field: 'name', before: 'Ünïcødé 😀', after: `n${i}` }],
      source: `r${i}`,
    };
    events.push(chainEvent(T, draft, events.at(-1)));
  }
  // k1 signs digest 1 (Mar 4), k2 takes over on Mar 5 and signs digest 2 (Mar 8).
  const d1 = nextDigest(T, undefined, events[3], '2026-03-04T12:00:00.000Z', k1);
  digests = [d1, nextDigest(T, d1, events[7], '2026-03-08T12:00:00.000Z', k2)];
  writeFileSync(join(dir, 'k1.pem'), k1.publicKeyPem);
  writeFileSync(join(dir, 'k2.pem'), k2.publicKeyPem);
  write('keys.json', [
    [auditPublicKey('2026-k1', k1.publicKeyPem, '2026-01-01T00:00:00.000Z', '2026-03-05T00:00:00.000Z'), auditPublicKey('2026-k2', k2.publicKeyPem, '2026-03-05T00:00:00.000Z')],
  ]);
  write('events.ndjson', events);
  write('digests.ndjson', digests);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run cli -- audit:verify (offline)', () => {
  it('verifies an export with its digest lines inline against the published keys: exit 0 and the report', async () => {
    write('export.ndjson', [...events, ...digests]);
    const r = await verifyCli('--file', 'export.ndjson', '--keys', 'keys.json');
    expect(r.code).toBe(0);
    expect(r.report).toEqual({ intact: true, stream: T, checkedEvents: 8, firstSeq: 1, lastSeq: 8, checkedDigests: 2 });
  });

  it('takes digests from a separate file and a bare public key without validity bounds', async () => {
    const r = await verifyCli('--file', 'events.ndjson', '--digests', 'digests.ndjson', '--public-key', 'k1.pem', '--public-key-id', '2026-k1', '--keys', 'keys.json');
    expect(r.code).toBe(0);
    const bare = await verifyCli('--file', 'events.ndjson', '--public-key', 'k1.pem', '--expect-digest', write('d1.json', [digests[0]]));
    expect(bare.code).toBe(0);
    expect(bare.report).toMatchObject({ intact: true, checkedDigests: 1 });
  });

  it('reports an edited event: exit 1 with the first broken seq and reason', async () => {
    const lines = events.map((e) => (e.seq === 3 ? { ...e, outcome: { ...e.outcome, status: 403 } } : e));
    const r = await verifyCli('--file', write('edited.ndjson', lines), '--keys', 'keys.json');
    expect(r.code).toBe(1);
    expect(r.report).toMatchObject({ intact: false, stream: T, brokenAt: { seq: 3, reason: 'hash_mismatch', message: expect.any(String) } });
  });

  it('catches the newest events cut with their digests only with the digest the auditor kept', async () => {
    write('cut.ndjson', [...events.slice(0, 5), digests[0]]);
    write('kept.json', [digests[1]]);
    expect((await verifyCli('--file', 'cut.ndjson', '--keys', 'keys.json')).code).toBe(0);
    const r = await verifyCli('--file', 'cut.ndjson', '--keys', 'keys.json', '--expect-digest', 'kept.json');
    expect(r.code).toBe(1);
    expect(r.report).toMatchObject({ intact: false, brokenAt: { seq: 8, digestSeq: 2, reason: 'truncated' } });
  });

  it('refuses digests checked against the wrong key', async () => {
    const r = await verifyCli('--file', 'events.ndjson', '--digests', 'digests.ndjson', '--public-key', 'k2.pem');
    expect(r.code).toBe(1);
    expect(r.report).toMatchObject({ brokenAt: { digestSeq: 1, reason: 'bad_digest_signature' } });
  });

  it('answers unusable input with exit 2 and a JSON error, never a verdict', async () => {
    writeFileSync(join(dir, 'garbled.ndjson'), `${JSON.stringify(events[0])}\n{"id":\n`);
    writeFileSync(join(dir, 'rsa.pem'), '-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n');
    const cases: [string[], RegExp][] = [
      [['--public-key', 'k1.pem'], /--file is required/],
      [['--file', 'events.ndjson'], /--public-key or --keys is required/],
      [['--file', 'events.ndjson', '--keys', 'keys.json', '--public-key-id', 'k'], /names the key given with --public-key/],
      [['--file', 'missing.ndjson', '--public-key', 'k1.pem'], /cannot read \(ENOENT\)/],
      [['--file', 'garbled.ndjson', '--public-key', 'k1.pem'], /garbled.ndjson line 2: not JSON/],
      [['--file', 'events.ndjson', '--digests', 'events.ndjson', '--public-key', 'k1.pem'], /digests only/],
      [['--file', 'events.ndjson', '--public-key', 'rsa.pem', '--public-key-id', 'x'], /rsa.pem/],
      [['--file', 'events.ndjson', '--public-key', 'k1.pem', '--tenant', 'x'], /Unknown option/],
    ];
    for (const [args, message] of cases) {
      const r = await verifyCli(...args);
      expect({ args, code: r.code, stdout: r.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(r.error).toEqual({ error: 'usage', message: expect.stringMatching(message) });
    }
  });
});
