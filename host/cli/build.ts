// condnet build <dataset> --construction search -o model.cnb [--seed N] [--frac-bits F]

import type { Command } from 'commander';
import { Option } from 'commander';
import { buildNetwork, CONSTRUCTIONS, type Construction } from '../construct/index.js';
import { writeBlob } from '../format/writer.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { describeQuantization } from '../data/quantize.js';
import { openDataset, parseIntOption, withHeaderOptions } from './io.js';

interface BuildFlags {
  construction: Construction;
  output: string;
  seed: number;
  fracBits?: number;
  header?: boolean;
  json?: boolean;
}

export function registerBuild(program: Command): void {
  withHeaderOptions(program
    .command('build')
    .description('memorize a dataset into a model blob (.cnb)')
    .argument('<dataset>', 'CSV or JSON-lines file, mnist:N, synthetic:n=…,d=…,labels=…,seed=…, or line-alternating:n=…')
    .addOption(new Option('-c, --construction <name>', 'network construction').choices(CONSTRUCTIONS).default('search'))
    .requiredOption('-o, --output <file>', 'model file to write')
    .option('--seed <n>', 'seed of the random direction', parseIntOption('--seed'), 1)
    .option('--frac-bits <f>', 'fixed-point fractional bits (default: the fewest that keep inputs distinct)', parseIntOption('--frac-bits'))
    .option('--json', 'print a JSON summary'))
    .addHelpText('after', '\nExample:\n  condnet build synthetic:n=100000,d=16,labels=distinct --construction search -o synth.cnb')
    .action((spec: string, flags: BuildFlags) => {
      const t0 = performance.now();
      const ds = openDataset(spec, flags);
      const net = buildNetwork(ds, { construction: flags.construction, seed: flags.seed, fracBits: flags.fracBits });
      const blob = writeBlob(net);
      const seconds = (performance.now() - t0) / 1000;
      writeFileAtomic(flags.output, blob);
      const summary = {
        dataset: ds.name, construction: flags.construction, n: ds.n, rows: ds.rows, duplicates: ds.duplicates,
        classes: ds.classes.length, quantization: describeQuantization(net.quant), maxDepth: net.maxDepth,
        blobBytes: blob.length, buildSeconds: seconds, output: flags.output,
      };
      if (flags.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
      else {
        process.stdout.write(
          `${ds.name}: ${ds.n} distinct pairs (${ds.rows} rows, ${ds.duplicates} duplicates), ${ds.classes.length} classes, ` +
          `inputs as round(${summary.quantization})\n` +
          `${flags.construction}: at most ${net.maxDepth} comparisons per input, ${blob.length} bytes, built in ${seconds.toFixed(2)} s\n` +
          `wrote ${flags.output}\n`);
      }
    });
}
