// The final report: Markdown tables on stdout.
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

/** The audit trail's cost: the same endpoint on an API with the trail on and one with it off. */
export function auditCostTable(pairs: readonly { on: LoadResult; off: LoadResult }[]): string {
  return table(
    ['endpoint', 'audit on req/s', 'audit off req/s', 'throughput cost', 'on p50 ms', 'off p50 ms', 'p50 on/off', 'non-2xx on/off'],
    pairs.map(({ on, off }) => [
      on.label,
      int(on.requestsPerSecond),
      int(off.requestsPerSecond),
      off.requestsPerSecond > 0 ? `${(((off.requestsPerSecond - on.requestsPerSecond) / off.requestsPerSecond) * 100).toFixed(1)}%` : '—',
      ms(on.p50Ms),
      ms(off.p50Ms),
      ratio(on.p50Ms, off.p50Ms),
      `${int(on.non2xx)}/${int(off.non2xx)}`,
    ]),
  );
}
