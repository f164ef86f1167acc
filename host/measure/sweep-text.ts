// The sweep's report as the plain text `condnet sweep` prints and bench/sweep.ts puts in
// docs/BENCHMARKS.md (plot.ts draws the same report as SVG).

import type { Construction } from '../construct/index.js';
import { SAMPLE_SIZE, SWEEP_LIMIT, VERIFY_ALL_UP_TO, type SweepReport } from './sweep.js';
import { table } from './text-table.js';

export function sweepText(r: SweepReport): string {
  const f = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 2 });
  const out: string[] = [];
  const top = Math.max(...Object.values(r.constructions).flatMap((e) => e.rows.map((x) => x.n)));
  for (const [name, e] of Object.entries(r.constructions)) {
    out.push(table(e.rows.map((row) => [
      `2^${Math.log2(row.n)}`, f(row.ops.total.min), f(row.ops.total.mean), f(row.ops.total.max), f(row.ops.cmp.max),
      f(row.wordOps.max), row.blobBytes.toLocaleString('en-US'), row.buildSeconds.toFixed(2),
      `${row.verified.correct}/${row.verified.checked}`,
    ]), [name, 'ops min', 'mean', 'max', 'cmp max', 'wordOps max', 'blob bytes', 'build s', 'verified']));
    const last = Math.max(...e.rows.map((x) => x.n));
    out.push(`${name}: slope of log ops against log n: ${e.slope.max.toFixed(3)} (max), ${e.slope.mean.toFixed(3)} (mean)` +
      (last < top && last === SWEEP_LIMIT[name as Construction] ? `; stops at 2^${Math.log2(last)}, its sweep limit (too costly beyond)` : ''), '');
  }
  for (const [name, rows] of Object.entries(r.ratios)) {
    out.push(table(rows.map((x) => [`2^${Math.log2(x.n)}`, f(x.ops), f(x.wordOps)]), [`${name} (worst case)`, 'ops', 'wordOps']), '');
  }
  const la = Object.entries(r.constructions).filter(([, e]) => e.lineAlternating.length > 0);
  if (la.length > 0) {
    const ns = la[0][1].lineAlternating.map((x) => x.n);
    out.push(table(ns.map((n, i) => [`2^${Math.log2(n)}`, String(la[0][1].lineAlternating[i].bound), ...la.map(([, e]) => String(e.lineAlternating[i]?.cmpMax ?? '-'))]),
      ['line-alternating n', 'bound ⌈log₂(n/2)⌉', ...la.map(([name]) => `${name} cmp max`)]));
    out.push('The line-alternating bound (DESIGN §2) is proven for that dataset only: every network needs at least that many cmp on some input.', '');
  }
  out.push(`Verified: every point up to n = 2^${Math.log2(VERIFY_ALL_UP_TO)}, a seeded sample of ${SAMPLE_SIZE.toLocaleString('en-US')} beyond.`);
  return out.join('\n') + '\n';
}
