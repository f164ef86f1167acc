// DESIGN §3.3, the natural unconditional memorizer: along the integer keys t = w·x of `search`,
// on integers step_a(t) = σ(t − a + 1) − σ(t − a) equals 1[t ≥ a], so
//   f(t) = y_(1) + Σ_k (y_(k) − y_(k−1)) · step_{t_(k)}(t)
// reproduces the class of every sorted key. Two dense layers: one shared row (the direction,
// computed and counted once) feeding two ReLUs per label change, then one output neuron
// whose value is the class. Every input runs every neuron: O(n) operations.
//
// Exactness: the ReLU inputs t − a + 1 stay within ±(2^54 + 1) (keys are within ±(2^53 − 1)
// over the domain), so they are exact i64. The output neuron adds products Δ·σ(·) that may
// pass 2^63, but i64 arithmetic wraps modulo 2^64, and the final value — a class index —
// is small, so it comes out exact: a ring homomorphism loses nothing on the way.

import type { Dataset } from '../data/dataset.js';
import type { Domain, Quantization } from '../data/quantize.js';
import type { DenseNetwork } from '../network.js';
import { drawDistinctKeys, type SearchOptions } from './search.js';

export function buildInterp(
  ds: Dataset, xq: Int32Array, quant: Quantization, domain: Domain, opts: SearchOptions = {},
): DenseNetwork {
  const d = ds.dim;
  const { w, sorted, sortedLabel } = drawDistinctKeys(ds, xq, domain, 'interp', opts);
  // A step only where the label changes: a step of weight 0 would cost ops and do nothing.
  const steps: number[] = [];
  for (let k = 1; k < ds.n; k++) if (sortedLabel[k] !== sortedLabel[k - 1]) steps.push(k);
  const first = sortedLabel[0];
  const common = { kind: 'dense' as const, dim: d, classes: ds.classes, quant, domain, output: 'scalar' as const, construction: 'interp', maxDepth: 0, pairs: ds.n };
  if (steps.length === 0) {
    // One class: a constant. A layer needs a neuron, so one with zero weights and bias y_(1).
    return { ...common, layers: [{ inputs: d, outputs: 1, relu: false, sharedRow: true, weights: new Int32Array(d), biases: BigInt64Array.of(BigInt(first)) }] };
  }
  const hidden = 2 * steps.length;
  const biases = new BigInt64Array(hidden);
  const out = new Int32Array(hidden);
  steps.forEach((k, s) => {
    const a = BigInt(sorted[k]);
    biases[2 * s] = -a + 1n; //  σ(t − a + 1)
    biases[2 * s + 1] = -a; //   σ(t − a)
    const delta = sortedLabel[k] - sortedLabel[k - 1];
    out[2 * s] = delta;
    out[2 * s + 1] = -delta;
  });
  return {
    ...common,
    layers: [
      { inputs: d, outputs: hidden, relu: true, sharedRow: true, weights: w, biases },
      { inputs: hidden, outputs: 1, relu: false, sharedRow: false, weights: out, biases: BigInt64Array.of(BigInt(first)) },
    ],
  };
}

/** The exact operation count of one input (the same for every input), by DESIGN §2:
 *  the shared row: a mul per |w_j| ≠ 1, d − 1 adds; per hidden neuron: an add for a non-zero
 *  bias and a ReLU cmp; the output: a mul per |Δ| ≠ 1, (2s − 1) adds, an add if y_(1) ≠ 0. */
export function interpCounts(net: DenseNetwork): { mul: number; add: number; cmp: number } {
  const [first, second] = net.layers;
  const nonUnit = (ws: Int32Array) => ws.filter((x) => x !== 0 && x !== 1 && x !== -1).length;
  const nonZero = (ws: Int32Array) => ws.filter((x) => x !== 0).length;
  const bias = (bs: BigInt64Array) => bs.filter((b) => b !== 0n).length;
  const dot = (ws: Int32Array) => ({ mul: nonUnit(ws), add: Math.max(0, nonZero(ws) - 1) });
  const a = dot(first.weights);
  let mul = a.mul;
  let add = a.add + bias(first.biases);
  let cmp = first.relu ? first.outputs : 0;
  if (second) {
    const b = dot(second.weights);
    mul += b.mul;
    add += b.add + bias(second.biases);
  }
  return { mul, add, cmp };
}
