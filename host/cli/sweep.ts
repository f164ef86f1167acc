// condnet sweep [--constructions a,b,…] [--n-max N] [--json] [--plot file.svg]: ops per input
// against n for each construction on synthetic sets, with slopes and ratios (DESIGN §2, §3).

import type { Command } from 'commander';
import { CONSTRUCTIONS, type Construction } from '../construct/index.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { opsVersusNSvg } from '../measure/plot.js';
import { SWEEP_D, sweep } from '../measure/sweep.js';
import { sweepText } from '../measure/sweep-text.js';
import { CliError } from './errors.js';
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
    .addHelpText('after', '\nExample:\n  npx condnet sweep --constructions search,tree,interp --n-max 65536 --plot sweep.svg')
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
