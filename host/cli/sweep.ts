// condnet sweep [--constructions a,b,…] [--n-max N] [--json] [--plot file.svg]: ops per input
// against n for each construction on synthetic sets, with slopes and ratios (SPEC §2, §3).

import type { Command } from 'commander';
import { CONSTRUCTIONS, type Construction } from '../construct/index.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { opsVersusNSvg } from '../measure/plot.js';
import { SAMPLE_SIZE, SWEEP_D, SWEEP_LIMIT, sweep, VERIFY_ALL_UP_TO, type SweepReport } from '../measure/sweep.js';
import { CliError } from './errors.js';
import { table } from './format-table.js';
import { parseIntOption } from './io.js';
import { progress } from './progress.js';

interface SweepFlags { constructions: string; nMax: number; json?: boolean; plot?: string }

export function registerSweep(program: Command): void {
  program
    .command('sweep')
    .description(`ops per input against n (synthetic, d = ${SWEEP_D}, distinct labels) for each construction, with log-log slopes`)
    .option('--constructions <list>', 'comma-separated constructions', CONSTRUCTIONS.join(','))
    .option('--n-max <n>', 'largest n (a power of two)', parseIntOption('--n-max'), 1 << 20)
    .option('--json', 'print the report as JSON')
    .option('--plot <file.svg>', 'also draw ops (max) against n on log axes, with log₂ n and √n')
    .addHelpText('after', '\nExample:\n  condnet sweep --constructions search,tree,interp --n-max 65536 --plot sweep.svg')
    .action(async (flags: SweepFlags) => {
      const names = flags.constructions.split(',').map((s) => s.trim()).filter(Boolean);
      for (const c of names) {
        if (!(CONSTRUCTIONS as readonly string[]).includes(c)) throw new CliError(`unknown construction "${c}" (choose from ${CONSTRUCTIONS.join(', ')})`, 2);
      }
      if (flags.nMax < 64 || (flags.nMax & (flags.nMax - 1)) !== 0) throw new CliError(`--n-max must be a power of two from 64, got ${flags.nMax}`, 2);
      const p = progress(flags.json);
      let step = p.step('sweep', 1);
      const report = sweep({
        constructions: names as Construction[],
        nMax: flags.nMax,
        onProgress: (what) => {
          step.update(1);
          step.stop();
          step = p.step(what, 1);
        },
      });
      step.update(1);
      step.stop();
      if (flags.plot) {
        const svg = await opsVersusNSvg(Object.entries(report.constructions).map(([name, e]) => ({
          name, points: e.rows.map((r) => ({ n: r.n, ops: r.ops.total.max })),
        })), { title: `operations per input (worst case) against n, d = ${SWEEP_D}, distinct labels` });
        writeFileAtomic(flags.plot, svg);
      }
      process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : sweepText(report) + (flags.plot ? `wrote ${flags.plot}\n` : ''));
    });
}

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
    out.push('The line-alternating bound (SPEC §2) is proven for that dataset only: every network needs at least that many cmp on some input.', '');
  }
  out.push(`Verified: every point up to n = 2^${Math.log2(VERIFY_ALL_UP_TO)}, a seeded sample of ${SAMPLE_SIZE.toLocaleString('en-US')} beyond.`);
  return out.join('\n') + '\n';
}
