// condnet build <dataset> --construction search|tree -o model.cnb [--seed N] [--beta B]
//   [--lookahead P] [--frac-bits F]

import type { Command } from 'commander';
import { Option } from 'commander';
import { buildNetwork, CONSTRUCTIONS, type Construction } from '../construct/index.js';
import { writeBlob } from '../format/writer.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { describeQuantization } from '../data/quantize.js';
import { openDataset, parseIntOption, withHeaderOptions } from './io.js';
import { CliError } from './errors.js';
import { progress, withStep } from './progress.js';
import { DEFAULT_BETA, DEFAULT_LOOKAHEAD_POINTS } from '../construct/tree.js';
import { parseBeta } from './beta.js';

interface BuildFlags {
  construction: Construction;
  output: string;
  seed: number;
  beta: number;
  lookahead: number;
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
    .option('--seed <n>', 'search: seed of the random direction', parseIntOption('--seed'), 1)
    .option('--beta <b>', 'tree: weight of the path-length term of the split score (docs/TREE.md)', parseBeta, DEFAULT_BETA)
    .option('--lookahead <points>', 'tree: nodes of at most this many points choose their split by rollout (0: greedy)', parseLookahead, DEFAULT_LOOKAHEAD_POINTS)
    .option('--frac-bits <f>', 'fixed-point fractional bits (default: the fewest that keep inputs distinct)', parseIntOption('--frac-bits'))
    .option('--json', 'print a JSON summary'))
    .addHelpText('after', '\nExamples:\n  npx condnet build synthetic:n=100000,d=16,labels=distinct --construction search -o synth.cnb\n' +
      '  npx condnet build mnist:10000 --construction tree -o mnist-tree.cnb')
    .action((spec: string, flags: BuildFlags) => {
      const t0 = performance.now();
      const ds = openDataset(spec, flags);
      const net = withStep(progress(flags.json), `build ${flags.construction}`, ds.n, (step) => buildNetwork(ds, {
        construction: flags.construction, seed: flags.seed, beta: flags.beta, lookaheadPoints: flags.lookahead,
        fracBits: flags.fracBits,
        onProgress: (done) => step.update(done),
      }));
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
          `${ds.name}: ${ds.n} distinct pairs (${ds.rows} rows, ${ds.duplicates} duplicate${ds.duplicates === 1 ? '' : 's'} merged), ${ds.classes.length} classes, ` +
          `inputs as round(${summary.quantization})\n` +
          `${flags.construction}: at most ${net.maxDepth} test${net.maxDepth === 1 ? '' : 's'} per input, ${blob.length} bytes, built in ${seconds.toFixed(2)} s\n` +
          `wrote ${flags.output}\n`);
      }
    });
}

function parseLookahead(v: string): number {
  const p = parseIntOption('--lookahead')(v);
  if (p < 0) throw new CliError(`--lookahead must be 0 or more points, got "${v}"`, 2);
  return p;
}
