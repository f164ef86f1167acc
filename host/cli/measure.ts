// condnet measure <model.cnb> <dataset> [--json]: SPEC §2's counts per input, bytes, time.

import type { Command } from 'commander';
import { measure, type MeasureReport } from '../measure/measure.js';
import { table } from './format-table.js';
import { openDataset, readModel, withHeaderOptions } from './io.js';

export function measureText(r: MeasureReport): string {
  const row = (name: string, s: { min: number; mean: number; max: number }) => [name, s.min, s.mean, s.max];
  const lines = [
    `${r.dataset}: ${r.n} inputs, ${r.construction}`,
    '',
    table([
      row('mul', r.ops.mul), row('add', r.ops.add), row('cmp', r.ops.cmp), row('ops (total)', r.ops.total),
      row('wordOps', r.wordOps), row('loads (bytes)', r.loads),
    ], ['per input', 'min', 'mean', 'max']),
    '',
  ];
  const classes = Object.entries(r.byClass);
  if (classes.length <= 20) {
    lines.push(table(classes.map(([label, c]) => [label, c.count, c.total.mean, c.total.max, c.cmp.max]),
      ['class', 'inputs', 'ops mean', 'ops max', 'cmp max']), '');
  }
  if (r.lineAlternatingBound !== undefined) {
    lines.push(`line-alternating bound (SPEC §2, proven for this dataset): worst case needs ≥ ${r.lineAlternatingBound} cmp; measured max ${r.ops.cmp.max}`);
  }
  lines.push(
    `blob ${r.blobBytes.toLocaleString('en-US')} bytes, release engine ${r.engineBytes.toLocaleString('en-US')} bytes`,
    Number.isNaN(r.nsPerInference) ? '' : `${r.nsPerInference.toFixed(1)} ns per inference in the engine (batches of 1,024, median)`,
  );
  return lines.filter((l, i, a) => !(l === '' && i === a.length - 1)).join('\n') + '\n';
}

export function registerMeasure(program: Command): void {
  withHeaderOptions(program
    .command('measure')
    .description('count operations, memory reads and bytes per input, and time the engine')
    .argument('<model>', 'model blob (.cnb)')
    .argument('<dataset>', 'inputs to measure on (labelled dataset)')
    .option('--no-timing', 'skip the timing run')
    .option('--json', 'print the report as JSON'))
    .addHelpText('after', '\nExample:\n  condnet measure model.cnb mnist:10000 --json')
    .action((model: string, spec: string, flags: { header?: boolean; json?: boolean; timing: boolean }) => {
      const r = measure(readModel(model), openDataset(spec, flags), { timing: flags.timing });
      process.stdout.write(flags.json ? JSON.stringify(r, null, 2) + '\n' : measureText(r));
    });
}
