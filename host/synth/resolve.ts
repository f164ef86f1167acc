// The test a candidate neuron would place (DESIGN §3.5, docs/SYNTH.md steps 4–5): its row over
// the input and its threshold θ = −bias, or the reason it cannot be placed. A first-layer
// neuron tests its own row. A deeper neuron tests its row collapsed through the earlier
// layers, whose signs are decided on the set (host/synth/collapse.ts), so the test depends on
// the set only through that decided pattern, and is memoized by it: a row refused once is not
// pulled back again lower in the tree.

import type { DenseNetwork } from '../network.js';
import { collapseNeuron } from './collapse.js';
import { activePrefix, type ForwardPass, I64_MAX, isActive, neuronBounds, type SignLayer } from './forward.js';

/** A test ready to place: its row over the input and its threshold. */
export interface Test {
  row: Int32Array;
  /** The row's bytes: equal rows share one register. */
  key: string;
  theta: bigint;
  /** mul + add + cmp when the row is computed here (1 when its register is reused). */
  fullCost: number;
}

/** Why a neuron cannot be tested: a collapsed weight leaves i32 ('wide'), or its score might
 *  wrap i64, or an earlier layer of the network might ('bound'). */
type Refusal = 'wide' | 'bound';

export const rowKey = (row: Int32Array) => Buffer.from(row.buffer, row.byteOffset, row.byteLength).toString('latin1');

/** Ops of computing row·x and comparing: a mul per weight other than 0 and ±1, the adds
 *  between the non-zero terms, and the cmp. */
function rowCost(row: Int32Array): number {
  let nonZero = 0;
  let mul = 0;
  for (const w of row) {
    if (w === 0) continue;
    nonZero++;
    if (w !== 1 && w !== -1) mul++;
  }
  return mul + Math.max(0, nonZero - 1) + 1;
}

export class TestResolver {
  /** Candidates refused because a collapsed weight leaves i32 (every refusal counts, cached or not). */
  skippedWide = 0;
  /** Candidates refused because a score or an earlier layer might wrap i64. */
  skippedBound = 0;
  private readonly signLayers: SignLayer[];
  private readonly layerSign: Map<number, SignLayer>;
  /** Per first-layer row (a shared row is row 0): Σ_j |w_j|·max|x_j| over the domain. */
  private readonly firstBounds: bigint[];
  /** The first layer's rows need no collapse: cached per row index. */
  private readonly firstRows = new Map<number, { row: Int32Array; key: string; bound: bigint; fullCost: number }>();
  /** Deeper tests, by neuron and the decided pattern of the earlier layers. */
  private readonly deeper = new Map<string, Test | Refusal>();

  constructor(private readonly net: DenseNetwork, private readonly fp: ForwardPass, private readonly n: number) {
    this.signLayers = fp.signLayers;
    this.layerSign = new Map<number, SignLayer>(fp.signLayers.map((sl) => [sl.layer, sl]));
    this.firstBounds = neuronBounds(net.layers[0], fp.inputBound).row;
  }

  /** The test of neuron k of sign layer L on a set containing input i0 (every earlier ReLU
   *  decided on it), or undefined if it cannot be placed. */
  resolve(L: number, k: number, i0: number): Test | undefined {
    const sl = this.signLayers[L];
    const test = sl.layer === 0 ? this.firstLayerTest(k) : this.deeperTest(L, k, i0);
    if (test === 'wide') this.skippedWide++;
    if (test === 'bound') this.skippedBound++;
    return typeof test === 'string' ? undefined : test;
  }

  private firstLayerTest(k: number): Test | Refusal {
    const l = this.net.layers[0];
    const r = l.sharedRow ? 0 : k;
    let info = this.firstRows.get(r);
    if (!info) {
      const row = l.weights.slice(r * l.inputs, (r + 1) * l.inputs);
      info = { row, key: rowKey(row), bound: this.firstBounds[r], fullCost: rowCost(row) };
      this.firstRows.set(r, info);
    }
    const theta = -l.biases[k];
    const abs = theta < 0n ? -theta : theta;
    return info.bound + abs <= I64_MAX ? { row: info.row, key: info.key, theta, fullCost: info.fullCost } : 'bound';
  }

  private deeperTest(L: number, k: number, i0: number): Test | Refusal {
    const pattern = this.decidedPattern(L, k, i0);
    let test = this.deeper.get(pattern);
    if (!test) {
      test = this.collapsedTest(this.signLayers[L].layer, k, i0);
      this.deeper.set(pattern, test);
    }
    return test;
  }

  /** Neuron k of sign layer L and the signs of every earlier ReLU on the set, read off one of
   *  its inputs (they are decided, so any input gives the same). */
  private decidedPattern(L: number, k: number, i0: number): string {
    const n = this.n;
    let pattern = `${L}:${k}:`;
    for (let q = 0; q < L; q++) {
      const e = this.signLayers[q];
      if (e.signs) for (let j = 0; j < e.outputs; j++) pattern += e.signs[j * n + i0];
      else pattern += `${activePrefix(e.shared!.sortedTheta, e.shared!.s[i0])},`;
    }
    return pattern;
  }

  private collapsedTest(layer: number, k: number, i0: number): Test | Refusal {
    if (!this.fp.noWrap[layer - 1]) return 'bound';
    const c = collapseNeuron(this.net.layers, layer, k, (q, j) => {
      const e = this.layerSign.get(q);
      return e ? isActive(e, j, i0, this.n) : true;
    });
    const d = this.net.dim;
    const row = new Int32Array(d);
    for (let j = 0; j < d; j++) {
      const w = c.row[j];
      if (!(w >= -2147483648 && w <= 2147483647)) return 'wide';
      row[j] = Number(w);
    }
    const theta = -c.bias;
    if (this.scoreBound(row, theta) > I64_MAX) return 'bound';
    return { row, key: rowKey(row), theta, fullCost: rowCost(row) };
  }

  /** |θ| + Σ_j |w_j|·max(|lo_j|, |hi_j|), a bound on |row·x| + |θ| over the domain: below
   *  2^63, testing the row never wraps. */
  private scoreBound(row: Int32Array, theta: bigint): bigint {
    let acc = theta < 0n ? -theta : theta;
    for (let j = 0; j < row.length; j++) {
      const w = row[j];
      if (w !== 0) acc += (w < 0 ? -BigInt(w) : BigInt(w)) * this.fp.inputBound[j];
    }
    return acc;
  }
}
