// Synthesis (DESIGN §3.5): the graph reproduces the network's class on every input it was built
// from — in the reference evaluator and in both engine builds — for random dense ReLU networks,
// both leaf rules, with and without a depth limit, through the BigInt paths too; `interp` on
// distinct labels becomes `search`, comparison for comparison; and the CLI end to end.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QuantMode } from '../assembly/format.js';
import { buildInterp } from '../host/construct/interp.js';
import { buildSearch } from '../host/construct/search.js';
import { Prng } from '../host/data/prng.js';
import { chooseQuantization, inputDomain, quantize } from '../host/data/quantize.js';
import { loadDataset } from '../host/data/source.js';
import { Engine } from '../host/engine/engine.js';
import { referenceEvaluate } from '../host/engine/reference.js';
import { readBlob } from '../host/format/reader.js';
import { writeBlob } from '../host/format/writer.js';
import type { DenseLayer, DenseNetwork, GraphNetwork, Network } from '../host/network.js';
import { collapseNeuron } from '../host/synth/collapse.js';
import { forwardPass, I64_MAX } from '../host/synth/forward.js';
import { synthesize, type LeafKind } from '../host/synth/synthesize.js';

const CLI = new URL('../host/cli/main.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'condnet-synth-'));

function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

interface LayerSpec { outputs: number; relu: boolean; shared?: boolean; weight: number; bias: number }

/** A random integer network: weights uniform in ±weight, biases in ±bias. */
function randomNetwork(rng: Prng, dim: number, specs: LayerSpec[], lo: number, hi: number): DenseNetwork {
  const int = (m: number) => rng.below(2 * m + 1) - m;
  // |b| up to about m, also past 2^32 (biases are i64)
  const big = (m: number) => (m <= 2 ** 30 ? BigInt(int(m)) : BigInt(int(2 ** 30)) * BigInt(Math.floor(m / 2 ** 30)) + BigInt(int(2 ** 20)));
  let inputs = dim;
  const layers: DenseLayer[] = specs.map((s) => {
    const rows = s.shared ? 1 : s.outputs;
    const l: DenseLayer = {
      inputs, outputs: s.outputs, relu: s.relu, sharedRow: !!s.shared,
      weights: Int32Array.from({ length: rows * inputs }, () => int(s.weight)),
      biases: BigInt64Array.from({ length: s.outputs }, () => big(s.bias)),
    };
    inputs = s.outputs;
    return l;
  });
  const C = specs[specs.length - 1].outputs;
  return {
    kind: 'dense', dim, classes: Array.from({ length: C }, (_, i) => `c${i}`),
    quant: { mode: QuantMode.FracBits, param: 0 },
    domain: { lo: new Int32Array(dim).fill(lo), hi: new Int32Array(dim).fill(hi) },
    layers, output: 'argmax', maxDepth: 0, pairs: 0,
  };
}

function randomInputs(rng: Prng, n: number, dim: number, lo: number, hi: number): Int32Array {
  return Int32Array.from({ length: n * dim }, () => lo + rng.below(hi - lo + 1));
}

const engines = { release: new Engine('release'), counting: new Engine('counting') };

/** Every input: the graph's class equals the dense network's in the reference and in both
 *  engines, and the counting engine's counts equal the reference's. */
function assertExact(dense: DenseNetwork, graph: GraphNetwork, xq: Int32Array, n: number, truth: Int32Array, what: string): void {
  const blob = writeBlob(graph);
  const back = readBlob(blob).network as GraphNetwork;
  const denseBlob = writeBlob(dense);
  engines.release.loadOrThrow(blob);
  const fast = engines.release.evaluateBatch(xq, n);
  engines.release.loadOrThrow(denseBlob);
  const fastDense = engines.release.evaluateBatch(xq, n);
  engines.counting.loadOrThrow(blob);
  for (let i = 0; i < n; i++) {
    const want = referenceEvaluate(dense, xq, i * dense.dim).output;
    assert.equal(truth[i], want, `${what}: input ${i}, the synthesizer's truth`);
    const ref = referenceEvaluate(back, xq, i * dense.dim);
    assert.equal(ref.output, want, `${what}: input ${i}, reference`);
    assert.equal(fast[i], want, `${what}: input ${i}, release engine`);
    assert.equal(fastDense[i], want, `${what}: input ${i}, release engine on the dense blob`);
    assert.equal(engines.counting.evaluate(xq, i * dense.dim), want, `${what}: input ${i}, counting engine`);
    assert.deepEqual(engines.counting.counts(), ref.counts, `${what}: input ${i}, counts`);
  }
}

test('random dense ReLU networks: exact on their inputs, both leaf rules, with and without a depth limit', () => {
  const rng = new Prng(2024);
  const shapes: LayerSpec[][] = [
    [{ outputs: 6, relu: true, weight: 5, bias: 30 }, { outputs: 3, relu: false, weight: 5, bias: 30 }],
    [{ outputs: 5, relu: true, weight: 4, bias: 20 }, { outputs: 4, relu: true, weight: 4, bias: 40 }, { outputs: 3, relu: false, weight: 4, bias: 40 }],
    // a shared row feeding a dense ReLU layer, and an identity layer in between
    [{ outputs: 6, relu: true, shared: true, weight: 7, bias: 40 }, { outputs: 4, relu: true, weight: 3, bias: 30 }, { outputs: 3, relu: false, weight: 3, bias: 10 }],
    [{ outputs: 5, relu: true, weight: 4, bias: 20 }, { outputs: 3, relu: false, weight: 2, bias: 5 }, { outputs: 4, relu: true, weight: 3, bias: 20 }, { outputs: 2, relu: false, weight: 3, bias: 5 }],
  ];
  let nets = 0;
  let depthLimited = 0;
  let deeper = 0;
  for (let t = 0; t < 24; t++) {
    const dim = 2 + rng.below(4);
    const net = randomNetwork(rng, dim, shapes[t % shapes.length], -12, 12);
    const n = 30 + rng.below(120);
    const xq = randomInputs(rng, n, dim, -12, 12);
    for (const leaves of ['constant', 'affine'] as LeafKind[]) {
      for (const maxDepth of [undefined, 2, 0]) {
        const { graph, stats, truth } = synthesize(net, xq, n, { leaves, maxDepth });
        assert.ok(stats.maxDepth <= (maxDepth ?? 64));
        assert.equal(graph.maxDepth, stats.maxDepth);
        assert.equal(stats.nodes, graph.nodes.length);
        depthLimited += stats.depthLimited;
        if (maxDepth === undefined) {
          if (leaves === 'affine') assert.equal(stats.netLeaves, stats.patterns, 'affine: one net leaf per activation pattern');
          const first = net.layers[0].sharedRow ? 1 : net.layers[0].outputs;
          deeper += Math.max(0, stats.rows - first);
        }
        assertExact(net, graph, xq, n, truth, `net ${t} ${leaves} depth ${maxDepth}`);
        nets++;
      }
    }
  }
  assert.equal(nets, 24 * 6);
  assert.ok(depthLimited > 0, 'some leaves met the depth limit');
  assert.ok(deeper > 0, 'some tests are on collapsed deeper neurons');
});

test('a network of one answer: a graph of no nodes whose root class is that answer, at any depth limit', () => {
  const rng = new Prng(5);
  const xq = randomInputs(rng, 40, 2, 0, 9);
  for (const c of [0, 2]) {
    const net: DenseNetwork = {
      kind: 'dense', dim: 2, classes: ['a', 'b', 'c'], quant: { mode: QuantMode.FracBits, param: 0 },
      domain: { lo: Int32Array.of(0, 0), hi: Int32Array.of(9, 9) }, output: 'scalar', maxDepth: 0, pairs: 0,
      layers: [
        { inputs: 2, outputs: 2, relu: true, sharedRow: false, weights: Int32Array.of(1, -1, -1, 1), biases: BigInt64Array.of(0n, 0n) },
        { inputs: 2, outputs: 1, relu: false, sharedRow: false, weights: Int32Array.of(0, 0), biases: BigInt64Array.of(BigInt(c)) },
      ],
    };
    for (const maxDepth of [undefined, 0]) {
      const { graph, stats, truth } = synthesize(net, xq, 40, { leaves: 'constant', maxDepth });
      assert.equal(stats.nodes, 0, `class ${c}, depth ${maxDepth}`);
      assert.equal(stats.netLeaves, 0);
      assert.equal(graph.rootClass ?? 0, c);
      assertExact(net, graph, xq, 40, truth, `one class ${c}`);
      assert.deepEqual(referenceEvaluate(graph, xq, 0).counts, { mul: 0, add: 0, cmp: 0, wordOps: 0, loads: 0 });
    }
  }
});

test('wide values: BigInt forward passes, tests refused past i32 or the i64 bound, still exact', () => {
  const rng = new Prng(7);
  // Layer 2 accumulates past 2^53 (BigInt forward pass); its collapsed rows pass i32.
  const wide = randomNetwork(rng, 3, [
    { outputs: 4, relu: true, weight: 2 ** 26, bias: 2 ** 40 },
    { outputs: 4, relu: true, weight: 2 ** 8, bias: 2 ** 50 },
    { outputs: 3, relu: false, weight: 2 ** 4, bias: 2 ** 40 },
  ], -(2 ** 20), 2 ** 20);
  const xq = randomInputs(rng, 120, 3, -(2 ** 20), 2 ** 20);
  const bounds = forwardPass(wide, xq, 120).layerBound;
  assert.ok(bounds[1] > 2n ** 53n && bounds[1] <= I64_MAX, 'layer 2 runs in BigInt, without wrapping');
  for (const leaves of ['constant', 'affine'] as LeafKind[]) {
    const { graph, stats, truth } = synthesize(wide, xq, 120, { leaves });
    assert.ok(stats.skippedWide > 0, `${leaves}: collapsed rows wider than i32 are refused`);
    assertExact(wide, graph, xq, 120, truth, `wide ${leaves}`);
  }
  // Accumulators past 2^63: the network wraps like the engine, nothing deeper is collapsed.
  const top = 2 ** 31 - 1;
  const wrapping = randomNetwork(rng, 4, [
    { outputs: 3, relu: true, weight: top, bias: 2 ** 40 },
    { outputs: 3, relu: true, weight: top, bias: 2 ** 40 },
    { outputs: 2, relu: false, weight: top, bias: 2 ** 40 },
  ], -top, top);
  const xw = randomInputs(rng, 60, 4, -top, top);
  for (const leaves of ['constant', 'affine'] as LeafKind[]) {
    const { graph, stats, truth } = synthesize(wrapping, xw, 60, { leaves });
    assert.ok(stats.skippedBound > 0, `${leaves}: tests whose score could wrap are refused`);
    assertExact(wrapping, graph, xw, 60, truth, `wrapping ${leaves}`);
  }
});

test('a collapsed row is the network\'s own arithmetic on its activation pattern (Float64 and BigInt paths)', () => {
  const rng = new Prng(99);
  let bigPaths = 0;
  for (const [weight1, weight2, range] of [[5, 5, 20], [2 ** 30, 2 ** 24, 1]]) {
    const net = randomNetwork(rng, 3, [
      { outputs: 4, relu: true, weight: weight1, bias: 10 },
      { outputs: 3, relu: false, weight: 3, bias: 10 },
      { outputs: 4, relu: true, weight: weight2, bias: 10 },
      { outputs: 2, relu: false, weight: 2, bias: 3 },
    ], -range, range);
    for (let t = 0; t < 20; t++) {
      const x = randomInputs(rng, 1, 3, -range, range);
      // The pre-activations, exactly.
      let h: bigint[] = Array.from(x, BigInt);
      const z: bigint[][] = [];
      for (const l of net.layers) {
        const zl = Array.from({ length: l.outputs }, (_, k) => {
          const at = l.sharedRow ? 0 : k * l.inputs;
          return h.reduce((s, v, j) => s + BigInt(l.weights[at + j]) * v, l.biases[k]);
        });
        z.push(zl);
        h = zl.map((v) => (l.relu && v < 0n ? 0n : v));
      }
      for (let k = 0; k < 4; k++) {
        const c = collapseNeuron(net.layers, 2, k, (layer, j) => z[layer][j] >= 0n);
        const score = Array.from(c.row as ArrayLike<number | bigint>).reduce<bigint>((s, w, j) => s + BigInt(w) * BigInt(x[j]), 0n);
        assert.equal(score + c.bias, z[2][k], `weights ${weight1}/${weight2}, input ${t}, neuron ${k}`);
        if (Array.isArray(c.row)) bigPaths++;
      }
    }
  }
  assert.ok(bigPaths > 0, 'past 2^53 the BigInt path ran');
});

test('interp on distinct labels synthesizes to search: the same worst-case cmp and ops, reference and engine', () => {
  for (const spec of ['synthetic:n=300,d=6,labels=distinct,seed=4', 'synthetic:n=1000,d=16,labels=distinct,seed=1', 'line-alternating:n=2']) {
    const ds = loadDataset(spec);
    const quant = chooseQuantization(ds);
    const xq = quantize(ds, quant);
    const domain = inputDomain(ds, xq);
    const interp = buildInterp(ds, xq, quant, domain, { seed: 3 });
    const search = buildSearch(ds, xq, quant, domain, { seed: 3 });
    const { graph, stats } = synthesize(interp, xq, ds.n, { leaves: 'constant' });
    assert.equal(stats.rows, 1, 'one shared row: one register');
    assert.equal(stats.reusedBranches, stats.branches - 1, 'every branch but the root reuses it');
    assert.equal(stats.netLeaves, 0);
    const measure = (net: Network) => {
      const blob = writeBlob(net);
      engines.counting.loadOrThrow(blob);
      let maxCmp = 0;
      let maxOps = 0;
      let sumOps = 0;
      for (let i = 0; i < ds.n; i++) {
        const ref = referenceEvaluate(net, xq, i * ds.dim);
        assert.equal(ref.output, ds.y[i], `${spec} ${net.kind}: input ${i}`);
        assert.equal(engines.counting.evaluate(xq, i * ds.dim), ds.y[i]);
        assert.deepEqual(engines.counting.counts(), ref.counts);
        const ops = ref.counts.mul + ref.counts.add + ref.counts.cmp;
        maxCmp = Math.max(maxCmp, ref.counts.cmp);
        maxOps = Math.max(maxOps, ops);
        sumOps += ops;
      }
      return { maxCmp, maxOps, meanOps: sumOps / ds.n };
    };
    const g = measure(graph);
    const s = measure(search);
    assert.equal(g.maxCmp, Math.ceil(Math.log2(ds.n)), spec);
    assert.deepEqual(g, s, `${spec}: synthesized interp vs search`);
  }
});

test('CLI: synth from a float network with a held-out slice, and from an interp blob; errors', () => {
  // A small ReLU network on 2-d inputs in [0, 1] with three classes.
  const netFile = join(dir, 'tiny.json');
  writeFileSync(netFile, JSON.stringify({
    format: 'condnet-network', version: 1, inputDim: 2,
    layers: [
      { weights: [[1, -1], [0.5, 1], [-1, 0.25], [0.75, 0.75], [-0.5, 1]], biases: [0, -0.5, 0.25, -0.6, 0.1], activation: 'relu' },
      { weights: [[1, 0, -1, 0.5, 0], [-1, 1, 0, 0, 0.5], [0, -0.5, 1, -1, 1]], biases: [0, 0.1, -0.1], activation: 'linear' },
    ],
  }));
  const data = join(dir, 'grid.csv');
  const rows: string[] = [];
  for (let i = 0; i < 400; i++) rows.push(`${((i * 37) % 101) / 100},${((i * 53) % 97) / 96},${i % 3}`);
  writeFileSync(data, rows.join('\n') + '\n');
  const out = join(dir, 'tiny-synth.cnb');
  const r = run(['synth', netFile, `${data}[0:300]`, '--holdout', `${data}[300:400]`, '-o', out, '--json']);
  assert.equal(r.code, 0, r.err);
  const report = JSON.parse(r.out);
  assert.equal(report.source, 'float');
  assert.equal(report.reproduced, 300);
  assert.equal(report.n, 300);
  assert.deepEqual(report.mismatches, []);
  assert.equal(report.holdout.n, 100);
  assert.ok(report.holdout.fidelity > 0.5 && report.holdout.fidelity <= 1);
  assert.ok(report.ops.graph.total.mean < report.ops.dense.total.mean);
  assert.equal(report.blobBytes.graph, readFileSync(out).length);
  assert.equal(readBlob(new Uint8Array(readFileSync(out))).network.kind, 'graph');
  for (const k of ['nodes', 'classLeaves', 'netLeaves', 'maxDepth', 'rows', 'seconds']) assert.equal(typeof report.synthesis[k], 'number', k);

  assert.match(run(['synth', '--help']).out, /Examples?:/);

  // An interp blob: the human report, and --max-depth / --leaves affine.
  const spec = 'synthetic:n=200,d=4,labels=distinct,seed=9';
  const interp = join(dir, 'interp.cnb');
  assert.equal(run(['build', spec, '-c', 'interp', '-o', interp]).code, 0);
  const h = run(['synth', interp, spec, '-o', join(dir, 'interp-synth.cnb')]);
  assert.equal(h.code, 0, h.err);
  assert.match(h.out, /exact: the graph answers the integer network's class on 200 \/ 200 inputs/);
  assert.match(h.out, /ops max +1,593 +15 /);
  const a = run(['synth', interp, spec, '-o', join(dir, 'interp-affine.cnb'), '--leaves', 'affine', '--max-depth', '3', '--json']);
  assert.equal(a.code, 0, a.err);
  const ar = JSON.parse(a.out);
  assert.equal(ar.synthesis.maxDepth, 3);
  assert.equal(ar.synthesis.netLeaves, 8);

  // Errors: a non-dense blob, data outside the network's domain; no file left behind.
  const search = join(dir, 'search.cnb');
  assert.equal(run(['build', spec, '-o', search]).code, 0);
  const e1 = run(['synth', search, spec, '-o', join(dir, 'never.cnb')]);
  assert.equal(e1.code, 1);
  assert.match(e1.err, /^condnet: .*search\.cnb: a search blob; synth needs an unconditional network/);
  const far = join(dir, 'far.csv');
  writeFileSync(far, '0.5,0.5,0\n9,0.5,1\n');
  const packed = join(dir, 'tiny.cnb');
  assert.equal(run(['pack', netFile, '--dataset', `${data}[0:300]`, '-o', packed]).code, 0);
  const p = run(['synth', packed, `${data}[0:300]`, '-o', join(dir, 'tiny-packed-synth.cnb'), '--json']);
  assert.equal(p.code, 0, p.err);
  assert.equal(JSON.parse(p.out).source, 'blob');
  assert.equal(JSON.parse(p.out).synthesis.nodes, report.synthesis.nodes);
  // The held-out domain rule: a held-out input outside the domain is refused by both blobs
  // and counted as a disagreement, never widening the domain.
  const e2 = run(['synth', packed, `${data}[0:300]`, '--holdout', far, '-o', join(dir, 'far-synth.cnb'), '--json']);
  assert.equal(e2.code, 0, e2.err);
  const far2 = JSON.parse(e2.out).holdout;
  assert.equal(far2.n, 2);
  assert.equal(far2.outsideDomain, 1);
  assert.ok(far2.agree <= 1);
  assert.equal(existsSync(join(dir, 'never.cnb')), false);
});

// The demonstration: synthesized on the 8,000 digits it was trained on, held out on
// the other 2,000; then `verify --against` the float network, as a user would check it.
test('the demo network: exact on its 8,000 digits, ≥ 3× fewer mean ops than the dense network, fidelity on the 2,000 held out', () => {
  const out = join(dir, 'mlp-synth.cnb');
  const fixture = new URL('../../test/fixtures/mnist-mlp/model.json', import.meta.url).pathname;
  const r = run(['synth', fixture, 'mnist:10000[0:8000]', '--holdout', 'mnist:10000[8000:10000]', '-o', out, '--json']);
  assert.equal(r.code, 0, r.err);
  const report = JSON.parse(r.out);
  assert.equal(report.reproduced, 8000);
  assert.ok(report.ops.ratio.mean >= 3, `dense/graph mean ops ${report.ops.ratio.mean}`);
  assert.equal(report.holdout.n, 2000);
  assert.ok(report.holdout.fidelity > 0.5 && report.holdout.fidelity < 1, `fidelity ${report.holdout.fidelity}`);
  const v = run(['verify', out, 'mnist:10000[0:8000]', '--against', fixture]);
  assert.equal(v.code, 0, v.err);
  assert.match(v.out, /8000 \/ 8000 reproduced/);
});
