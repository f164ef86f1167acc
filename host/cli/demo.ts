// condnet demo: memorize the 10,000 MNIST digits with the paper's log-time search, verify
// every one in the engine, print a table and write the model and a JSON report to a folder.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildNetwork } from '../construct/index.js';
import { loadDataset } from '../data/source.js';
import { writeBlob } from '../format/writer.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { measure } from '../measure/measure.js';
import { verify } from '../measure/verify.js';
import { CliError } from './errors.js';
import { table } from './format-table.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('memorize MNIST-10k with `search`, verify it in the engine, report ops and bytes')
    .option('-o, --out <folder>', 'folder for the model and the report', 'condnet-demo')
    .option('--json', 'print the JSON report instead of the table')
    .addHelpText('after', '\nExample:\n  condnet demo --out /tmp/demo')
    .action((flags: { out: string; json?: boolean }) => {
      const t0 = performance.now();
      const ds = loadDataset('mnist:10000');
      const loadSeconds = (performance.now() - t0) / 1000;
      const t1 = performance.now();
      const net = buildNetwork(ds, { construction: 'search' });
      const blob = writeBlob(net);
      const buildSeconds = (performance.now() - t1) / 1000;
      const v = verify(blob, ds);
      if (v.correct !== v.n) throw new CliError(`verification failed: ${v.correct} / ${v.n} reproduced`);
      const m = measure(blob, ds);
      mkdirSync(flags.out, { recursive: true });
      const modelPath = join(flags.out, 'mnist-search.cnb');
      const reportPath = join(flags.out, 'report.json');
      const report = { dataset: ds.name, construction: 'search', loadSeconds, buildSeconds, verify: v, measure: m };
      writeFileAtomic(modelPath, blob);
      writeFileAtomic(reportPath, JSON.stringify(report, null, 2) + '\n');
      if (flags.json) {
        process.stdout.write(JSON.stringify(report, null, 2) + '\n');
        return;
      }
      const s = (x: { mean: number; max: number }) => `${x.mean.toFixed(2)} / ${x.max}`;
      process.stdout.write([
        `condnet demo: memorize ${ds.n.toLocaleString('en-US')} MNIST digits (${ds.dim} pixels, ${ds.classes.length} classes) with the paper's log-time search`,
        '',
        table([
          ['pairs memorized (n)', ds.n.toLocaleString('en-US')],
          ['verified in the engine', `${v.correct.toLocaleString('en-US')} / ${v.n.toLocaleString('en-US')}`],
          ['ops per input, mean / max', s(m.ops.total)],
          ['  mul', s(m.ops.mul)],
          ['  add', s(m.ops.add)],
          ['  cmp (⌈log₂ n⌉ = ' + Math.ceil(Math.log2(ds.n)) + ')', s(m.ops.cmp)],
          ['blob bytes', m.blobBytes.toLocaleString('en-US')],
          ['release engine bytes', m.engineBytes.toLocaleString('en-US')],
          ['build seconds', buildSeconds.toFixed(2)],
          ['ns per inference (engine)', m.nsPerInference.toFixed(0)],
        ], ['search on mnist:10000', '']),
        '',
        `wrote ${modelPath} and ${reportPath}`,
        '',
      ].join('\n'));
    });
}
