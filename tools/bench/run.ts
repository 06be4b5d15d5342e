// npm run bench — the benchmark suite (never part of npm test). It starts everything it needs on
// loopback and removes it afterwards: its own FerretDB in a temporary directory, its own dev
// issuer, the built API (dist/, built first only when missing) as a child process, and a tenant
// made with the operator CLI. Then it measures:
//   1. throughput and latency (autocannon) of GET /health/live (the baseline), GET /v1/me and
//      GET /v1/partners?limit=50 (200 partners seeded), each also as a ratio to the baseline;
//   2. the audit trail's cost: GET /v1/me, GET /v1/partners and POST /v1/partners on this API and
//      on a second one started with AUDIT_ACCESS_LOG=off AUDIT_CHANGE_LOG=off (same database),
//      in interleaved rounds: throughput, mean latency, and CPU per request of the API and the DB;
//   3. appending to a long audit stream: the same POST and GET before and after BENCH_AUDIT_EVENTS
//      events are seeded into the tenant's chain (audit-scale.ts);
//   4. every CSV export route that exists (GET /v1/leads/export, /v1/opportunities/export): N
//      rows seeded straight into the collection, then streamed over HTTP from a freshly started
//      API process and counted, with that process's memory sampled every 100 ms.
// Prints Markdown tables on stdout, progress on stderr. Settings (environment):
//   BENCH_DURATION_S=5  BENCH_WARMUP_S=1  BENCH_CONNECTIONS=10  BENCH_PARTNERS=200  BENCH_AUDIT_ROUNDS=3
//   BENCH_AUDIT_EVENTS=200000 (events seeded for the long-stream run; 0 skips it)
//   BENCH_EXPORT_ROWS=1000000  BENCH_SEED_BATCH=10000  BENCH_EXPORT_TIMEOUT_S=1800
//   BENCH_EXPORTS=leads,opportunities (or "none")  BENCH_TIMEOUT_S=3600 (the whole run)
//   BENCH_LEADS_BODY / BENCH_OPPORTUNITIES_BODY: JSON body for the template row's POST
//   BENCH_API_NODE_ARGS="--trace-gc" (extra Node flags for the API only)  BENCH_API_LOG=file (API output)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot, startFerretDb, withDatabase } from '../db/ferretdb.ts';
import { DevIssuer } from '../dev-issuer/dev-issuer.ts';
import { benchmarkExport, EXPORT_TARGETS } from './export.ts';
import type { ExportOutcome } from './export.ts';
import { Cleanup, ensureBuilt, intSetting, killRunningChildren, log, memoryOf, runNode, runTool, startApi } from './harness.ts';
import { measure } from './load.ts';
import type { LoadResult } from './load.ts';
import { benchmarkAuditScale } from './audit-scale.ts';
import type { AuditScaleOutcome } from './audit-scale.ts';
import { auditCostTable, auditScaleTable, exportTable, loadTable, medianOf } from './table.ts';

const ORG_ID = 'org_bench';
const ADMIN_SUB = 'auth0|bench-admin';

const env = process.env;
const settings = {
  durationSeconds: intSetting(env, 'BENCH_DURATION_S', 5),
  warmupSeconds: intSetting(env, 'BENCH_WARMUP_S', 1, 0),
  connections: intSetting(env, 'BENCH_CONNECTIONS', 10),
  auditRounds: intSetting(env, 'BENCH_AUDIT_ROUNDS', 3),
  auditScaleEvents: intSetting(env, 'BENCH_AUDIT_EVENTS', 200_000, 0),
  partners: intSetting(env, 'BENCH_PARTNERS', 200),
  exportRows: intSetting(env, 'BENCH_EXPORT_ROWS', 1_000_000),
  seedBatch: intSetting(env, 'BENCH_SEED_BATCH', 10_000),
  exportTimeoutMs: intSetting(env, 'BENCH_EXPORT_TIMEOUT_S', 1800) * 1000,
  timeoutMs: intSetting(env, 'BENCH_TIMEOUT_S', 3600) * 1000,
  apiOptions: {
    nodeArgs: (env.BENCH_API_NODE_ARGS ?? '').split(/\s+/).filter((a) => a !== ''),
    logFile: env.BENCH_API_LOG || undefined,
  },
  exports: (env.BENCH_EXPORTS ?? 'leads,opportunities')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '' && s !== 'none'),
};

const cleanup = new Cleanup();
const startedAt = Date.now();
const deadline = startedAt + settings.timeoutMs;

async function seedPartners(baseUrl: string, auth: Record<string, string>): Promise<string> {
  let firstActive: string | undefined;
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < settings.partners; i = next++) {
      const res = await fetch(`${baseUrl}/v1/partners`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `Bench Partner ${String(i).padStart(4, '0')}`, status: i % 2 === 0 ? 'active' : 'prospect', region: 'EMEA' }),
      });
      const body = (await res.json()) as { id?: string };
      if (res.status !== 201 || !body.id) throw new Error(`POST /v1/partners answered ${res.status}: ${JSON.stringify(body)}`);
      if (i === 0) firstActive = body.id;
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  if (!firstActive) throw new Error('no active partner was created');
  return firstActive;
}

/** The tenant id in `tenants:create`'s JSON output. */
function tenantIdOf(stdout: string): string {
  const id = (JSON.parse(stdout) as { tenant?: { id?: unknown } }).tenant?.id;
  if (typeof id !== 'string') throw new Error(`tenants:create printed no tenant id: ${stdout}`);
  return id;
}

async function main(): Promise<void> {
  cleanup.add('child processes', killRunningChildren);
  const root = projectRoot();
  await ensureBuilt(root);

  const dir = await mkdtemp(join(tmpdir(), 'partnerportal-bench-'));
  cleanup.add('temporary directory', () => rm(dir, { recursive: true, force: true }));
  log(`starting FerretDB in ${dir}`);
  const db = await startFerretDb({ dataDir: join(dir, 'db'), listenAddr: '127.0.0.1:0', logLevel: 'error' });
  cleanup.add('FerretDB', () => db.stop());
  const mongodbUri = withDatabase(db.uri, 'partnerportal_bench');

  const issuer = await DevIssuer.ephemeral();
  const issuerServer = await issuer.serve(0);
  cleanup.add('dev issuer', () => issuerServer.close());

  const apiEnv: NodeJS.ProcessEnv = {
    ...env,
    NODE_ENV: 'development',
    MONGODB_URI: mongodbUri,
    AUTH_ISSUER_URL: issuerServer.url,
    LOG_LEVEL: 'warn',
    // The benchmark measures throughput from one address and one user: no rate limit may cut in.
    RATE_LIMIT_IP: '1000000000',
    RATE_LIMIT_USER: '1000000000',
    RATE_LIMIT_TENANT: '1000000000',
    RATE_LIMIT_EXPORT: '1000000000',
    RATE_LIMIT_AUDIT: '1000000000',
  };
  const created = await runNode(
    [join('dist', 'cli', 'main.js'), 'tenants:create', '--name', 'Bench Co', '--org-id', ORG_ID, '--admin-sub', ADMIN_SUB, '--admin-email', 'admin@bench.example'],
    { cwd: root, env: { ...apiEnv, OPERATOR_NAME: 'bench' }, timeoutMs: 60_000 },
  );
  if (created.code !== 0) throw new Error(`tenants:create failed (exit ${created.code}): ${created.stderr}`);
  log(`tenant: ${created.stdout.trim()}`);

  let api = await startApi(root, apiEnv, settings.apiOptions);
  cleanup.add('API', () => api.stop());
  log(`API pid ${api.pid} on ${api.baseUrl}`);
  const idleRss = memoryOf(api.pid)?.rssMb ?? NaN;

  const token = await issuer.mint({ sub: ADMIN_SUB, orgId: ORG_ID, email: 'admin@bench.example', amr: ['mfa'], ttlSeconds: 4 * 3600 });
  const auth = { authorization: `Bearer ${token}` };
  log(`seeding ${settings.partners} partners through POST /v1/partners`);
  const activePartnerId = await seedPartners(api.baseUrl, auth);

  const load: LoadResult[] = [];
  for (const target of [
    { label: 'GET /health/live', url: `${api.baseUrl}/health/live` },
    { label: 'GET /v1/me', url: `${api.baseUrl}/v1/me`, headers: auth },
    { label: 'GET /v1/partners?limit=50', url: `${api.baseUrl}/v1/partners?limit=50`, headers: auth },
  ]) {
    const result = await measure(target, settings);
    result.rssAfterMb = memoryOf(api.pid)?.rssMb;
    load.push(result);
  }

  const afterLoadRss = memoryOf(api.pid)?.rssMb ?? NaN;

  const auditOff = await startApi(root, { ...apiEnv, AUDIT_ACCESS_LOG: 'off', AUDIT_CHANGE_LOG: 'off' }, settings.apiOptions);
  cleanup.add('API without audit', () => auditOff.stop());
  const auditPairs: { on: LoadResult; off: LoadResult }[] = [];
  const post = { path: '/v1/partners', method: 'POST' as const, body: { name: 'Bench Audit Partner', region: 'EMEA' } };
  const endpoints: { label: string; path: string; connections: number; method?: 'POST'; body?: unknown }[] = [
    { label: 'GET /v1/me', path: '/v1/me', connections: settings.connections },
    { label: 'GET /v1/partners?limit=50', path: '/v1/partners?limit=50', connections: settings.connections },
    // One connection: the latency a change costs itself; then under load, where it also queues.
    { label: 'POST /v1/partners (1 connection)', ...post, connections: 1 },
    { label: `POST /v1/partners (${settings.connections} connections)`, ...post, connections: settings.connections },
  ];
  for (const endpoint of endpoints) {
    const target = (baseUrl: string) => ({ label: endpoint.label, url: `${baseUrl}${endpoint.path}`, headers: auth, method: endpoint.method, body: endpoint.body });
    const load = { ...settings, connections: endpoint.connections };
    // Interleaved rounds, alternating which goes first, and the median of each: one noisy
    // neighbour second should not decide the comparison.
    const on: LoadResult[] = [];
    const off: LoadResult[] = [];
    for (let round = 0; round < settings.auditRounds; round++) {
      const runOn = async () => on.push(await measure(target(api.baseUrl), load, { api: api.pid, db: db.pid }));
      const runOff = async () => off.push(await measure(target(auditOff.baseUrl), load, { api: auditOff.pid, db: db.pid }));
      if (round % 2 === 0) await runOn().then(runOff);
      else await runOff().then(runOn);
    }
    auditPairs.push({ on: medianOf(on), off: medianOf(off) });
  }
  await auditOff.stop();

  let auditScale: AuditScaleOutcome | undefined;
  if (settings.auditScaleEvents > 0) {
    auditScale = await benchmarkAuditScale({
      root,
      mongodbUri,
      tenantId: tenantIdOf(created.stdout),
      events: settings.auditScaleEvents,
      auth,
      load: settings,
      stopApi: () => api.stop(),
      freshApi: async () => {
        await api.stop();
        api = await startApi(root, apiEnv, settings.apiOptions);
        return api;
      },
    });
  }

  const exports: ExportOutcome[] = [];
  for (const target of EXPORT_TARGETS.filter((t) => settings.exports.includes(t.name))) {
    const apiUnderTest = {
      baseUrl: api.baseUrl,
      pid: api.pid,
      fresh: async () => {
        await api.stop();
        api = await startApi(root, apiEnv, settings.apiOptions);
        log(`fresh API pid ${api.pid} for the export`);
        return api;
      },
    };
    const outcome = await benchmarkExport(target, apiUnderTest, { uri: mongodbUri, pid: db.pid }, auth, { activePartnerId, adminSub: ADMIN_SUB }, {
      rows: settings.exportRows,
      seedBatch: settings.seedBatch,
      timeoutMs: settings.exportTimeoutMs,
      deadline,
    });
    if (outcome.kind === 'skipped') log(`export ${outcome.label}: skipped: ${outcome.reason}`);
    exports.push(outcome);
  }

  process.stdout.write(
    [
      '',
      `PartnerPortal API benchmark — ${new Date().toISOString()}, Node ${process.version}, FerretDB (SQLite) on loopback, ` +
        `API with NODE_ENV=development LOG_LEVEL=warn; ${settings.connections} connections × ${settings.durationSeconds} s per endpoint ` +
        `(after ${settings.warmupSeconds} s warm-up)`,
      '',
      loadTable(load),
      '',
      `API RSS: ${idleRss.toFixed(0)} MB after start (VmRSS), ${afterLoadRss.toFixed(0)} MB after the load runs`,
      '',
      `Audit trail cost (audit on: this API; off: a second API with AUDIT_ACCESS_LOG=off AUDIT_CHANGE_LOG=off, same database; ` +
        `medians of ${settings.auditRounds} interleaved rounds; CPU from /proc, 10 ms ticks):`,
      '',
      auditCostTable(auditPairs),
      '',
      auditScale
        ? `Appending to a long audit stream (${settings.auditScaleEvents.toLocaleString('en')} events seeded into the tenant's chain; fresh API each time; seeding took ${auditScale.seedSeconds.toFixed(0)} s):\n\n${auditScaleTable(auditScale)}`
        : 'audit scale: not requested (BENCH_AUDIT_EVENTS=0)',
      '',
      exports.length > 0 ? exportTable(exports) : 'exports: none requested (BENCH_EXPORTS)',
      '',
      `total ${((Date.now() - startedAt) / 1000).toFixed(0)} s`,
      '',
    ].join('\n'),
  );
}

runTool('bench', main, cleanup, { ms: settings.timeoutMs, setting: 'BENCH_TIMEOUT_S' });
