// condnet verify <model.cnb> <dataset> [--json]: every pair through the engine.

import type { Command } from 'commander';
import { verify } from '../measure/verify.js';
import { openDataset, readModel, withHeaderOptions } from './io.js';

export function registerVerify(program: Command): void {
  withHeaderOptions(program
    .command('verify')
    .description('run every pair of a dataset through the engine; exit 0 only if all are reproduced')
    .argument('<model>', 'model blob (.cnb)')
    .argument('<dataset>', 'the dataset the model should memorize')
    .option('--json', 'print the report as JSON'))
    .addHelpText('after', '\nExample:\n  condnet verify model.cnb mnist:10000')
    .action((model: string, spec: string, flags: { header?: boolean; json?: boolean }) => {
      const blob = readModel(model);
      const ds = openDataset(spec, flags);
      const r = verify(blob, ds);
      if (flags.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      else {
        const pct = ((100 * r.correct) / r.n).toFixed(2);
        process.stdout.write(`${r.dataset}: ${r.correct} / ${r.n} reproduced (${pct}%) in the engine; ${r.rows} rows, ${r.duplicates} duplicates\n`);
        for (const m of r.mismatches) process.stdout.write(`  line ${m.line}: expected "${m.expected}", got "${m.got}"\n`);
      }
      if (r.correct !== r.n) process.exitCode = 1;
    });
}
