// npm run dev — the embedded default: a local database (unless MONGODB_URI is set), the local
// dev issuer (real RSA key, real JWKS over HTTP), a fresh build, and the API in development
// mode; then prints ready-to-paste commands. Ctrl-C stops the API and the issuer; the database
// keeps running (npm run db:stop stops it).
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DevIssuer, devIssuerSettings } from './dev-issuer/dev-issuer.ts';
import { projectRoot } from './db/ferretdb.ts';

const root = projectRoot();
const port = process.env.PORT ?? '3000';

function fail(message: string): never {
  process.stderr.write(`${JSON.stringify({ error: 'dev_failed', message })}\n`);
  process.exit(1);
}

function run(args: string[], label: string): string {
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) fail(`${label} failed (exit ${result.status})`);
  return result.stdout;
}

function localDatabaseUri(): string {
  if (process.env.MONGODB_URI) return process.env.MONGODB_URI;
  const out = run([join('tools', 'db', 'cli.ts'), 'start'], 'npm run db:start');
  const line = out.trim().split('\n').pop() ?? '';
  if (!line.startsWith('MONGODB_URI=')) fail(`db:start printed no MONGODB_URI: ${out}`);
  return line.slice('MONGODB_URI='.length);
}

const DEMO = { orgId: 'org_demo', name: 'Demo Co', adminSub: 'auth0|demo-admin', adminEmail: 'admin@demo.example' };

/** Creates the demo tenant once, through the operator CLI; an existing one is left as it is. */
function seedDemoTenant(mongodbUri: string): void {
  const result = spawnSync(
    process.execPath,
    [join('dist', 'cli', 'main.js'), 'tenants:create', '--name', DEMO.name, '--org-id', DEMO.orgId, '--admin-sub', DEMO.adminSub, '--admin-email', DEMO.adminEmail],
    { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'development', MONGODB_URI: mongodbUri, OPERATOR_NAME: 'npm-run-dev' } },
  );
  if (result.status === 0) {
    process.stderr.write(`seeded demo tenant ${DEMO.orgId}\n`);
  } else if (!result.stderr.includes('"tenant_exists"')) {
    fail(`seeding the demo tenant failed: ${result.stderr}`);
  }
}

async function waitUntilReady(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  fail(`the API did not become ready at ${url}`);
}

async function main(): Promise<void> {
  const mongodbUri = localDatabaseUri();
  process.stderr.write('building…\n');
  run([join('node_modules', '@nestjs', 'cli', 'bin', 'nest.js'), 'build'], 'nest build');
  run([join('tools', 'build-info.ts')], 'build-info');

  seedDemoTenant(mongodbUri);

  const { dir, issuerUrl } = devIssuerSettings(process.env, root);
  const issuer = await DevIssuer.loadOrCreate(dir, issuerUrl);
  const issuerServer = await issuer.serve(Number(new URL(issuerUrl).port));

  const api = spawn(process.execPath, [join('dist', 'main.js')], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'development', PORT: port, MONGODB_URI: mongodbUri, AUTH_ISSUER_URL: issuerUrl },
  });
  const stop = async (): Promise<void> => {
    api.kill('SIGTERM');
    await issuerServer.close();
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  api.once('exit', (code) => {
    void issuerServer.close();
    process.exitCode = code ?? 0;
  });

  const base = `http://127.0.0.1:${port}`;
  await waitUntilReady(`${base}/health/ready`);
  const token = await issuer.mint({ sub: DEMO.adminSub, orgId: DEMO.orgId, email: DEMO.adminEmail, amr: ['mfa'] });
  process.stdout.write(
    [
      '',
      `PartnerPortal API is up on ${base} (development mode, database ${mongodbUri})`,
      `Dev issuer ${issuerUrl} serves ${issuerServer.jwksUri}`,
      '',
      `  curl -s ${base}/health/ready`,
      `  curl -s ${base}/version`,
      `  open ${base}/docs`,
      '',
      `  # the demo tenant's Admin: a real RS256 token from the dev issuer (more: npm run -s token -- --org ${DEMO.orgId} --sub <sub>)`,
      `  TOKEN=${token}`,
      `  curl -s -H "Authorization: Bearer $TOKEN" ${base}/v1/me`,
      `  curl -s -H "Authorization: Bearer $TOKEN" ${base}/v1/members`,
      '',
      'Ctrl-C stops the API; npm run db:stop stops the database.',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
