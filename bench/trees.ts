// condnet `tree` beside scikit-learn's CART (entropy and Gini, grown to purity) on the same
// quantized integers, written to docs/BENCHMARKS.md:
//   npm run build && npm run bench:trees        (needs Debian's python3-sklearn)
//
// Each CART tree is also packed as a condnet blob (θ = ⌊t⌋ + 1 turns sklearn's x ≤ t into
// x ≥ θ on integers) and run in the counting engine, so its depths are not taken on trust:
// the engine's comparisons per input must equal sklearn's decision-path depths exactly.

import { MAX_DEPTH } from '../assembly/format.js';
import { buildNetwork } from '../host/construct/index.js';
import { loadDataset } from '../host/data/source.js';
import { quantize } from '../host/data/quantize.js';
import { Engine } from '../host/engine/engine.js';
import { writeBlob } from '../host/format/writer.js';
import { measure } from '../host/measure/measure.js';
import { verify } from '../host/measure/verify.js';
import { cartToNetwork, CRITERIA, runCart, type Criterion } from './cart.js';
import { writeBenchmarkSection } from './markdown-section.js';

const DATASETS = [
  'mnist:10000',
  'synthetic:n=2000,d=16,labels=distinct,seed=1', // sklearn's criteria cost O(classes) per point moved
  'synthetic:n=10000,d=16,labels=10,seed=2',
  'synthetic:n=100000,d=16,labels=4,seed=3',
  'line-alternating:n=10000',
];

interface Side { meanOps: number; maxOps: number; nodes: number; seconds: number; /** NaN: deeper than the format allows. */ blobBytes: number }
interface Row { dataset: string; n: number; tree: Side; cart: Record<Criterion, Side> }


let sklearnVersion = '';

function row(spec: string): Row {
  process.stderr.write(`${spec}\n`);
  const ds = loadDataset(spec);
  const t0 = performance.now();
  const net = buildNetwork(ds, { construction: 'tree' });
  const seconds = (performance.now() - t0) / 1000;
  if (net.kind !== 'tree') throw new Error('expected a tree');
  const blob = writeBlob(net);
  const m = measure(blob, ds, { timing: false });
  if (verify(blob, ds).correct !== ds.n) throw new Error(`${spec}: tree does not memorize`);
  const tree: Side = { meanOps: m.ops.total.mean, maxOps: m.ops.total.max, nodes: 2 * net.feature.length + 1, blobBytes: blob.length, seconds };

  const xq = quantize(ds, net.quant);
  const out = runCart(ds, xq);
  sklearnVersion = out.sklearn;
  const engine = new Engine('counting');
  const cart = {} as Record<Criterion, Side>;
  for (const c of CRITERIA) {
    const res = out.criteria[c];
    // A path deeper than MAX_DEPTH cannot be packed (Gini on distinct or alternating labels
    // scores every split alike and peels points off one by one); its depths are then sklearn's.
    const packable = Math.max(...res.depth) <= MAX_DEPTH;
    const cartBlob = packable ? writeBlob(cartToNetwork(res.tree, net)) : undefined;
    if (cartBlob) {
      engine.loadOrThrow(cartBlob);
      for (let i = 0; i < ds.n; i++) {
        const cls = engine.evaluate(xq, i * ds.dim);
        const cmp = engine.counts().cmp;
        if (cls !== ds.y[i] || cmp !== res.depth[i]) {
          throw new Error(`${spec} ${c}: input ${i}: engine class ${cls} / ${cmp} tests, sklearn class ${ds.y[i]} / depth ${res.depth[i]}`);
        }
      }
    }
    const depths = res.depth;
    cart[c] = {
      meanOps: depths.reduce((a, b) => a + b, 0) / depths.length,
      maxOps: Math.max(...depths),
      nodes: res.nodeCount,
      blobBytes: cartBlob?.length ?? NaN,
      seconds: res.fitSeconds,
    };
  }
  return { dataset: spec, n: ds.n, tree, cart };
}

const rows = DATASETS.map(row);
const f2 = (x: number) => x.toFixed(2);
const int = (x: number) => (Number.isNaN(x) ? `deeper than ${MAX_DEPTH}` : x.toLocaleString('en-US'));
const cell = (s: Side) => `${f2(s.meanOps)} / ${s.maxOps}`;
const md = `## \`tree\` versus scikit-learn CART (\`npm run bench:trees\`)

Written by \`npm run bench:trees\` (bench/trees.ts, bench/cart.py) on ${new Date().toISOString().slice(0, 10)} with scikit-learn ${sklearnVersion}.
Both sides see the same quantized integers. CART is \`DecisionTreeClassifier(criterion, random_state=0)\`
grown to purity; its ops are tests on the path (its depth), and each CART tree was packed as a
condnet blob and run in the counting engine, which reproduced every label and every depth
(except trees deeper than the format's ${MAX_DEPTH} levels, which cannot be packed: their depths are
sklearn's decision paths).
Nodes count internal nodes and leaves (2·tests + 1). Seconds are the build (condnet) and the fit
(sklearn) on this machine, for scale only.

| dataset | n | tree ops mean / max | CART entropy mean / max | CART Gini mean / max | tree nodes | entropy nodes | Gini nodes | tree blob bytes | entropy blob bytes | Gini blob bytes | tree s | entropy s | Gini s |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${rows.map((r) => `| ${r.dataset} | ${int(r.n)} | ${cell(r.tree)} | ${cell(r.cart.entropy)} | ${cell(r.cart.gini)} | ${int(r.tree.nodes)} | ${int(r.cart.entropy.nodes)} | ${int(r.cart.gini.nodes)} | ${int(r.tree.blobBytes)} | ${int(r.cart.entropy.blobBytes)} | ${int(r.cart.gini.blobBytes)} | ${f2(r.tree.seconds)} | ${f2(r.cart.entropy.seconds)} | ${f2(r.cart.gini.seconds)} |`).join('\n')}

Every path in all three is single-coordinate tests only: ops = cmp, no mul, no add.
`;
writeBenchmarkSection('trees', md);
process.stdout.write(md);
