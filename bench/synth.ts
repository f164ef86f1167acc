// Synthesis benchmark (`npm run bench:synth`): the demonstration MLP (784-64-32-10, trained on
// the first 8,000 digits of mnist:10000) synthesized on those digits with both leaf kinds under
// a range of --max-depth limits, each checked in the engine against the dense network (exact on
// the 8,000, fidelity on the other 2,000), and `interp` synthesized into `search`'s binary
// search. Writes the `synth` section of docs/BENCHMARKS.md, then the `synth-fidelity` section
// (bench/synth-fidelity.ts; `--fidelity` runs that one alone).

import { fileURLToPath } from 'node:url';
import { MAX_DEPTH } from '../assembly/format.js';
import { loadDataset } from '../host/data/source.js';
import { quantize } from '../host/data/quantize.js';
import { buildNetwork } from '../host/construct/index.js';
import { Engine } from '../host/engine/engine.js';
import { writeBlob } from '../host/format/writer.js';
import { countInputs } from '../host/measure/measure.js';
import { checkSynthesis } from '../host/synth/check.js';
import { prepareSynthesis } from '../host/synth/prepare.js';
import { describeFit } from '../host/import/pack.js';
import { synthesize, type LeafKind } from '../host/synth/synthesize.js';
import type { DenseNetwork } from '../host/network.js';
import { writeBenchmarkSection } from './markdown-section.js';
import { runFidelityBench } from './synth-fidelity.js';

const MODEL = fileURLToPath(new URL('../../test/fixtures/mnist-mlp/model.json', import.meta.url));
const TRAIN = 'mnist:10000[0:8000]';
const HOLDOUT = 'mnist:10000[8000:10000]';
const DEPTHS = [MAX_DEPTH, 24, 16, 12, 8, 4, 0];
const INTERP_SPEC = 'synthetic:n=4096,d=16,labels=distinct,seed=1';

const fmt = (v: number, digits = 0) => v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const pct = (v: number) => `${(100 * v).toFixed(2)}%`;

function mlpRows(): { rows: string[]; dense: { mean: number; bytes: number }; slowest: number; quantization: string } {
  const ds = loadDataset(TRAIN);
  const holdout = loadDataset(HOLDOUT);
  const input = prepareSynthesis(MODEL, ds, { holdout });
  const rows: string[] = [];
  let dense = { mean: 0, bytes: input.blob.length };
  let slowest = 0;
  for (const leaves of ['constant', 'affine'] as LeafKind[]) {
    for (const maxDepth of DEPTHS) {
      const { graph, stats } = synthesize(input.network, input.xq, ds.n, { leaves, maxDepth });
      const blob = writeBlob(graph);
      const c = checkSynthesis(input.blob, blob, input.network.classes, ds, input.xq, { ds: holdout, xq: input.holdoutXq! });
      dense = { mean: c.ops.dense.total.mean, bytes: input.blob.length };
      slowest = Math.max(slowest, stats.seconds);
      const h = c.holdout!;
      rows.push(`| ${leaves} | ${maxDepth === MAX_DEPTH ? `${MAX_DEPTH} (none)` : maxDepth} | ${fmt(c.reproduced)} / ${fmt(c.n)} | ` +
        `${fmt(c.ops.graph.total.mean, 1)} | ${fmt(c.ops.graph.total.max)} | ${c.ops.ratio.mean.toFixed(2)}× | ` +
        `${fmt(h.ops.graph.total.mean, 1)} | ${pct(h.fidelity)} | ${stats.maxDepth} | ${fmt(stats.branches)} | ${fmt(stats.classLeaves)} | ` +
        `${fmt(stats.netLeaves)} | ${fmt(blob.length)} | ${stats.seconds.toFixed(2)} |`);
      process.stderr.write(`bench:synth: ${leaves} depth ${maxDepth}: ${c.ops.ratio.mean.toFixed(2)}× fewer mean ops, fidelity ${pct(h.fidelity)}\n`);
    }
  }
  const fit = input.fit!;
  const quantization = `${describeFit({ quant: input.network.quant, weightBits: fit.weightBits })}, the integer network agreeing with the float one on ${fmt(fit.agree)} / ${fmt(fit.n)} digits`;
  return { rows, dense, slowest, quantization };
}

/** `search` and the synthesis of `interp` on the same keys: the worst-case cmp and ops. */
function interpVersusSearch(): string {
  const ds = loadDataset(INTERP_SPEC);
  const engine = new Engine('counting');
  const worst = (blob: Uint8Array, xq: Int32Array) => {
    engine.loadOrThrow(blob);
    const r = countInputs(engine, xq, ds.dim, Uint32Array.from({ length: ds.n }, (_, i) => i));
    return { cmp: Math.max(...r.cmp), ops: Math.max(...r.total), mean: r.total.reduce((a, b) => a + b, 0) / ds.n };
  };
  const search = buildNetwork(ds, { construction: 'search' });
  const interp = buildNetwork(ds, { construction: 'interp' }) as DenseNetwork;
  const xq = quantize(ds, interp.quant);
  const { graph } = synthesize(interp, xq, ds.n, { leaves: 'constant' });
  const s = worst(writeBlob(search), quantize(ds, search.quant));
  const g = worst(writeBlob(graph), xq);
  const i = worst(writeBlob(interp), xq);
  return `| \`search\` | ${s.cmp} | ${fmt(s.ops)} | ${fmt(s.mean, 2)} |
| \`synth\` of \`interp\` (constant leaves) | ${g.cmp} | ${fmt(g.ops)} | ${fmt(g.mean, 2)} |
| \`interp\` (dense) | ${i.cmp} | ${fmt(i.ops)} | ${fmt(i.mean, 2)} |`;
}

if (process.argv.includes('--fidelity')) {
  runFidelityBench(process.argv.includes('--quick'));
  process.exit(0);
}

const t0 = performance.now();
const mlp = mlpRows();
const interp = interpVersusSearch();
const seconds = (performance.now() - t0) / 1000;

writeBenchmarkSection('synth', `## Synthesis: conditional networks from the demonstration MLP

\`npm run bench:synth\` (bench/synth.ts), run on ${new Date().toISOString().slice(0, 10)}, ${seconds.toFixed(0)} s in all.
The MLP 784-64-32-10 of \`test/fixtures/mnist-mlp\` (trained with tfjs on the first 8,000 digits of
\`mnist:10000\`), quantized exactly as \`pack\` chooses (${mlp.quantization}): ${fmt(mlp.dense.mean)} ops per input as a dense blob
(${fmt(mlp.dense.bytes)} bytes). Each row is \`condnet synth test/fixtures/mnist-mlp/model.json
'${TRAIN}' --holdout '${HOLDOUT}' --leaves L --max-depth N\`, checked in the engine
(release and counting builds): "exact" counts the 8,000 digits on which the graph answers the
network's class; fidelity is the share of the 2,000 held-out digits on which it does. Ops are
DESIGN §2's, mean and max over the 8,000 (held-out mean beside). A leaf at the depth limit that
still holds several classes (constant) or activation patterns (affine) runs the network under
a mask, so every row is exact. Slowest synthesis: ${mlp.slowest.toFixed(2)} s (target ≤ 60 s).

| leaves | max depth | exact | ops mean | ops max | dense / graph (mean) | held-out ops mean | fidelity | depth | branches | class leaves | net leaves | blob bytes | synth s |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${mlp.rows.join('\n')}

\`interp\` synthesized with constant leaves on \`${INTERP_SPEC}\` against \`search\` on the same
keys (same direction and seed): worst-case comparisons and ops over the n inputs.

| model | cmp max | ops max | ops mean |
|---|---:|---:|---:|
${interp}
`);
process.stdout.write(`bench:synth: wrote the synth section of docs/BENCHMARKS.md (${seconds.toFixed(0)} s)\n`);
runFidelityBench(false);
