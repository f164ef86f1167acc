// condnet demo: memorize the 10,000 MNIST digits twice — with the paper's log-time `search`
// and with the label-aware `tree` — verify every digit in the engine, print one table side by
// side (ops per input overall and by class, bytes, build seconds) and write both models and a
// JSON report to a folder.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildNetwork, type Construction } from '../construct/index.js';
import type { Dataset } from '../data/dataset.js';
import { loadDataset } from '../data/source.js';
import { writeBlob } from '../format/writer.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { measure, type MeasureReport } from '../measure/measure.js';
import type { Stats } from '../measure/stats.js';
import { verify, type VerifyReport } from '../measure/verify.js';
import { CliError } from './errors.js';
import { table } from '../measure/text-table.js';
import { progress, withStep, type Progress } from './progress.js';

const DATASET = 'mnist:10000';
const CONSTRUCTIONS: Construction[] = ['search', 'tree'];

interface DemoRun {
  construction: Construction;
  model: string;
  buildSeconds: number;
  verify: VerifyReport;
  measure: MeasureReport;
}

function run(ds: Dataset, construction: Construction, out: string, p: Progress): DemoRun {
  const t0 = performance.now();
  const blob = withStep(p, `build ${construction}`, ds.n, (step) =>
    writeBlob(buildNetwork(ds, { construction, onProgress: (done) => step.update(done) })));
  const buildSeconds = (performance.now() - t0) / 1000;
  const v = withStep(p, `verify ${construction} in the engine`, 1, () => verify(blob, ds));
  if (v.correct !== v.n) throw new CliError(`${construction}: verification failed, ${v.correct} / ${v.n} reproduced`);
  const m = withStep(p, `measure ${construction}`, 1, () => measure(blob, ds));
  const model = join(out, `mnist-${construction}.cnb`);
  writeFileAtomic(model, blob);
  return { construction, model, buildSeconds, verify: v, measure: m };
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('memorize MNIST-10k with `search` and `tree`, verify both in the engine, report ops and bytes')
    .option('-o, --out <folder>', 'folder for the models and the report', 'condnet-demo')
    .option('--json', 'print the JSON report instead of the table (no progress output)')
    .addHelpText('after', '\nExample:\n  npx condnet demo --out /tmp/demo')
    .action((flags: { out: string; json?: boolean }) => {
      const p = progress(flags.json);
      const t0 = performance.now();
      const ds = withStep(p, `load ${DATASET}`, 1, () => loadDataset(DATASET));
      const loadSeconds = (performance.now() - t0) / 1000;
      mkdirSync(flags.out, { recursive: true });
      const runs = CONSTRUCTIONS.map((c) => run(ds, c, flags.out, p));
      const reportPath = join(flags.out, 'report.json');
      const report = {
        dataset: ds.name,
        n: ds.n,
        loadSeconds,
        constructions: Object.fromEntries(runs.map((r) => [r.construction, {
          model: r.model, buildSeconds: r.buildSeconds, verify: r.verify, measure: r.measure,
        }])),
      };
      writeFileAtomic(reportPath, JSON.stringify(report, null, 2) + '\n');
      if (flags.json) {
        process.stdout.write(JSON.stringify(report, null, 2) + '\n');
        return;
      }
      process.stdout.write(render(ds, runs) + `\nwrote ${runs.map((r) => r.model).join(', ')} and ${reportPath}\n`);
    });
}

function render(ds: Dataset, runs: DemoRun[]): string {
  const s = (x: Stats) => `${x.mean.toFixed(2)} / ${x.max}`;
  const each = (f: (r: DemoRun) => string) => runs.map(f);
  const rows: string[][] = [
    ['verified in the engine', ...each((r) => `${r.verify.correct.toLocaleString('en-US')} / ${r.verify.n.toLocaleString('en-US')}`)],
    ['ops per input, mean / max', ...each((r) => s(r.measure.ops.total))],
    ...ds.classes.map((label) => [`  digit ${label}`, ...each((r) => s(r.measure.byClass[label].total))]),
    ['mul, mean / max', ...each((r) => s(r.measure.ops.mul))],
    ['add, mean / max', ...each((r) => s(r.measure.ops.add))],
    ['cmp, mean / max', ...each((r) => s(r.measure.ops.cmp))],
    ['wordOps, mean / max', ...each((r) => s(r.measure.wordOps))],
    ['blob bytes read, mean / max', ...each((r) => s(r.measure.loads))],
    ['blob bytes', ...each((r) => r.measure.blobBytes.toLocaleString('en-US'))],
    ['build seconds', ...each((r) => r.buildSeconds.toFixed(2))],
    ['ns per inference (engine)', ...each((r) => r.measure.nsPerInference.toFixed(0))],
  ];
  return [
    `condnet demo: memorize ${ds.n.toLocaleString('en-US')} MNIST digits (${ds.dim} pixels, ${ds.classes.length} classes)`,
    `search: the paper's projection + binary search (⌈log₂ n⌉ = ${Math.ceil(Math.log2(ds.n))} cmp); tree: label-aware single-pixel tests`,
    '',
    table(rows, [DATASET, ...runs.map((r) => r.construction)]),
    `release engine: ${runs[0].measure.engineBytes.toLocaleString('en-US')} bytes`,
    '',
  ].join('\n');
}
