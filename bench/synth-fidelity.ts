// The fidelity frontier of `synth --target-fidelity` (issue 18, docs/SYNTH.md "Fidelity"):
// for the demonstration MNIST MLP and the clusters MLP (test/fixtures/clusters-mlp), every
// setting the synthesizer chooses among, judged on its validation split (carved out of the
// synthesis inputs), then rebuilt on all synthesis inputs and checked in the engine: exact on
// them, mean ops (counting engine, as `measure` counts) and fidelity (agreement with the integer
// network, as `verify --against` the dense blob counts it) on held-out inputs never used in
// synthesis or in choosing. Reference points: the dense network, and `tree` built on the
// network's own classes of the synthesis inputs. Writes the `synth-fidelity` section of
// docs/BENCHMARKS.md and the same points to docs/synth-fidelity.json, which `condnet report
// --frontier` draws. Run by bench/synth.ts: `npm run bench:synth-fidelity` (= bench:synth --fidelity; add
// --quick for the clusters MLP only, printed), and after the other synth tables by `npm run bench:synth`.

import { fileURLToPath } from 'node:url';
import { buildNetwork } from '../host/construct/index.js';
import type { Dataset } from '../host/data/dataset.js';
import { quantize } from '../host/data/quantize.js';
import { loadDataset } from '../host/data/source.js';
import { Engine } from '../host/engine/engine.js';
import { writeBlob } from '../host/format/writer.js';
import { countInputs } from '../host/measure/measure.js';
import { checkSynthesis } from '../host/synth/check.js';
import { chooseSetting, DEFAULT_DENSITIES, FIDELITY_GRID, synthesizeWithSetting, validateSettings } from '../host/synth/fidelity.js';
import { forwardPass } from '../host/synth/forward.js';
import { prepareSynthesis } from '../host/synth/prepare.js';
import { writeFileAtomic } from '../host/io/atomic-write.js';
import type { Frontier, FrontierFile, FrontierPoint } from '../host/report/frontier-json.js';
import { writeBenchmarkSection } from './markdown-section.js';

const fixture = (p: string) => fileURLToPath(new URL(`../../test/fixtures/${p}`, import.meta.url));
const TARGETS = [0.9, 0.95, 0.97, 0.99];
const FRONTIER_JSON = fileURLToPath(new URL('../../docs/synth-fidelity.json', import.meta.url));

interface Case { name: string; model: string; modelText: string; train: string; holdout: string }
const CASES: Case[] = [
  { name: 'MNIST MLP 784-64-32-10', model: fixture('mnist-mlp/model.json'), modelText: 'test/fixtures/mnist-mlp/model.json', train: 'mnist:10000[0:8000]', holdout: 'mnist:10000[8000:10000]' },
  { name: 'clusters MLP 32-48-24-6', model: fixture('clusters-mlp/model.json'), modelText: 'test/fixtures/clusters-mlp/model.json', train: `${fixture('clusters-mlp/data.csv')}[0:4000]`, holdout: `${fixture('clusters-mlp/data.csv')}[4000:5000]` },
];

const fmt = (v: number, digits = 0) => v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
const log = (s: string) => process.stderr.write(`bench:synth-fidelity: ${s}\n`);

/** Mean ops and classes of a blob on inputs (counting engine). */
function runBlob(blob: Uint8Array, xq: Int32Array, dim: number, n: number): { cls: Int32Array; mean: number } {
  const e = new Engine('counting');
  e.loadOrThrow(blob);
  const r = countInputs(e, xq, dim, Uint32Array.from({ length: n }, (_, i) => i));
  let s = 0;
  for (let i = 0; i < n; i++) s += r.total[i];
  return { cls: r.out, mean: s / n };
}

function runCase(c: Case): { text: string; frontier: Frontier } {
  const t0 = performance.now();
  const ds = loadDataset(c.train);
  const holdout = loadDataset(c.holdout);
  const input = prepareSynthesis(c.model, ds, { holdout });
  const net = input.network;
  const hxq = input.holdoutXq!;
  const dense = runBlob(input.blob, hxq, ds.dim, holdout.n);
  // `tree` on the network's classes of the synthesis inputs
  const truth = forwardPass(net, input.xq, ds.n).truth;
  const relabelled: Dataset = { ...ds, y: Uint32Array.from(truth), classes: net.classes, name: `${ds.name} (the network's classes)` };
  const tree = buildNetwork(relabelled, { construction: 'tree' });
  const treeRun = runBlob(writeBlob(tree), quantize(holdout, tree.quant), ds.dim, holdout.n);
  let treeAgree = 0;
  for (let i = 0; i < holdout.n; i++) if (treeRun.cls[i] === dense.cls[i] && dense.cls[i] >= 0) treeAgree++;
  log(`${c.name}: dense ${fmt(dense.mean)} ops, tree ${fmt(treeRun.mean, 1)} ops at ${pct(treeAgree / holdout.n)}`);
  const tried = validateSettings(net, input.xq, ds.n, { onProgress: (k, n) => log(`${c.name}: validation ${k}/${n - 1}`) });
  const rows: string[] = [];
  const points: FrontierPoint[] = [
    { model: 'dense network', ops: dense.mean, fidelity: 1, chosenFor: [] },
    { model: "`tree` on the network's classes", ops: treeRun.mean, fidelity: treeAgree / holdout.n, chosenFor: [] },
  ];
  let outside = 0;
  const chosen = new Map<number, number[]>();
  for (const f of TARGETS) {
    const { pick, met } = chooseSetting(tried, f);
    const k = tried.indexOf(pick);
    if (met) chosen.set(k, [...(chosen.get(k) ?? []), f]);
  }
  tried.forEach((t, k) => {
    const built = synthesizeWithSetting(net, input.xq, ds.n, t);
    const blob = writeBlob(built.graph);
    const check = checkSynthesis(input.blob, blob, net.classes, ds, input.xq, { ds: holdout, xq: hxq });
    const h = check.holdout!;
    outside = h.outsideDomain;
    const ratio = dense.mean / h.ops.graph.total.mean;
    points.push({ model: `ε = ${t.epsilon}${t.context ? ', region' : ''}`, ops: h.ops.graph.total.mean, fidelity: h.fidelity, chosenFor: chosen.get(k) ?? [] });
    rows.push(`| ε = ${t.epsilon}${t.context ? ', region' : ''} | ${pct(t.fidelity)} | ${fmt(t.meanOps)} | ${fmt(check.reproduced)} / ${fmt(check.n)} | ` +
      `${fmt(h.ops.graph.total.mean, 1)} | **${ratio.toFixed(2)}×** | **${pct(h.fidelity)}** | ${built.builder.branches} | ${built.builder.netLeaves} | ${fmt(blob.length)} | ${(chosen.get(k) ?? []).join(', ') || '–'} |`);
    log(`${c.name}: ε ${t.epsilon}${t.context ? ' region' : ''}: ${ratio.toFixed(2)}× fewer held-out mean ops, fidelity ${pct(h.fidelity)} (validation ${pct(t.fidelity)})`);
  });
  const seconds = (performance.now() - t0) / 1000;
  const frontier: Frontier = { network: c.name, synthesis: c.train.replace(/^.*test\/fixtures/, 'test/fixtures'), holdout: c.holdout.replace(/^.*test\/fixtures/, 'test/fixtures'), points };
  return { frontier, text: `### ${c.name}

Network \`${c.modelText}\`, synthesis inputs \`${c.train.replace(/^.*test\/fixtures/, 'test/fixtures')}\` (${fmt(ds.n)}; ${fmt(Math.round(0.2 * ds.n))} of them the validation split),
held-out \`${c.holdout.replace(/^.*test\/fixtures/, 'test/fixtures')}\` (${fmt(holdout.n)}${outside ? `, ${outside} outside the network's domain: refused, counted as disagreements` : ''}). ${seconds.toFixed(0)} s in all.

| model | held-out ops mean | dense / model | held-out fidelity |
|---|---:|---:|---:|
| dense network | ${fmt(dense.mean, 1)} | 1.00× | 100.00% |
| \`tree\` on the network's classes | ${fmt(treeRun.mean, 1)} | ${(dense.mean / treeRun.mean).toFixed(2)}× | ${pct(treeAgree / holdout.n)} |

| setting | validation fidelity | validation ops mean | exact | held-out ops mean | dense / graph | held-out fidelity | branches | net leaves | blob bytes | chosen by --target-fidelity |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|
${rows.join('\n')}
` };
}

/** The section (or, `quick`, the clusters MLP only, printed). */
export function runFidelityBench(quick: boolean): void {
const t0 = performance.now();
const runs = (quick ? CASES.slice(1) : CASES).map(runCase);
const parts = runs.map((r) => r.text);
const seconds = (performance.now() - t0) / 1000;
const body = `## Synthesis for fidelity: the ops / held-out fidelity frontier

\`npm run bench:synth-fidelity\` (bench/synth-fidelity.ts), run on ${new Date().toISOString().slice(0, 10)}, ${seconds.toFixed(0)} s in all.
Each setting (docs/SYNTH.md, "Fidelity": ε the share of agreement a leaf's mask may give up,
"region" when the parts split off a region stay faithful on the region's distilled inputs;
leaf size ${FIDELITY_GRID[0].minLeaf}, sparse first-layer version at ${DEFAULT_DENSITIES.join(', ')} of the weights, one
distilled input per synthesis input) is judged on the validation split with the graph built on
the other synthesis inputs, then rebuilt on all of them and checked in the engine: "exact" counts
the synthesis inputs on which it answers the network's class (release and counting builds);
held-out ops are the counting engine's mean (what \`measure\` reports) and held-out fidelity the
share of held-out inputs on which it answers the integer network's class (what \`verify <graph>
<held-out> --against <dense blob>\` reports). \`synth --target-fidelity F\` writes the row chosen
for F: the cheapest validation mean ops among the settings whose validation fidelity is ≥ F.

${parts.join('\n')}`;
if (quick) process.stdout.write(body);
else {
  writeBenchmarkSection('synth-fidelity', body);
  // The same points for `condnet report --frontier` (docs/REPORT.md).
  const file: FrontierFile = { version: 1, frontiers: runs.map((r) => r.frontier) };
  writeFileAtomic(FRONTIER_JSON, JSON.stringify(file, null, 2) + '\n');
  process.stdout.write(`bench:synth-fidelity: wrote the synth-fidelity section of docs/BENCHMARKS.md (${seconds.toFixed(0)} s)\n`);
}
}
