// A deeper neuron's pre-activation as an affine map of the input, on a set of inputs where
// every earlier ReLU is decided (DESIGN §3.5): with D_k the 0/1 diagonal of layer k's decided
// signs, M_0 = I, M_k = D_k·W_k·M_(k−1), c_k = D_k·(W_k·c_(k−1) + b_k), neuron i of layer L
// computes W_L[i]·M_(L−1)·x + W_L[i]·c_(L−1) + b_L[i]. Only the chosen neuron's row is needed,
// so it is pulled back from the left, one vector–matrix product per layer:
// v ← (v ⊙ D_k)·W_k, bias += (v ⊙ D_k)·b_k. Float64 while a running bound on every entry's
// Σ|terms| stays below 2^53 (then every value is an exact integer), else BigInt.

import type { DenseLayer } from '../network.js';
import { EXACT_FLOAT } from './forward.js';

export interface Collapsed {
  /** The row over the input, exact integers (may lie outside i32: the caller checks). */
  row: bigint[] | Float64Array;
  /** W_L[i]·c_(L−1) + b_L[i]. */
  bias: bigint;
}

/** `active(k, j)`: neuron j of layer k is active (decided) on the set (non-ReLU layers pass
 *  everything: their D is the identity). */
export function collapseNeuron(layers: DenseLayer[], L: number, neuron: number,
  active: (layer: number, j: number) => boolean): Collapsed {
  const top = layers[L];
  const start = top.sharedRow ? top.weights.subarray(0, top.inputs) : top.weights.subarray(neuron * top.inputs, (neuron + 1) * top.inputs);
  const fast = collapseFloat(layers, L, start, active);
  const bias = top.biases[neuron] + collapseBias(layers, L, fast ?? null, start, active);
  if (fast) return { row: fast.row, bias };
  return { row: collapseBig(layers, L, start, active), bias };
}

/** v over layer k's outputs → v ⊙ D_k. */
function mask(l: DenseLayer, k: number, active: (layer: number, j: number) => boolean): boolean[] {
  return Array.from({ length: l.outputs }, (_, j) => !l.relu || active(k, j));
}

interface FloatPass {
  row: Float64Array;
  /** The masked v over each layer's outputs (index k: over layer k's outputs), for the bias. */
  vs: Float64Array[];
}

function collapseFloat(layers: DenseLayer[], L: number, start: Int32Array,
  active: (layer: number, j: number) => boolean): FloatPass | undefined {
  let v = Float64Array.from(start);
  let a = Float64Array.from(start, Math.abs);
  const vs: Float64Array[] = new Array(L);
  for (let k = L - 1; k >= 0; k--) {
    const l = layers[k];
    const on = mask(l, k, active);
    for (let j = 0; j < l.outputs; j++) if (!on[j]) { v[j] = 0; a[j] = 0; }
    vs[k] = v;
    const nv = new Float64Array(l.inputs);
    const na = new Float64Array(l.inputs);
    if (l.sharedRow) {
      let sv = 0;
      let sa = 0;
      for (let j = 0; j < l.outputs; j++) { sv += v[j]; sa += a[j]; }
      if (!(sa < EXACT_FLOAT)) return undefined;
      for (let i = 0; i < l.inputs; i++) {
        const w = l.weights[i];
        nv[i] = sv * w;
        na[i] = sa * Math.abs(w);
      }
    } else {
      for (let j = 0; j < l.outputs; j++) {
        const vj = v[j];
        if (vj === 0) continue;
        const aj = a[j];
        for (let i = 0, at = j * l.inputs; i < l.inputs; i++) {
          const w = l.weights[at + i];
          if (w === 0) continue;
          nv[i] += vj * w;
          na[i] += aj * Math.abs(w);
        }
      }
    }
    for (let i = 0; i < l.inputs; i++) if (!(na[i] < EXACT_FLOAT)) return undefined;
    v = nv;
    a = na;
  }
  return { row: v, vs };
}

/** Σ over layers k < L of (v_k ⊙ D_k)·b_k, in BigInt (biases are i64). */
function collapseBias(layers: DenseLayer[], L: number, fast: FloatPass | null, start: Int32Array,
  active: (layer: number, j: number) => boolean): bigint {
  let total = 0n;
  if (fast) {
    for (let k = 0; k < L; k++) {
      const v = fast.vs[k];
      const b = layers[k].biases;
      for (let j = 0; j < v.length; j++) if (v[j] !== 0 && b[j] !== 0n) total += BigInt(v[j]) * b[j];
    }
    return total;
  }
  let v: bigint[] = Array.from(start, BigInt);
  for (let k = L - 1; k >= 0; k--) {
    const l = layers[k];
    const on = mask(l, k, active);
    for (let j = 0; j < l.outputs; j++) {
      if (!on[j]) v[j] = 0n;
      else if (v[j] !== 0n) total += v[j] * l.biases[j];
    }
    v = pullBack(l, v);
  }
  return total;
}

function pullBack(l: DenseLayer, v: bigint[]): bigint[] {
  const nv: bigint[] = new Array(l.inputs).fill(0n);
  if (l.sharedRow) {
    const sv = v.reduce((s, x) => s + x, 0n);
    for (let i = 0; i < l.inputs; i++) nv[i] = sv * BigInt(l.weights[i]);
    return nv;
  }
  for (let j = 0; j < l.outputs; j++) {
    const vj = v[j];
    if (vj === 0n) continue;
    for (let i = 0, at = j * l.inputs; i < l.inputs; i++) {
      const w = l.weights[at + i];
      if (w !== 0) nv[i] += vj * BigInt(w);
    }
  }
  return nv;
}

function collapseBig(layers: DenseLayer[], L: number, start: Int32Array,
  active: (layer: number, j: number) => boolean): bigint[] {
  let v: bigint[] = Array.from(start, BigInt);
  for (let k = L - 1; k >= 0; k--) {
    const l = layers[k];
    const on = mask(l, k, active);
    for (let j = 0; j < l.outputs; j++) if (!on[j]) v[j] = 0n;
    v = pullBack(l, v);
  }
  return v;
}
