// condnet eval <model.cnb> [--input file]: feature rows in (else stdin), one label per line out.

import type { Command } from 'commander';
import { evaluateRows } from '../engine/evaluate-rows.js';
import { parseCsvFeatures } from '../data/csv.js';
import { descriptorChunks, fileChunks } from '../data/read.js';
import { CliError } from './errors.js';
import { openModelFile, withHeaderOptions } from './io.js';
import { progress, withStep } from './progress.js';

export function registerEval(program: Command): void {
  withHeaderOptions(program
    .command('eval')
    .description('print the label of each input row (CSV features, no label column)')
    .argument('<model>', 'model: a blob (.cnb) or a compiled model (.wasm)')
    .option('-i, --input <file>', 'input rows (default: stdin)'))
    .addHelpText('after', '\nExample:\n  echo "3,1" | npx condnet eval model.cnb')
    .action((model: string, flags: { input?: string; header?: boolean }) => {
      const opened = openModelFile(model);
      const { network } = opened;
      const name = flags.input ?? '<stdin>';
      // Rows are parsed as they are read, under the memory budget (host/data/limits.ts).
      const fail = (e: NodeJS.ErrnoException) => new CliError(`cannot read ${name}: ${e.code ?? e.message}`);
      const input = flags.input === undefined ? descriptorChunks(0, fail) : fileChunks(flags.input, fail);
      // Piped output (the usual case) shows no bar; a terminal sees one for long inputs.
      const p = progress();
      const rows = withStep(p, `read ${name}`, 1, () => parseCsvFeatures(input, name, network.dim, {
        header: flags.header, notice: (m) => process.stderr.write(`condnet: ${m}\n`),
      }));
      const labels = withStep(p, 'evaluate in the engine', 1, () => evaluateRows(opened, rows, name));
      process.stdout.write(labels.map((l) => l + '\n').join(''));
    });
}
