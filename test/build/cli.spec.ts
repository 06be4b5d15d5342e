import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { testDatabaseUri } from '../utils/database';

// The operator CLI as operators run it: the compiled dist/cli/main.js, a real database.
const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  json: Record<string, unknown> | undefined;
  error: { error: string; message: string } | undefined;
}

describe('operator CLI (npm run cli)', () => {
  const env = { NODE_ENV: 'test', MONGODB_URI: testDatabaseUri('cli'), OPERATOR_NAME: 'jest' };

  function cli(...args: string[]): Promise<CliResult> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('exit', (code) => {
        const parse = (text: string) => (text.trim() ? JSON.parse(text.trim().split('\n').pop() as string) : undefined);
        resolve({ code, stdout, stderr, json: code === 0 ? parse(stdout) : undefined, error: code === 0 ? undefined : parse(stderr) });
      });
    });
  }

  it('creates a tenant with its first Admin and prints the contract shape', async () => {
    const r = await cli('tenants:create', '--name', 'Acme Ltd', '--org-id', 'org_acme', '--admin-sub', 'auth0|root', '--admin-email', 'root@acme.example');
    expect(r.code).toBe(0);
    expect(r.json).toEqual({
      tenant: { id: expect.stringMatching(/^[0-9a-f]{24}$/), name: 'Acme Ltd', orgId: 'org_acme', status: 'active' },
      admin: { id: expect.stringMatching(/^[0-9a-f]{24}$/), sub: 'auth0|root', role: 'Admin' },
    });
  });

  it('refuses a second tenant for the same organization with a clear JSON error', async () => {
    const r = await cli('tenants:create', '--name', 'Acme again', '--org-id', 'org_acme', '--admin-sub', 'auth0|other');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.error).toEqual({ error: 'tenant_exists', message: 'A tenant for organization org_acme already exists.' });
  });

  it('lists, suspends (idempotently), terminates, and refuses to bring a terminated tenant back', async () => {
    const list = await cli('tenants:list');
    expect(list.json).toEqual({ tenants: [expect.objectContaining({ orgId: 'org_acme', status: 'active' })] });

    for (let i = 0; i < 2; i++) {
      const suspended = await cli('tenants:suspend', '--org-id', 'org_acme');
      expect(suspended.code).toBe(0);
      expect(suspended.json).toMatchObject({ tenant: { orgId: 'org_acme', status: 'suspended' } });
    }
    expect((await cli('tenants:terminate', '--org-id', 'org_acme')).json).toMatchObject({ tenant: { status: 'terminated' } });
    const back = await cli('tenants:reactivate', '--org-id', 'org_acme');
    expect(back.code).toBe(1);
    expect(back.error?.error).toBe('conflict');
  });

  it('answers usage errors with exit 2 and JSON on stderr', async () => {
    const unknown = await cli('tenants:explode');
    expect(unknown.code).toBe(2);
    expect(unknown.error?.error).toBe('usage');
    const missing = await cli('tenants:create', '--name', 'No org');
    expect(missing.code).toBe(2);
    expect(missing.error).toEqual({ error: 'usage', message: '--org-id is required' });
    const unknownFlag = await cli('tenants:list', '--tenant-id', 'x');
    expect(unknownFlag.code).toBe(2);
  });

  it('answers a missing tenant with not_found', async () => {
    const r = await cli('tenants:suspend', '--org-id', 'org_nobody');
    expect(r.code).toBe(1);
    expect(r.error?.error).toBe('not_found');
  });
});
