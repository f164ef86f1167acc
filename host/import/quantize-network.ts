// Exact integer quantization of a float network (DESIGN §4): each layer's weights get one
// power-of-two scale 2^p_l (the largest that keeps them within `weightBits` signed bits),
// inputs are the dataset's integers (x_int = x·S_0), and nothing is rounded between layers:
// layer l computes exactly S_l·z_l up to the rounding of its own weights and bias, with
// S_l = S_0·2^(p_1 + … + p_l). ReLU commutes with a positive scale and argmax ignores it, so
// the integer network is a faithful, exact stand-in whose outputs are the truth from here on.
// Every accumulator is bounded over the declared input domain before anything is built; a
// precision whose bound passes i64 is refused with the bound named.

import { QuantMode } from '../../assembly/format.js';
import type { Domain, Quantization } from '../data/quantize.js';
import type { DenseLayer, DenseNetwork } from '../network.js';
import { NetworkImportError, type FloatNetwork } from './float-network.js';

export const DEFAULT_WEIGHT_BITS = 8;
export const MAX_WEIGHT_BITS = 24;
const I64_MAX = (1n << 63n) - 1n;

export interface NetworkQuantization {
  network: DenseNetwork;
  /** p_l of each layer: weights were multiplied by 2^p_l before rounding. */
  shifts: number[];
  /** The proven bound on |accumulator| of each layer over the domain. */
  bounds: bigint[];
}

export function quantizeNetwork(
  net: FloatNetwork, quant: Quantization, domain: Domain, classes: string[], weightBits = DEFAULT_WEIGHT_BITS,
): NetworkQuantization {
  if (!Number.isInteger(weightBits) || weightBits < 2 || weightBits > MAX_WEIGHT_BITS) {
    throw new NetworkImportError(net.source, `weight bits must be 2 … ${MAX_WEIGHT_BITS}, got ${weightBits}`);
  }
  if (domain.lo.length !== net.inputDim) {
    throw new NetworkImportError(net.source, `the network takes ${net.inputDim} inputs, the data has ${domain.lo.length}`);
  }
  let scale = quant.mode === QuantMode.Scale ? quant.param : 2 ** quant.param; // S_l, a float power of two times S_0
  // |h_j| bounds of the current layer's inputs, exact integers.
  let maxAbs = Array.from(domain.lo, (lo, j) => BigInt(Math.max(Math.abs(lo), Math.abs(domain.hi[j]))));
  const layers: DenseLayer[] = [];
  const shifts: number[] = [];
  const bounds: bigint[] = [];
  net.layers.forEach((l, k) => {
    const largest = l.weights.reduce((m, w) => Math.max(m, Math.abs(w)), 0);
    // The largest power of two that keeps every |round(w·2^p)| ≤ 2^(bits − 1) − 1.
    const p = largest === 0 ? 0 : Math.floor(Math.log2((2 ** (weightBits - 1) - 1) / largest));
    const weights = Int32Array.from(l.weights, (w) => Math.round(w * 2 ** p));
    scale *= 2 ** p;
    const biases = BigInt64Array.from(l.biases, (b) => {
      const v = Math.round(b * scale);
      if (!(Math.abs(v) < 2 ** 62)) throw new NetworkImportError(net.source, `layer ${k}: bias ${b} × scale 2^${Math.log2(scale).toFixed(1)} passes 2^62; use fewer weight bits`);
      return BigInt(v);
    });
    const next: bigint[] = new Array(l.outputs);
    let worst = 0n;
    for (let o = 0; o < l.outputs; o++) {
      let acc = biases[o] < 0n ? -biases[o] : biases[o];
      for (let j = 0, r = o * l.inputs; j < l.inputs; j++) {
        const w = weights[r + j];
        if (w !== 0) acc += BigInt(w < 0 ? -w : w) * maxAbs[j];
      }
      next[o] = acc;
      if (acc > worst) worst = acc;
    }
    if (worst > I64_MAX) {
      throw new NetworkImportError(net.source, `layer ${k}: accumulators can reach ${worst} over the input domain, past i64 (${I64_MAX}); use fewer weight bits`);
    }
    maxAbs = next;
    shifts.push(p);
    bounds.push(worst);
    layers.push({ inputs: l.inputs, outputs: l.outputs, relu: l.relu, sharedRow: false, weights, biases });
  });
  return {
    network: {
      kind: 'dense', dim: net.inputDim, classes, quant, domain, layers, output: 'argmax',
      construction: 'pack', maxDepth: 0, pairs: 0,
    },
    shifts,
    bounds,
  };
}
