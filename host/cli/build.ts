// condnet build <dataset> --construction search|tree -o model.cnb [--seed N] [--beta B]
//   [--lookahead P] [--frac-bits F]

import type { Command } from 'commander';
import { Option } from 'commander';
import { buildNetwork, CONSTRUCTIONS, type Construction } from '../construct/index.js';
import { writeBlob } from '../format/writer.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { describeScale } from '../data/quantize.js';
import type { Dataset } from '../data/dataset.js';
import { tableSection, type TableMetadata } from '../format/table-section.js';

const I32_MAX = 0x7fffffff;
import { openDataset, openDatasetFor, parseIntOption, withHeaderOptions } from './io.js';
import { Prng } from '../data/prng.js';
import { openModel } from '../engine/model.js';
import { verify } from '../measure/verify.js';
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
  holdout?: string;
  outside: 'clamp' | 'refuse';
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
    .option('--frac-bits <f>', 'fixed-point fractional bits; below 0, values are divided by 2^-f first (default: the fewest that keep inputs distinct, and below 0 only for values past 2^31)', parseIntOption('--frac-bits'))
    .option('--holdout <dataset|fraction>', 'rows kept out of the model and answered by it, to report how it generalizes: a dataset, or a fraction (0 < f < 1) of the distinct inputs drawn by --seed')
    .addOption(new Option('--outside <policy>', 'an unseen input outside the domain: refuse it (as the engine does), or clamp each coordinate into the domain first (recorded in the blob; eval, verify and --holdout follow it)').choices(['refuse', 'clamp']).default('refuse'))
    .option('--json', 'print a JSON summary'))
    .addHelpText('after', '\nExamples:\n  npx condnet build synthetic:n=100000,d=16,labels=distinct --construction search -o synth.cnb\n' +
      '  npx condnet build mnist:10000 --construction tree -o mnist-tree.cnb')
    .action((spec: string, flags: BuildFlags) => {
      const t0 = performance.now();
      const whole = scaleDown(openDataset(spec, flags), flags);
      const fraction = flags.holdout !== undefined && /^(0?\.\d+|0|1|\d+(\.\d*)?(e-?\d+)?)$/i.test(flags.holdout) ? Number(flags.holdout) : undefined;
      if (fraction !== undefined && !(fraction > 0 && fraction < 1)) throw new CliError(`--holdout: a fraction must be above 0 and below 1, got ${flags.holdout}`, 2);
      const split = fraction !== undefined ? splitDataset(whole, fraction, flags.seed) : undefined;
      const ds = split ? split.train : whole;
      const net = withStep(progress(flags.json), `build ${flags.construction}`, ds.n, (step) => buildNetwork(ds, {
        construction: flags.construction, seed: flags.seed, beta: flags.beta, lookaheadPoints: flags.lookahead,
        fracBits: flags.fracBits === undefined ? undefined : Math.max(0, flags.fracBits),
        onProgress: (done) => step.update(done),
      }));
      const meta = tableMetadataOf(ds, flags.outside);
      const blob = writeBlob(net, meta ? [tableSection(meta)] : []);
      const seconds = (performance.now() - t0) / 1000;
      const heldOut = split ? split.holdout
        : flags.holdout !== undefined ? openDatasetFor(openModel(blob, flags.output), flags.holdout, flags) : undefined;
      const h = heldOut && verify(blob, heldOut);
      writeFileAtomic(flags.output, blob);
      const summary = {
        dataset: ds.name, construction: flags.construction, n: ds.n, rows: ds.rows, duplicates: ds.duplicates,
        classes: ds.classes.length, quantization: describeScale(net.quant, ds.inputShift),
        ...(ds.featureNames ? { features: ds.featureNames, label: ds.labelName } : {}),
        ...(ds.columns?.some((c) => c.type !== 'number') ? { columns: ds.columns.map((c) => ({ ...c, categories: c.categories?.length })) } : {}),
        ...(ds.conflicts ? { conflicts: ds.conflicts } : {}),
        ...(ds.droppedMissing ? { droppedMissing: ds.droppedMissing } : {}), maxDepth: net.maxDepth,
        blobBytes: blob.length, buildSeconds: seconds, output: flags.output,
        ...(h ? { holdout: { dataset: h.dataset, n: h.n, correct: h.correct, refused: h.refused ?? 0, wrong: h.n - h.correct - (h.refused ?? 0), accuracy: h.correct / h.n } } : {}),
      };
      if (flags.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
      else {
        process.stdout.write(
          `${ds.name}: ${ds.n} distinct pairs (${ds.rows} rows, ${ds.duplicates} duplicate${ds.duplicates === 1 ? '' : 's'} merged), ${ds.classes.length} classes, ` +
          `inputs as round(${summary.quantization})\n` +
          `${flags.construction}: at most ${net.maxDepth} test${net.maxDepth === 1 ? '' : 's'} per input, ${blob.length} bytes, built in ${seconds.toFixed(2)} s\n` +
          (h ? `held out (not memorized): ${h.correct} / ${h.n} answered correctly (${((100 * h.correct) / h.n).toFixed(2)}%), ` +
            `${h.n - h.correct - (h.refused ?? 0)} wrong, ${h.refused ?? 0} refused (outside the model's domain); the ${ds.n} memorized: 100% by construction (condnet verify checks it)\n` : '') +
          `wrote ${flags.output}\n`);
      }
    });
}

/** The smallest k ≥ 0 with every |value| / 2^k within i32 (values past 2^31 scaled down). */
export function autoShift(x: Float64Array): number {
  let maxAbs = 0;
  for (const v of x) maxAbs = Math.max(maxAbs, Math.abs(v));
  let k = 0;
  while (maxAbs / 2 ** k > I32_MAX) k++;
  return k;
}

/** The dataset with its values divided by 2^k (exact: a power of two): k = −--frac-bits when
 *  that is negative, else the automatic shift for values past 2^31 (docs/TABLES.md, "Scale"). */
function scaleDown(ds: Dataset, flags: BuildFlags): Dataset {
  const k = flags.fracBits !== undefined ? Math.max(0, -flags.fracBits) : autoShift(ds.x);
  if (k === 0) return ds;
  if (k > 1023) throw new CliError(`--frac-bits must be at least -1023, got ${flags.fracBits}`, 2);
  return { ...ds, x: ds.x.map((v) => v / 2 ** k), inputShift: k };
}

/** What the Table section records for a dataset read from a table, or undefined (a generator's
 *  dataset, or a table of plain numbers without a header, needs none). */
export function tableMetadataOf(ds: Dataset, outside: 'clamp' | 'refuse' = 'refuse'): TableMetadata | undefined {
  const cols = ds.columns ?? [];
  if (ds.featureNames === undefined && ds.missingValue === undefined && !ds.inputShift && outside === 'refuse' && cols.every((c) => c.type === 'number')) return undefined;
  return {
    version: 1,
    features: cols.length === ds.dim ? cols : Array.from({ length: ds.dim }, () => ({ type: 'number' as const })),
    ...(ds.labelName !== undefined ? { label: ds.labelName } : {}),
    ...(ds.missingValue !== undefined ? { missing: ds.missingValue } : {}),
    ...(ds.inputShift ? { inputShift: ds.inputShift } : {}),
    ...(outside === 'clamp' ? { outside } : {}),
  };
}

/** A held-out split: `fraction` of the distinct inputs, drawn by `seed`, kept out; both parts
 *  keep the source's order, class list and lines. */
export function splitDataset(ds: Dataset, fraction: number, seed: number): { train: Dataset; holdout: Dataset } {
  const rng = new Prng(seed);
  const order = Array.from({ length: ds.n }, (_, i) => i);
  for (let i = ds.n - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const k = Math.min(ds.n - 1, Math.max(1, Math.round(fraction * ds.n)));
  const out = new Uint8Array(ds.n);
  for (let i = 0; i < k; i++) out[order[i]] = 1;
  const part = (keep: number, name: string): Dataset => {
    const idx = order.filter((i) => out[i] === keep).sort((a, b) => a - b);
    const x = new Float64Array(idx.length * ds.dim);
    idx.forEach((i, j) => x.set(ds.x.subarray(i * ds.dim, (i + 1) * ds.dim), j * ds.dim));
    return {
      ...ds, name, n: idx.length, rows: idx.length, duplicates: 0, x,
      y: Uint32Array.from(idx, (i) => ds.y[i]), line: Uint32Array.from(idx, (i) => ds.line[i]),
    };
  };
  return { train: part(0, ds.name), holdout: part(1, `${ds.name} (held out: ${k} of ${ds.n})`) };
}

function parseLookahead(v: string): number {
  const p = parseIntOption('--lookahead')(v);
  if (p < 0) throw new CliError(`--lookahead must be 0 or more points, got "${v}"`, 2);
  return p;
}
