// Request throughput and latency with autocannon (programmatic API), loopback only.
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { assertLoopback, log } from './harness.ts';

export interface LoadTarget {
  readonly label: string;
  readonly url: string;
  readonly headers?: Record<string, string>;
  /** Default GET; a POST sends `body` as JSON. */
  readonly method?: 'GET' | 'POST';
  readonly body?: unknown;
}

export interface LoadSettings {
  readonly connections: number;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
}

export interface LoadResult {
  readonly label: string;
  readonly requestsPerSecond: number;
  /** Mean latency: autocannon's percentiles have a 1 ms resolution, too coarse for 1–3 ms requests. */
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
  /** The API's VmRSS right after this run. */
  rssAfterMb?: number;
  /** CPU time (user + system) per request of each process named in `cpuOf`, in ms. */
  cpuMsPerRequest?: Record<string, number>;
}

function requestOf(target: LoadTarget): { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string } {
  if (target.method !== 'POST') return { method: 'GET', headers: { ...target.headers } };
  return { method: 'POST', headers: { ...target.headers, 'content-type': 'application/json' }, body: JSON.stringify(target.body ?? {}) };
}

/** One request first: a target that does not answer 2xx would only measure its error path. */
async function preflight(target: LoadTarget): Promise<void> {
  const res = await fetch(target.url, { ...requestOf(target), signal: AbortSignal.timeout(10_000) });
  const body = await res.text();
  if (res.status < 200 || res.status > 299) throw new Error(`${target.label} answered ${res.status}, not 2xx: ${body.slice(0, 500)}`);
}

/** CPU time a process has used so far (user + system), in ms; NaN where /proc is unavailable. */
export function cpuMsOf(pid: number): number {
  try {
    // Fields after the command name: state is the 1st, utime the 12th, stime the 13th (in clock ticks of 10 ms).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** Runs the load; with `cpuOf` (name → pid), also reports each process's CPU time per request. */
export async function measure(target: LoadTarget, settings: LoadSettings, cpuOf: Record<string, number> = {}): Promise<LoadResult> {
  assertLoopback(target.url);
  await preflight(target);
  const options = { url: target.url, connections: settings.connections, ...requestOf(target) };
  if (settings.warmupSeconds > 0) await autocannon({ ...options, duration: settings.warmupSeconds });
  log(`load: ${target.label} (${settings.connections} connections, ${settings.durationSeconds} s)`);
  const cpuBefore = Object.fromEntries(Object.entries(cpuOf).map(([name, pid]) => [name, cpuMsOf(pid)]));
  const result = await autocannon({ ...options, duration: settings.durationSeconds });
  const cpuMsPerRequest = Object.fromEntries(Object.entries(cpuOf).map(([name, pid]) => [name, (cpuMsOf(pid) - cpuBefore[name]) / result.requests.total]));
  return {
    label: target.label,
    cpuMsPerRequest,
    meanMs: result.latency.average,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}
