// The exact forward pass synthesis needs (DESIGN §3.5): the network's own class on every input
// (the truth a synthesized graph must reproduce) and the sign of every hidden ReLU neuron on
// every input. Exactness is mandatory, so each layer's accumulators are bounded over the
// declared input domain first (interval arithmetic, as the import does): a layer whose bound
// stays below 2^53 runs in Float64 (every partial sum is then an exact integer), any other
// layer in BigInt reduced mod 2^64 — the engine's wrapping i64, which is what the truth is.
//
// A ReLU layer with one shared row (`interp`'s first layer: 2(n − 1) neurons on one dot product,
// biases up to 2^53) is never materialized: its neurons are `s ≥ θ_k` on one score s per input
// (θ_k = −b_k), so with the θ sorted the active neurons of an input are a prefix, and the next
// layer is s·ΣW + ΣW·b over that prefix — O(log H) per input instead of O(H).

import { CondnetError } from '../errors.js';
import type { DenseLayer, DenseNetwork } from '../network.js';

export const EXACT_FLOAT = 2 ** 53;
export const I64_MAX = (1n << 63n) - 1n;

/** A neuron's signs on the inputs: dense layers store them, shared-row layers store scores. */
export interface SignLayer {
  /** Index into net.layers. */
  layer: number;
  /** Global index (over all layers' neurons, as in a mask) of its first neuron. */
  offset: number;
  outputs: number;
  /** Dense: outputs × n bytes, neuron-major, 1 where z = W·h + b ≥ 0. */
  signs?: Uint8Array;
  /** Shared row: neuron k is active on input i iff s[i] ≥ theta[k] (θ = −b). `order` lists
   *  the neurons by θ ascending, `sortedTheta` their θ in that order. */
  shared?: { s: Float64Array | BigInt64Array; theta: bigint[]; order: Int32Array; sortedTheta: bigint[] };
}

/** Is neuron k of `sl` active (z ≥ 0) on input i, of n inputs? */
export function isActive(sl: SignLayer, k: number, i: number, n: number): boolean {
  return sl.signs ? sl.signs[k * n + i] === 1 : sl.shared!.s[i] >= sl.shared!.theta[k];
}

export interface ForwardPass {
  /** The network's class of each input (argmax, lowest index wins a tie; or the scalar). */
  truth: Int32Array;
  /** The hidden ReLU layers (every layer but the last that has a ReLU), in order. */
  signLayers: SignLayer[];
  /** max(|lo_j|, |hi_j|) of each input coordinate. */
  inputBound: bigint[];
  /** Per layer: its proven accumulator bound over the domain (max over neurons). */
  layerBound: bigint[];
  /** Per layer: this layer and every earlier one provably never wrap (bound ≤ i64 max). */
  noWrap: boolean[];
}

/** The network's output on input i is not a class (a scalar network answered outside 0 … C − 1). */
export class SynthesisError extends CondnetError {
  constructor(message: string, readonly index?: number) {
    super(message);
    this.name = 'SynthesisError';
  }
}

type Values =
  | { kind: 'int'; v: Int32Array }
  | { kind: 'f'; v: Float64Array }
  | { kind: 'b'; v: BigInt64Array }
  | { kind: 'shared'; s: Float64Array | BigInt64Array; bias: BigInt64Array; theta: bigint[]; order: Int32Array; sortedTheta: bigint[] };

const abs = (v: bigint) => (v < 0n ? -v : v);

/** Per-neuron bounds |b_k| + Σ_j |W_kj|·B_j (B the bounds of the layer's inputs). */
export function neuronBounds(l: DenseLayer, inBound: bigint[]): { row: bigint[]; neuron: bigint[] } {
  const rows = l.sharedRow ? 1 : l.outputs;
  const row: bigint[] = new Array(rows);
  for (let k = 0; k < rows; k++) {
    let acc = 0n;
    for (let j = 0, at = k * l.inputs; j < l.inputs; j++) {
      const w = l.weights[at + j];
      if (w !== 0) acc += BigInt(w < 0 ? -w : w) * inBound[j];
    }
    row[k] = acc;
  }
  const neuron = Array.from(l.biases, (b, k) => row[l.sharedRow ? 0 : k] + abs(b));
  return { row, neuron };
}

/** Number of θ in `sorted` (ascending) that are ≤ s: the active prefix of a shared layer. */
export function activePrefix(sorted: bigint[], s: number | bigint): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** z = W·h + b of `rows` rows over `prev`, exact: Float64 when `bound` < 2^53, else BigInt
 *  reduced mod 2^64 (wrapping i64). `bias` null means no bias. */
function affine(prev: Values, n: number, inputs: number, weights: Int32Array, rows: number,
  bias: BigInt64Array | null, bound: bigint): Float64Array | BigInt64Array {
  if (prev.kind === 'shared') return affineFromShared(prev, n, inputs, weights, rows, bias, bound);
  if (bound < BigInt(EXACT_FLOAT) && prev.kind !== 'b') {
    // Transposed weights, and zero inputs skipped (most MNIST pixels are 0): every partial
    // sum is a sum of a subset of the terms, so it stays within the bound and exact.
    const wt = new Float64Array(inputs * rows);
    for (let k = 0; k < rows; k++) for (let j = 0; j < inputs; j++) wt[j * rows + k] = weights[k * inputs + j];
    const b = new Float64Array(rows);
    if (bias) for (let k = 0; k < rows; k++) b[k] = Number(bias[k]);
    const z = new Float64Array(n * rows);
    const v = prev.v;
    for (let i = 0; i < n; i++) {
      const out = i * rows;
      z.set(b, out);
      for (let j = 0, at = i * inputs; j < inputs; j++) {
        const h = v[at + j];
        if (h === 0) continue;
        for (let k = 0, w = j * rows; k < rows; k++) z[out + k] += h * wt[w + k];
      }
    }
    return z;
  }
  const z = new BigInt64Array(n * rows);
  const h: bigint[] = new Array(inputs);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < inputs; j++) h[j] = BigInt(prev.v[i * inputs + j]);
    for (let k = 0; k < rows; k++) {
      let acc = bias ? bias[k] : 0n;
      for (let j = 0, at = k * inputs; j < inputs; j++) {
        const w = weights[at + j];
        if (w !== 0 && h[j] !== 0n) acc += BigInt(w) * h[j];
      }
      z[i * rows + k] = acc; // BigInt64Array stores mod 2^64: the engine's wrap
    }
  }
  return bound < BigInt(EXACT_FLOAT) ? Float64Array.from(z, Number) : z;
}

/** The next layer over a shared ReLU layer: input i's active neurons are the first p of θ
 *  order, so z_o = s·Σ_{q<p} W_o,order[q] + Σ_{q<p} W_o,order[q]·b_order[q] + b_o. */
function affineFromShared(prev: Extract<Values, { kind: 'shared' }>, n: number, inputs: number, weights: Int32Array,
  rows: number, bias: BigInt64Array | null, bound: bigint): Float64Array | BigInt64Array {
  const sumW: bigint[][] = [];
  const sumWB: bigint[][] = [];
  for (let k = 0; k < rows; k++) {
    const a: bigint[] = new Array(inputs + 1);
    const c: bigint[] = new Array(inputs + 1);
    a[0] = 0n;
    c[0] = 0n;
    for (let q = 0; q < inputs; q++) {
      const j = prev.order[q];
      const w = BigInt(weights[k * inputs + j]);
      a[q + 1] = a[q] + w;
      c[q + 1] = c[q] + w * prev.bias[j];
    }
    sumW.push(a);
    sumWB.push(c);
  }
  const z = new BigInt64Array(n * rows);
  for (let i = 0; i < n; i++) {
    const s = prev.s[i];
    const p = activePrefix(prev.sortedTheta, s);
    const sb = BigInt(s);
    for (let k = 0; k < rows; k++) z[i * rows + k] = sb * sumW[k][p] + sumWB[k][p] + (bias ? bias[k] : 0n);
  }
  return bound < BigInt(EXACT_FLOAT) ? Float64Array.from(z, Number) : z;
}

function relu(z: Float64Array | BigInt64Array): Values {
  if (z instanceof Float64Array) {
    for (let i = 0; i < z.length; i++) if (z[i] < 0) z[i] = 0;
    return { kind: 'f', v: z };
  }
  for (let i = 0; i < z.length; i++) if (z[i] < 0n) z[i] = 0n;
  return { kind: 'b', v: z };
}

const asValues = (z: Float64Array | BigInt64Array): Values => (z instanceof Float64Array ? { kind: 'f', v: z } : { kind: 'b', v: z });

/** The exact forward pass of `n` inputs (row-major in xq, all within net.domain). */
export function forwardPass(net: DenseNetwork, xq: Int32Array, n: number): ForwardPass {
  const inputBound = Array.from(net.domain.lo, (lo, j) => BigInt(Math.max(Math.abs(lo), Math.abs(net.domain.hi[j]))));
  let prev: Values = { kind: 'int', v: xq };
  let bound = inputBound;
  const signLayers: SignLayer[] = [];
  const layerBound: bigint[] = [];
  const noWrap: boolean[] = [];
  let offset = 0;
  let wrapFree = true;
  let truth: Int32Array = new Int32Array(n);
  net.layers.forEach((l, li) => {
    const last = li === net.layers.length - 1;
    const { row, neuron } = neuronBounds(l, bound);
    const worst = neuron.reduce((m, b) => (b > m ? b : m), 0n);
    layerBound.push(worst);
    wrapFree &&= worst <= I64_MAX;
    noWrap.push(wrapFree);
    const hidden = l.relu && !last;
    let z: Float64Array | BigInt64Array;
    if (l.sharedRow) {
      const s = affine(prev, n, l.inputs, l.weights, 1, null, row[0]);
      const theta = Array.from(l.biases, (b) => -b);
      if (hidden && worst <= I64_MAX) {
        // Never materialized: the signs and the next layer come from s and the sorted θ.
        const order = Int32Array.from({ length: l.outputs }, (_, k) => k).sort((a, b) => (theta[a] < theta[b] ? -1 : theta[a] > theta[b] ? 1 : a - b));
        const sortedTheta = Array.from(order, (k) => theta[k]);
        signLayers.push({ layer: li, offset, outputs: l.outputs, shared: { s, theta, order, sortedTheta } });
        prev = { kind: 'shared', s, bias: l.biases, theta, order, sortedTheta };
        bound = neuron;
        offset += l.outputs;
        return;
      }
      const big = new BigInt64Array(n * l.outputs);
      for (let i = 0; i < n; i++) {
        const si = BigInt(s[i]);
        for (let k = 0; k < l.outputs; k++) big[i * l.outputs + k] = si + l.biases[k];
      }
      z = worst < BigInt(EXACT_FLOAT) ? Float64Array.from(big, Number) : big;
    } else {
      z = affine(prev, n, l.inputs, l.weights, l.outputs, l.biases, worst);
    }
    if (hidden) {
      const signs = new Uint8Array(l.outputs * n);
      for (let i = 0; i < n; i++) for (let k = 0; k < l.outputs; k++) signs[k * n + i] = z[i * l.outputs + k] >= 0 ? 1 : 0;
      signLayers.push({ layer: li, offset, outputs: l.outputs, signs });
    }
    prev = l.relu ? relu(z) : asValues(z);
    bound = neuron;
    offset += l.outputs;
    if (last) truth = classes(net, prev, n);
  });
  return { truth, signLayers, inputBound, layerBound, noWrap };
}

function classes(net: DenseNetwork, out: Values, n: number): Int32Array {
  if (out.kind !== 'f' && out.kind !== 'b') throw new Error('synth: the output layer is never held as a shared row');
  const v = out.v;
  const width = net.layers[net.layers.length - 1].outputs;
  const truth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const at = i * width;
    if (net.output === 'scalar') {
      const c = v[at];
      if (!(c >= 0 && c < net.classes.length)) {
        throw new SynthesisError(`input ${i}: the network answers ${c}, not a class index 0 … ${net.classes.length - 1}`, i);
      }
      truth[i] = Number(c);
    } else {
      let best = 0;
      for (let k = 1; k < width; k++) if (v[at + k] > v[at + best]) best = k;
      if (best >= net.classes.length) throw new SynthesisError(`input ${i}: the network answers output ${best}, but it names ${net.classes.length} classes`, i);
      truth[i] = best;
    }
  }
  return truth;
}
