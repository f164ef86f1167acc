// condnet eval <model.cnb> [--input file]: feature rows in (else stdin), one label per line out.

import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { evaluateRows } from '../engine/evaluate-rows.js';
import { readBlob } from '../format/reader.js';
import { parseCsvFeatures } from '../data/csv.js';
import { CliError } from './errors.js';
import { readModel, withHeaderOptions } from './io.js';
import { progress, withStep } from './progress.js';

export function registerEval(program: Command): void {
  withHeaderOptions(program
    .command('eval')
    .description('print the label of each input row (CSV features, no label column)')
    .argument('<model>', 'model blob (.cnb)')
    .option('-i, --input <file>', 'input rows (default: stdin)'))
    .addHelpText('after', '\nExample:\n  echo "3,1" | condnet eval model.cnb')
    .action((model: string, flags: { input?: string; header?: boolean }) => {
      const blob = readModel(model);
      const { network } = readBlob(blob);
      const name = flags.input ?? '<stdin>';
      let text: string;
      try {
        text = readFileSync(flags.input ?? 0, 'utf8');
      } catch (e) {
        throw new CliError(`cannot read ${name}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      // Piped output (the usual case) shows no bar; a terminal sees one for long inputs.
      const p = progress();
      const rows = withStep(p, `read ${name}`, 1, () => parseCsvFeatures(text, name, network.dim, {
        header: flags.header, notice: (m) => process.stderr.write(`condnet: ${m}\n`),
      }));
      const labels = withStep(p, 'evaluate in the engine', 1, () => evaluateRows(blob, network, rows, name));
      process.stdout.write(labels.map((l) => l + '\n').join(''));
    });
}
