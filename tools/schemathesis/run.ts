// npm run api:fuzz — Schemathesis against the committed OpenAPI document (openapi/openapi.json) and
// the built API, once per role. Everything runs on loopback and is removed afterwards: its own
// FerretDB in a temporary directory, its own dev issuer, the built API (dist/, built first only when
// missing) as a child process (tools/bench/harness.ts), and a tenant made with the operator CLI.
// The tenant gets one user per role (Admin from tenants:create, the others through POST
// /v1/members) and a few records per collection, whose ids the Schemathesis hooks
// (tools/schemathesis/hooks.py) mix into the generated `{id}`s. Schemathesis itself comes from the
// virtualenv .venv-schemathesis (`.ci/run` creates it: pip install schemathesis==4.32.5).
// The run fails unless, for every role, Schemathesis tested every operation of the document and
// reported no failure and no error. Prints one summary line per role and a total.
// Settings (environment):
//   FUZZ_ROLES=Agent,Partner,Staff,Admin (in that order: the Admin run changes grants and members last)
//   FUZZ_MAX_EXAMPLES=15  FUZZ_PHASES=examples,coverage,fuzzing,stateful (generation is derandomized in
//   schemathesis.toml, so the same document gives the same requests: there is no seed to set)
//   FUZZ_TIMEOUT_S=1500 (the whole run)  FUZZ_REPORT_DIR=schemathesis-report (JUnit, NDJSON, API log)
//   FUZZ_VENV=.venv-schemathesis  FUZZ_API_LOG_LEVEL=warn
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { projectRoot, startFerretDb, withDatabase } from '../db/ferretdb.ts';
import { DevIssuer } from '../dev-issuer/dev-issuer.ts';
import { assertLoopback, Cleanup, ensureBuilt, intSetting, killRunningChildren, runNode, runTool, startApi } from '../bench/harness.ts';
import { countSpecOperations, summariseNdjson } from './report.ts';
import type { RoleOutcome } from './report.ts';

/**
 * The API's rate limits for this run. Schemathesis sends a few thousand requests per role from one
 * address, far above what a real client may; the limits (README, `RATE_LIMIT_*`) are raised here so
 * the run tests the API, not the throttler. Names and values go in this one object; a variable set
 * in the runner's own environment wins over it.
 */
export const RATE_LIMIT_ENV: Readonly<Record<string, string>> = {
  RATE_LIMIT_IP: '1000000000',
  RATE_LIMIT_USER: '1000000000',
  RATE_LIMIT_TENANT: '1000000000',
  RATE_LIMIT_EXPORT: '1000000000',
  RATE_LIMIT_AUDIT: '1000000000',
};

const ROLES = ['Admin', 'Staff', 'Partner', 'Agent'] as const;
type Role = (typeof ROLES)[number];
const ORG_ID = 'org_fuzz';
const SUBS: Record<Role, string> = {
  Admin: 'auth0|fuzz-admin',
  Staff: 'auth0|fuzz-staff',
  Partner: 'auth0|fuzz-partner',
  Agent: 'auth0|fuzz-agent',
};
const SPEC = join('openapi', 'openapi.json');
const CONFIG = join('tools', 'schemathesis', 'schemathesis.toml');
const HOOKS = join('tools', 'schemathesis', 'hooks.py');
const PHASES = ['examples', 'coverage', 'fuzzing', 'stateful'];

const env = process.env;
const settings = {
  roles: parseRoles(env.FUZZ_ROLES ?? 'Agent,Partner,Staff,Admin'),
  maxExamples: intSetting(env, 'FUZZ_MAX_EXAMPLES', 15),
  phases: parsePhases(env.FUZZ_PHASES ?? PHASES.join(',')),
  timeoutMs: intSetting(env, 'FUZZ_TIMEOUT_S', 1500) * 1000,
  reportDir: env.FUZZ_REPORT_DIR || 'schemathesis-report',
  venv: env.FUZZ_VENV || '.venv-schemathesis',
  apiLogLevel: env.FUZZ_API_LOG_LEVEL || 'warn',
};

function parseRoles(raw: string): Role[] {
  const roles = raw.split(',').map((r) => r.trim()).filter((r) => r !== '');
  for (const role of roles) if (!(ROLES as readonly string[]).includes(role)) throw new Error(`FUZZ_ROLES: unknown role ${JSON.stringify(role)} (${ROLES.join(', ')})`);
  if (roles.length === 0) throw new Error('FUZZ_ROLES names no role');
  return roles as Role[];
}

function parsePhases(raw: string): string[] {
  const phases = raw.split(',').map((p) => p.trim()).filter((p) => p !== '');
  for (const phase of phases) if (!PHASES.includes(phase)) throw new Error(`FUZZ_PHASES: unknown phase ${JSON.stringify(phase)} (${PHASES.join(', ')})`);
  if (phases.length === 0) throw new Error('FUZZ_PHASES names no phase');
  return phases;
}

function log(message: string): void {
  process.stderr.write(`[fuzz] ${message}\n`);
}

const cleanup = new Cleanup();
const startedAt = Date.now();
let schemathesisChild: ChildProcess | undefined;

type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: Record<string, unknown> }>;

function caller(baseUrl: string, token: string): Call {
  return async (method, path, body) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
  };
}

async function expectCreated(call: Call, path: string, body: unknown): Promise<string> {
  const res = await call('POST', path, body);
  if (res.status !== 201 || typeof res.body.id !== 'string') throw new Error(`seeding: POST ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.id;
}

/** One user per role, and a few records per collection that every role can see. Returns the ids per path template. */
async function seed(baseUrl: string, tokens: Record<Role, string>): Promise<Record<string, string[]>> {
  const admin = caller(baseUrl, tokens.Admin);
  const agent = caller(baseUrl, tokens.Agent);
  const partners = [
    await expectCreated(admin, '/v1/partners', { name: 'Fuzz Partner', status: 'active', region: 'EMEA' }),
    await expectCreated(admin, '/v1/partners', { name: 'Fuzz Spare Partner', status: 'active', region: 'APAC' }),
  ];
  // The users the Staff, Partner and Agent runs sign in as.
  for (const member of [
    { sub: SUBS.Staff, role: 'Staff' },
    { sub: SUBS.Partner, role: 'Partner', partnerId: partners[0] },
    { sub: SUBS.Agent, role: 'Agent', partnerId: partners[0] },
  ]) {
    await expectCreated(admin, '/v1/members', member);
  }
  // Member ids the Admin run may change or deactivate: spares, not the users the runs sign in as.
  const spareMembers = [
    await expectCreated(admin, '/v1/members', { email: 'invitee@fuzz.example', role: 'Staff' }),
    await expectCreated(admin, '/v1/members', { sub: 'auth0|fuzz-spare-agent', role: 'Agent', partnerId: partners[0] }),
  ];
  // Leads and opportunities owned by the Agent (in the Partner's organization): in every role's scope.
  const leads: string[] = [];
  for (let i = 0; i < 3; i++) {
    leads.push(
      await expectCreated(agent, '/v1/leads', {
        companyName: `Fuzz Prospect ${i}`,
        companyDomain: `fuzz-prospect-${i}.example.com`,
        contact: { name: `Contact ${i}`, email: `contact${i}@fuzz-prospect-${i}.example.com` },
        valueMinor: 100_000 * (i + 1),
        currency: 'EUR',
      }),
    );
  }
  const opportunities: string[] = [];
  for (let i = 0; i < 3; i++) {
    opportunities.push(
      await expectCreated(admin, '/v1/opportunities', { name: `Fuzz Deal ${i}`, amountMinor: 50_000 * (i + 1), currency: 'EUR', partnerId: partners[0], ownerId: SUBS.Agent }),
    );
  }
  const events = await admin('GET', '/v1/audit-events?limit=3');
  const auditEvents = Array.isArray(events.body.data) ? (events.body.data as { id: string }[]).map((e) => e.id) : [];
  if (auditEvents.length === 0) throw new Error(`seeding: GET /v1/audit-events answered ${events.status} without events`);
  return {
    '/v1/partners/{id}': partners,
    '/v1/members/{id}': spareMembers,
    '/v1/leads/{id}': leads,
    '/v1/leads/{id}/approve': leads,
    '/v1/leads/{id}/reject': leads,
    '/v1/leads/{id}/return': leads,
    '/v1/leads/{id}/review': leads,
    '/v1/leads/{id}/resubmit': leads,
    '/v1/leads/{id}/convert': leads,
    '/v1/opportunities/{id}': opportunities,
    '/v1/opportunities/{id}/reopen': opportunities,
    '/v1/audit-events/{id}': auditEvents,
  };
}

function runSchemathesis(args: string[], extraEnv: Record<string, string>, cwd: string, timeoutMs: number): Promise<number | null> {
  return new Promise((resolvePromise, reject) => {
    const bin = join(cwd, settings.venv, 'bin', 'schemathesis');
    if (!existsSync(bin)) {
      reject(new Error(`${bin} is missing: python3 -m venv ${settings.venv} && ${settings.venv}/bin/pip install schemathesis==4.32.5 (as .ci/run does)`));
      return;
    }
    const child = spawn(bin, args, { cwd, env: { ...env, ...extraEnv, PYTHONUNBUFFERED: '1' }, stdio: ['ignore', 'inherit', 'inherit'] });
    schemathesisChild = child;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      schemathesisChild = undefined;
      resolvePromise(code);
    });
  });
}

async function main(): Promise<void> {
  cleanup.add('child processes', killRunningChildren);
  cleanup.add('schemathesis', () => void schemathesisChild?.kill('SIGKILL'));
  const root = projectRoot();
  await ensureBuilt(root);
  const specOperations = countSpecOperations(JSON.parse(readFileSync(join(root, SPEC), 'utf8')));
  const reportDir = resolve(root, settings.reportDir);
  await rm(reportDir, { recursive: true, force: true });
  await mkdir(reportDir, { recursive: true });

  const dir = await mkdtemp(join(tmpdir(), 'partnerportal-fuzz-'));
  cleanup.add('temporary directory', () => rm(dir, { recursive: true, force: true }));
  const db = await startFerretDb({ dataDir: join(dir, 'db'), listenAddr: '127.0.0.1:0', logLevel: 'error' });
  cleanup.add('FerretDB', () => db.stop());
  const issuer = await DevIssuer.ephemeral();
  const issuerServer = await issuer.serve(0);
  cleanup.add('dev issuer', () => issuerServer.close());
  assertLoopback(issuerServer.url);

  const logStreamToken = randomBytes(24).toString('hex');
  const apiEnv: NodeJS.ProcessEnv = {
    ...RATE_LIMIT_ENV,
    ...env,
    NODE_ENV: 'development',
    MONGODB_URI: withDatabase(db.uri, 'partnerportal_fuzz'),
    AUTH_ISSUER_URL: issuerServer.url,
    AUTH0_LOG_STREAM_TOKEN: logStreamToken,
    LOG_LEVEL: settings.apiLogLevel,
  };
  const created = await runNode(
    [join('dist', 'cli', 'main.js'), 'tenants:create', '--name', 'Fuzz Co', '--org-id', ORG_ID, '--admin-sub', SUBS.Admin, '--admin-email', 'admin@fuzz.example'],
    { cwd: root, env: { ...apiEnv, OPERATOR_NAME: 'fuzz' }, timeoutMs: 60_000 },
  );
  if (created.code !== 0) throw new Error(`tenants:create failed (exit ${created.code}): ${created.stderr}`);

  const api = await startApi(root, apiEnv, { logFile: join(reportDir, 'api.log') });
  cleanup.add('API', () => api.stop());
  assertLoopback(api.baseUrl);
  log(`API pid ${api.pid} on ${api.baseUrl}; ${specOperations.length} operations in ${SPEC}`);

  const tokens = {} as Record<Role, string>;
  for (const role of ROLES) {
    tokens[role] = await issuer.mint({ sub: SUBS[role], orgId: ORG_ID, email: `${role.toLowerCase()}@fuzz.example`, amr: ['mfa'], ttlSeconds: 4 * 3600 });
  }
  const ids = await seed(api.baseUrl, tokens);
  log(`seeded: ${Object.entries(ids).filter(([path]) => !/\/(approve|reject|return|review|resubmit|convert|reopen)$/.test(path)).map(([path, list]) => `${list.length} × ${path}`).join(', ')}`);

  const outcomes: RoleOutcome[] = [];
  for (const role of settings.roles) {
    const remaining = settings.timeoutMs - (Date.now() - startedAt);
    if (remaining <= 0) throw new Error(`time limit of ${settings.timeoutMs / 1000} s (FUZZ_TIMEOUT_S) reached before the ${role} run`);
    const roleDir = join(reportDir, role.toLowerCase());
    const ndjson = join(roleDir, 'events.ndjson');
    log(`${role}: schemathesis run (max ${settings.maxExamples} fuzzing examples per operation, derandomized, phases ${settings.phases.join(',')})`);
    const began = Date.now();
    const code = await runSchemathesis(
      [
        '--config-file', CONFIG,
        'run', SPEC,
        '--url', api.baseUrl,
        '--max-examples', String(settings.maxExamples),
        '--phases', settings.phases.join(','),
        '--report', 'junit,ndjson',
        '--report-dir', roleDir,
        '--report-ndjson-path', ndjson,
        '--no-color',
      ],
      { PP_FUZZ_TOKEN: tokens[role], PP_FUZZ_LOG_STREAM_TOKEN: logStreamToken, PP_FUZZ_HOOKS: join(root, HOOKS), PP_FUZZ_IDS: JSON.stringify(ids) },
      root,
      remaining,
    );
    const outcome = summariseNdjson(role, readFileSync(ndjson, 'utf8'), specOperations, code, (Date.now() - began) / 1000);
    outcomes.push(outcome);
    log(outcome.line);
  }

  const failed = outcomes.filter((o) => !o.ok);
  const total = outcomes.reduce((sum, o) => ({ examples: sum.examples + o.examples, failures: sum.failures + o.failures + o.errors }), { examples: 0, failures: 0 });
  const minTested = Math.min(...outcomes.map((o) => o.tested.length));
  const line =
    `api:fuzz ${failed.length === 0 ? 'passed' : 'FAILED'}: ${specOperations.length} operations in spec, ` +
    `${minTested} tested in every run (${outcomes.map((o) => `${o.role} ${o.tested.length}`).join(', ')}), ` +
    `${total.examples} examples, ${total.failures} failures, ${((Date.now() - startedAt) / 1000).toFixed(0)} s; reports in ${settings.reportDir}/`;
  process.stdout.write(`${outcomes.map((o) => o.line).join('\n')}\n${line}\n`);
  if (failed.length > 0) process.exitCode = 1;
}

runTool('api:fuzz', main, cleanup, { ms: settings.timeoutMs + 60_000, setting: 'FUZZ_TIMEOUT_S' });
