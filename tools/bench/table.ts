// The final report: Markdown tables on stdout.
import type { AuditScaleOutcome } from './audit-scale.ts';
import type { ExportOutcome } from './export.ts';
import type { LoadResult } from './load.ts';

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

const int = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en') : '—');
const fixed = (n: number, digits: number): string => (Number.isFinite(n) ? n.toFixed(digits) : '—');
const ms = (n: number): string => (Number.isFinite(n) ? (n < 10 ? n.toFixed(2) : n.toFixed(1)) : '—');
const ratio = (value: number, base: number): string => (base > 0 && Number.isFinite(value) ? `${value / base < 10 ? (value / base).toFixed(2) : (value / base).toFixed(1)}×` : '—');

export function loadTable(results: readonly LoadResult[]): string {
  const base = results[0];
  return table(
    ['endpoint', 'req/s', 'p50 ms', 'p99 ms', 'req/s vs baseline', 'p50 vs baseline', 'p99 vs baseline', 'requests', 'non-2xx', 'errors', 'API RSS after MB'],
    results.map((r, i) => [
      i === 0 ? `${r.label} (baseline)` : r.label,
      int(r.requestsPerSecond),
      ms(r.p50Ms),
      ms(r.p99Ms),
      ratio(r.requestsPerSecond, base.requestsPerSecond),
      ratio(r.p50Ms, base.p50Ms),
      ratio(r.p99Ms, base.p99Ms),
      int(r.requests),
      int(r.non2xx),
      int(r.errors),
      fixed(r.rssAfterMb ?? NaN, 0),
    ]),
  );
}

export function exportTable(outcomes: readonly ExportOutcome[]): string {
  const measured = outcomes.filter((o) => o.kind === 'measured');
  const lines: string[] = [];
  if (measured.length > 0) {
    lines.push(
      table(
        ['export', 'rows', 'seconds', 'rows/s', 'first byte s', 'MB', 'API RSS before MB', 'API peak RSS MB', 'API VmHWM MB', 'DB peak RSS MB', 'seed s'],
        measured.map((o) => [
          o.label,
          o.rows === o.expectedRows ? int(o.rows) : `${int(o.rows)} (expected ${int(o.expectedRows)})`,
          fixed(o.seconds, 2),
          int(o.rows / o.seconds),
          fixed(o.firstByteSeconds, 2),
          fixed(o.megabytes, 1),
          fixed(o.rssBeforeMb, 0),
          fixed(o.peakRssMb, 0),
          fixed(o.hwmMb, 0),
          fixed(o.dbPeakRssMb, 0),
          fixed(o.seedSeconds, 1),
        ]),
      ),
    );
  }
  for (const o of outcomes) if (o.kind === 'skipped') lines.push(`${o.label}: skipped: ${o.reason}`);
  return lines.join('\n\n');
}

/** The median of each figure over rounds of the same measurement. */
export function medianOf(results: readonly LoadResult[]): LoadResult {
  const median = (values: number[]): number => {
    const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
    if (sorted.length === 0) return NaN;
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  };
  const pick = (f: (r: LoadResult) => number): number => median(results.map(f));
  const cpuNames = Object.keys(results[0]?.cpuMsPerRequest ?? {});
  return {
    label: results[0].label,
    requestsPerSecond: pick((r) => r.requestsPerSecond),
    meanMs: pick((r) => r.meanMs),
    p50Ms: pick((r) => r.p50Ms),
    p99Ms: pick((r) => r.p99Ms),
    requests: results.reduce((sum, r) => sum + r.requests, 0),
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    cpuMsPerRequest: Object.fromEntries(cpuNames.map((name) => [name, pick((r) => r.cpuMsPerRequest?.[name] ?? NaN)])),
  };
}

const percentMore = (on: number, off: number): string => (off > 0 && Number.isFinite(on) ? `${(((on - off) / off) * 100).toFixed(0)}%` : '—');

/**
 * The audit trail's cost: the same endpoint on an API with the trail on and one with it off
 * (medians over rounds). Besides throughput and latency, the CPU each request costs the API and
 * the database: on this machine both share two cores with the load generator, so throughput also
 * falls when only the database works harder.
 */
export function auditCostTable(pairs: readonly { on: LoadResult; off: LoadResult }[]): string {
  return table(
    ['endpoint', 'on req/s', 'off req/s', 'throughput cost', 'on mean ms', 'off mean ms', 'mean on/off', 'p50 on/off ms', 'API CPU ms/req on/off', 'API CPU cost', 'DB CPU ms/req on/off', 'non-2xx on/off'],
    pairs.map(({ on, off }) => [
      on.label,
      int(on.requestsPerSecond),
      int(off.requestsPerSecond),
      off.requestsPerSecond > 0 ? `${(((off.requestsPerSecond - on.requestsPerSecond) / off.requestsPerSecond) * 100).toFixed(1)}%` : '—',
      ms(on.meanMs),
      ms(off.meanMs),
      ratio(on.meanMs, off.meanMs),
      `${ms(on.p50Ms)}/${ms(off.p50Ms)}`,
      `${fixed(on.cpuMsPerRequest?.api ?? NaN, 3)}/${fixed(off.cpuMsPerRequest?.api ?? NaN, 3)}`,
      percentMore(on.cpuMsPerRequest?.api ?? NaN, off.cpuMsPerRequest?.api ?? NaN),
      `${fixed(on.cpuMsPerRequest?.db ?? NaN, 3)}/${fixed(off.cpuMsPerRequest?.db ?? NaN, 3)}`,
      `${int(on.non2xx)}/${int(off.non2xx)}`,
    ]),
  );
}

/** The same requests on a short and on a long stream; the ratios should stay near 1×. */
export function auditScaleTable({ before, after }: AuditScaleOutcome): string {
  return table(
    ['events in the stream', 'first change after start ms', 'POST mean ms (1 conn)', 'POST req/s (1 conn)', 'GET /v1/me req/s', 'GET /v1/me mean ms'],
    [
      [int(before.events), ms(before.firstChangeMs), ms(before.post.meanMs), int(before.post.requestsPerSecond), int(before.read.requestsPerSecond), ms(before.read.meanMs)],
      [int(after.events), ms(after.firstChangeMs), ms(after.post.meanMs), int(after.post.requestsPerSecond), int(after.read.requestsPerSecond), ms(after.read.meanMs)],
      [
        'long / short',
        ratio(after.firstChangeMs, before.firstChangeMs),
        ratio(after.post.meanMs, before.post.meanMs),
        ratio(after.post.requestsPerSecond, before.post.requestsPerSecond),
        ratio(after.read.requestsPerSecond, before.read.requestsPerSecond),
        ratio(after.read.meanMs, before.read.meanMs),
      ],
    ],
  );
}
