// Bit-exact parity: the engine's counting build and the host's reference evaluator give the
// same output and the same counts, on random blobs with random inputs (fast-check, fixed
// seed) and on built models; the release build gives the same outputs as the counting build.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { QuantMode } from '../assembly/format.js';
import { Engine } from '../host/engine/engine.js';
import { referenceEvaluate } from '../host/engine/reference.js';
import { writeBlob } from '../host/format/writer.js';
import { readBlob } from '../host/format/reader.js';
import { walkInOrder } from '../host/construct/search.js';
import {
  searchDepth, type DenseLayer, type DenseNetwork, type GraphNetwork, type GraphNode, type Instruction, type Network,
  type ProgramNetwork, type SearchNetwork, type TreeNetwork,
} from '../host/network.js';
import { Prng } from '../host/data/prng.js';
import { PreorderTree, type Ref } from '../host/construct/preorder.js';
import { buildFrom } from './helpers.js';

const SEED = 20261123;

/** A random, valid search network: keys stay within 2^53 over its domain by construction. */
const arbNetwork = fc
  .record({
    dim: fc.integer({ min: 1, max: 6 }),
    m: fc.integer({ min: 0, max: 300 }),
    classes: fc.integer({ min: 1, max: 300 }),
    wBits: fc.integer({ min: 0, max: 30 }),
    seed: fc.integer(),
    // Any stored leaf width is valid, not only the narrowest the writer would pick.
    leafBytes: fc.constantFrom<(1 | 2 | 4)[]>(1, 2, 4),
  })
  .chain(({ dim, m, classes, wBits, seed, leafBytes }) =>
    fc.record({
      projection: fc.array(fc.integer({ min: -(2 ** wBits), max: 2 ** wBits }).filter((w) => w !== 0), { minLength: dim, maxLength: dim }),
      lo: fc.array(fc.integer({ min: -(2 ** 16), max: 0 }), { minLength: dim, maxLength: dim }),
      span: fc.array(fc.integer({ min: 0, max: 2 ** 17 }), { minLength: dim, maxLength: dim }),
      keys: fc.uniqueArray(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), { minLength: m, maxLength: m }),
      leaves: fc.array(fc.integer({ min: 0, max: classes - 1 }), { minLength: m + 1, maxLength: m + 1 }),
      classes: fc.constant(classes),
      seed: fc.constant(seed),
      leafBytes: fc.constant(classes > 256 ? Math.max(leafBytes, 2) as 2 | 4 : leafBytes),
    }),
  )
  .map((r): SearchNetwork => {
    const dim = r.projection.length;
    const sorted = [...r.keys].sort((a, b) => a - b);
    const separators = new Float64Array(sorted.length);
    let k = 0;
    walkInOrder(sorted.length, () => {}, (p) => { separators[p - 1] = sorted[k++]; });
    return {
      kind: 'search',
      dim,
      classes: Array.from({ length: r.classes }, (_, i) => `c${i}`),
      quant: { mode: QuantMode.FracBits, param: 0 },
      domain: { lo: Int32Array.from(r.lo), hi: Int32Array.from(r.lo, (l, j) => l + r.span[j]) },
      projection: Int32Array.from(r.projection),
      separators,
      leaves: Uint32Array.from(r.leaves),
      maxDepth: searchDepth(sorted.length),
      pairs: sorted.length + 1,
      leafBytes: r.leafBytes,
      // Weights that fit an i16 are sometimes stored as i32 anyway, which is as valid.
      ...(r.seed % 2 === 0 ? { projectionBytes: 4 as const } : {}),
    };
  });

/** A random, valid tree in preorder: random shape up to depth 12, random coordinates and
 *  thresholds (within i16 or beyond), random leaf classes, stored in 8-byte nodes where they
 *  fit (or, as is also valid, 16-byte ones) and 16-byte nodes otherwise. */
const arbTree = fc
  .record({
    dim: fc.integer({ min: 1, max: 6 }),
    classes: fc.integer({ min: 1, max: 300 }),
    wide: fc.boolean(),
    wideNodes: fc.boolean(),
    split: fc.double({ min: 0.3, max: 0.95, noNaN: true }),
    seed: fc.integer(),
  })
  .map(({ dim, classes, wide, wideNodes, split, seed }): TreeNetwork => {
    const rng = new Prng(seed);
    const range = wide ? 2 ** 20 : 2 ** 14;
    const tree = new PreorderTree();
    const grow = (depth: number): Ref => (depth === 12 || tree.size >= 400 || rng.below(1000) >= split * 1000
      ? tree.leaf(rng.below(classes), depth)
      : tree.node(rng.below(dim), rng.below(2 * range) - range, () => grow(depth + 1), () => grow(depth + 1)));
    const nodes = tree.finish(grow(0)); // a lone leaf of any class: the root class
    // Half the trees share one (lo, hi) pair across coordinates: the release engine's batch
    // loop takes its own path for those (8-byte nodes), checked here against the reference.
    const sharedDomain = rng.below(2) === 0;
    const lo0 = -range - rng.below(range);
    const lo = Int32Array.from({ length: dim }, () => (sharedDomain ? lo0 : -range - rng.below(range)));
    const hiOf = (l: number) => l + 2 * range + (sharedDomain ? 0 : rng.below(range));
    return {
      kind: 'tree',
      dim,
      classes: Array.from({ length: classes }, (_, i) => `c${i}`),
      quant: { mode: QuantMode.FracBits, param: 0 },
      domain: { lo, hi: Int32Array.from(lo, hiOf) },
      ...nodes,
      pairs: 0,
      fieldBytes: wide || wideNodes ? 4 : 2,
    };
  });

/** A random dense network: 1–4 layers up to 6 wide, ReLU or not, shared rows or not, weights
 *  from 0 and ±1 up to ±2^31 and biases up to ±2^62, so products and sums wrap around i64
 *  (which both sides must do alike), with an argmax or a scalar-class output. */
const arbDense = fc
  .record({
    dim: fc.integer({ min: 1, max: 6 }),
    widths: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 0, maxLength: 3 }),
    classes: fc.integer({ min: 1, max: 6 }),
    scalar: fc.boolean(),
    seed: fc.integer(),
  })
  .map(({ dim, widths, classes, scalar, seed }): DenseNetwork => {
    const rng = new Prng(seed);
    const pick = () => {
      const r = rng.below(6);
      if (r < 3) return r - 1; // −1, 0, 1: the weights that cost no mul
      const mag = rng.below(2 ** (rng.below(31) + 1)) + 1;
      return r === 3 ? mag : -mag;
    };
    const bias = () => {
      const r = rng.below(4);
      if (r === 0) return 0n;
      const mag = BigInt(rng.u32()) << BigInt(rng.below(31));
      return r === 1 ? mag : -mag;
    };
    const outs = [...widths, scalar ? 1 : classes];
    const layers: DenseLayer[] = [];
    let inputs = dim;
    for (const outputs of outs) {
      const sharedRow = rng.below(3) === 0;
      const rows = sharedRow ? 1 : outputs;
      layers.push({
        inputs, outputs, relu: rng.below(2) === 0, sharedRow,
        weights: Int32Array.from({ length: rows * inputs }, pick),
        biases: BigInt64Array.from({ length: outputs }, bias),
      });
      inputs = outputs;
    }
    const lo = Int32Array.from({ length: dim }, () => -rng.below(2 ** 20));
    return {
      kind: 'dense', dim, classes: Array.from({ length: classes }, (_, i) => `c${i}`),
      quant: { mode: QuantMode.FracBits, param: 0 },
      domain: { lo, hi: Int32Array.from(lo, (l) => l + 2 ** 21) },
      layers, output: scalar ? 'scalar' : 'argmax', maxDepth: 0, pairs: 0,
    };
  });

/** A random limb program: up to 12 instructions of 1–5 limbs, terms reading any run of
 *  limbs already written (inputs included), weights and biases of random sign and length up
 *  to 6 limbs, so products carry, borrow and truncate. (Values are checked exactly through
 *  the built `sqrt` programs, test/sqrt.test.ts.) */
const arbProgram = fc
  .record({ dim: fc.integer({ min: 1, max: 5 }), count: fc.integer({ min: 1, max: 12 }), classes: fc.integer({ min: 1, max: 9 }), seed: fc.integer() })
  .map(({ dim, count, classes, seed }): ProgramNetwork => {
    const rng = new Prng(seed);
    const big = (): bigint => {
      const limbs = rng.below(6) + 1;
      let v = 0n;
      for (let k = 0; k < limbs; k++) v = (v << 32n) | BigInt(rng.u32());
      v >>= BigInt(rng.below(32 * limbs));
      if (rng.below(3) === 0) v = BigInt(rng.below(3)) - 1n; // −1, 0, 1
      return rng.below(2) ? -v : v;
    };
    const instructions: Instruction[] = [];
    let end = dim;
    for (let i = 0; i < count; i++) {
      const terms: Instruction['terms'] = [];
      const k = rng.below(4) + 1;
      while (terms.length < k) {
        const sourceLimbs = rng.below(Math.min(end, 5)) + 1;
        const weight = big();
        if (weight !== 0n) terms.push({ source: rng.below(end - sourceLimbs + 1), sourceLimbs, weight });
      }
      const width = rng.below(5) + 1;
      const bias = rng.below(3) === 0 ? 0n : BigInt.asIntN(32 * width, big());
      instructions.push({ width, relu: rng.below(2) === 0, bias, terms });
      end += width;
    }
    // Half the programs end in a class computed as x_0 − x_0 + c, so their outputs are in
    // range and the counts of every instruction above are compared, not reset by an error.
    if (rng.below(2)) instructions.push({ width: 1, relu: false, bias: BigInt(rng.below(classes)), terms: [{ source: 0, sourceLimbs: 1, weight: 1n }, { source: 0, sourceLimbs: 1, weight: -1n }] });
    const lo = Int32Array.from({ length: dim }, () => -rng.below(2 ** 30));
    return {
      kind: 'program', dim, classes: Array.from({ length: classes }, (_, i) => `c${i}`),
      quant: { mode: QuantMode.FracBits, param: 0 },
      domain: { lo, hi: Int32Array.from(lo, (l) => l + 2 ** 31 - 1) },
      instructions, maxDepth: 0, pairs: 0,
    };
  });

/** A random conditional graph over a random dense base: up to 4 rows (weights from 0 and ±1
 *  up to ±2^20), a random preorder shape up to depth 10 of branches (computing or reusing a
 *  row's register — now and then a register no ancestor computed, which reads 0), class
 *  leaves and, half the time, net leaves under random masks. */
const arbGraph = fc
  .tuple(arbDense, fc.integer(), fc.boolean())
  .map(([base, seed, withNet]): GraphNetwork => {
    const rng = new Prng(seed);
    const d = base.dim;
    const classes = base.classes.length;
    const rowCount = rng.below(5);
    // Odd rows have small weights, so their scores land near the thresholds (±2^23) and the
    // `score ≥ θ` edge is exercised, not only the sign of a huge score.
    const weight = (k: number) => (rng.below(3) === 0 ? rng.below(3) - 1
      : Math.floor(k / d) % 2 ? rng.below(7) - 3 : rng.below(2 ** 21) - 2 ** 20);
    const rows = Int32Array.from({ length: rowCount * d }, (_, k) => weight(k));
    const neurons = base.layers.reduce((s, l) => s + l.outputs, 0);
    const masks = withNet ? Array.from({ length: rng.below(3) + 1 }, () => Uint8Array.from({ length: neurons }, () => rng.below(3))) : [];
    const nodes: GraphNode[] = [];
    let maxDepth = 0;
    // Leaves are returned as −1 − class and become refs m + class once m is known.
    const grow = (depth: number, computed: ReadonlySet<number>): number => {
      const r = rng.below(10);
      if (withNet && r < 2) {
        nodes.push({ kind: 'net', row: rng.below(masks.length), reuse: false, below: 0, above: 0, threshold: 0n });
        return nodes.length - 1;
      }
      if (rowCount === 0 || depth >= 10 || nodes.length >= 60 || r < 4) return -1 - rng.below(classes);
      const row = rng.below(rowCount);
      const reuse = computed.has(row) ? rng.below(4) !== 0 : rng.below(8) === 0;
      const at = nodes.length;
      const threshold = rng.below(4) === 0 ? BigInt(rng.below(5) - 2) : BigInt(rng.below(2 ** 24)) - (1n << 23n);
      nodes.push({ kind: 'branch', row, reuse, below: 0, above: 0, threshold });
      maxDepth = Math.max(maxDepth, depth + 1);
      const next = new Set(computed).add(row);
      const below = grow(depth + 1, next);
      const above = grow(depth + 1, next);
      Object.assign(nodes[at], { below, above });
      return at;
    };
    grow(0, new Set());
    const m = nodes.length;
    for (const n of nodes) {
      if (n.kind !== 'branch') continue;
      if (n.below < 0) n.below = m - 1 - n.below;
      if (n.above < 0) n.above = m - 1 - n.above;
    }
    return {
      kind: 'graph', dim: d, classes: base.classes, quant: base.quant, domain: base.domain,
      rows, rowCount, nodes, masks, ...(withNet ? { base: { layers: base.layers, output: base.output } } : {}),
      maxDepth, pairs: 0,
    };
  });

test('engine and reference agree on random blobs and random inputs (outputs and counts)', () => {
  const counting = new Engine('counting');
  const release = new Engine('release');
  fc.assert(
    fc.property(fc.oneof(arbNetwork, arbTree, arbDense, arbProgram, arbGraph), fc.array(fc.array(fc.integer({ min: -(2 ** 21), max: 2 ** 21 }), { minLength: 6, maxLength: 6 }), { minLength: 1, maxLength: 40 }), (net, raw) => {
      const blob = writeBlob(net as Network);
      const back = readBlob(blob).network;
      assert.equal(counting.load(blob), 0);
      assert.equal(release.load(blob), 0);
      // Half the inputs are pulled into the domain, so both guarded and evaluated paths run.
      const xs = new Int32Array(raw.length * net.dim);
      raw.forEach((row, i) => {
        for (let j = 0; j < net.dim; j++) {
          const v = row[j];
          xs[i * net.dim + j] = i % 2 ? v : Math.min(net.domain.hi[j], Math.max(net.domain.lo[j], v));
        }
      });
      const batch = release.evaluateBatch(xs, raw.length);
      for (let i = 0; i < raw.length; i++) {
        const ref = referenceEvaluate(back, xs, i * net.dim);
        const out = counting.evaluate(xs, i * net.dim);
        assert.equal(out, ref.output);
        assert.equal(batch[i], ref.output);
        assert.deepEqual(counting.counts(), ref.counts);
      }
    }),
    { seed: SEED, numRuns: 300 },
  );
});

test('engine and reference agree on every pair of built models', () => {
  const counting = new Engine('counting');
  for (const [spec, construction] of [
    ['mnist:300', 'search'], ['synthetic:n=3000,d=16,labels=distinct,seed=5', 'search'], ['line-alternating:n=777', 'search'],
    ['mnist:1000', 'tree'], ['synthetic:n=3000,d=16,labels=5,seed=5', 'tree'], ['line-alternating:n=777', 'tree'],
  ] as const) {
    const b = buildFrom(spec, { construction });
    const back = readBlob(b.blob).network;
    assert.equal(counting.load(b.blob), 0);
    for (let i = 0; i < b.ds.n; i++) {
      const ref = referenceEvaluate(back, b.xq, i * b.ds.dim);
      assert.equal(counting.evaluate(b.xq, i * b.ds.dim), ref.output, `${spec} input ${i}`);
      assert.equal(ref.output, b.ds.y[i], `${spec} (${construction}) input ${i}`);
      assert.deepEqual(counting.counts(), ref.counts, `${spec} input ${i}`);
      const t = counting.touched();
      assert.ok(t.low >= 0 && t.high < b.blob.length, `${spec} input ${i}: read outside the blob`);
    }
  }
});
