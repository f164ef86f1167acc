// Synthesis for fidelity off the data (issue 18, docs/SYNTH.md "Fidelity"): a conditional graph
// that is exact on its synthesis inputs and trades operations for agreement with the network on
// inputs it has not seen, on purpose.
//
// The graph is a shallow tree of single-coordinate tests (`x_j ≥ θ`, a row with one weight 1:
// 1 cmp, no mul, no add) over net leaves. Its base network is the network with a first layer of
// V versions of every neuron: version 0 keeps every weight whose coordinate varies on the
// synthesis inputs (a constant coordinate's term is folded into the bias), version v > 0 keeps
// the share ρ_v of those weights with the largest |w_j|·std(x_j) and folds the rest into the
// bias at their mean (so it is the neuron's best guess at that cost). The second layer reads
// all versions, with the network's second-layer weights repeated V times; a mask computes at
// most one version of each first-layer neuron, so the leaf is the network with some neurons
// cheapened or dropped. Deeper hidden neurons may be dropped too.
//
// Each leaf's mask is chosen greedily, cheapest first: a change is kept only if every synthesis
// input reaching the leaf keeps the network's class (exactness) and the distilled inputs there
// (mixes of two synthesis inputs, labelled by the network itself) lose at most a share ε of
// agreement. ε and the tree's leaf size are the knobs; `--target-fidelity F` picks them on a
// validation split carved out of the synthesis inputs (never held-out ones): the cheapest
// setting whose validation fidelity is ≥ F, then rebuilt on all synthesis inputs.

import { NeuronState } from '../../assembly/format.js';
import { Prng } from '../data/prng.js';
import type { DenseLayer, DenseNetwork, GraphNetwork } from '../network.js';
import { forwardPass, I64_MAX, neuronBounds, SynthesisError } from './forward.js';
import { GraphBuilder, type Ref } from './graph-builder.js';

/** One setting of the knobs. */
export interface FidelitySetting {
  /** Share of a leaf's distilled inputs whose agreement a mask may give up. */
  epsilon: number;
  /** A node with fewer synthesis inputs than twice this is a leaf. */
  minLeaf: number;
  /** The parts split off a region keep their masks faithful on the region's distilled inputs
   *  (ε lost once per region), rather than on their own (ε lost again at every split). */
  context: boolean;
}

export interface FidelityOptions {
  /** The share of unseen inputs the graph should agree with the network on, in (0, 1]. */
  target: number;
  /** Sparse first-layer versions (shares of the varying weights kept); default [0.4, 0.15]. */
  densities?: number[];
  /** Distilled inputs drawn per synthesis input (default 1). */
  distill?: number;
  /** Share of the synthesis inputs set aside to choose the setting (default 0.2). */
  validation?: number;
  /** Settings tried (default FIDELITY_GRID). */
  grid?: FidelitySetting[];
  seed?: number;
  /** A part of a leaf with fewer synthesis inputs gets the mask exact on them at once (default 40). */
  minRelaxed?: number;
  onProgress?: (done: number, total: number) => void;
}

export const DEFAULT_DENSITIES = [0.4, 0.15];
export const FIDELITY_GRID: FidelitySetting[] = [];
for (const epsilon of [0.005, 0.01, 0.015, 0.02]) FIDELITY_GRID.push({ epsilon, minLeaf: 400, context: false });
for (const epsilon of [0.005, 0.01, 0.02, 0.04]) FIDELITY_GRID.push({ epsilon, minLeaf: 400, context: true });

export interface SettingResult extends FidelitySetting {
  /** On the validation inputs, with the graph built on the rest. */
  fidelity: number;
  meanOps: number;
}

export interface FidelityStats {
  setting: FidelitySetting;
  /** The setting's validation figures (the graph built without the validation inputs). */
  validation: { n: number; fidelity: number; meanOps: number };
  /** Whether the validation fidelity reached the target; if none did, the most faithful. */
  targetMet: boolean;
  tried: SettingResult[];
  branches: number;
  netLeaves: number;
  classLeaves: number;
  masks: number;
  maxDepth: number;
  distilled: number;
  /** Expected mean ops on the synthesis inputs (the engine's figures are the check's). */
  modelMeanOps: number;
  seconds: number;
}

export interface FidelitySynthesis {
  graph: GraphNetwork;
  truth: Int32Array;
  stats: FidelityStats;
}

/** A prepared set of points: inputs (quantized), their network classes and the base network's
 *  first-layer activations of every version. */
interface Pool {
  n: number;
  x: Int32Array;
  label: Int32Array;
  /** n × U activations (U = V·H) of the versioned first layer. */
  a1: Float64Array;
}

interface Base {
  V: number;
  H: number;
  U: number;
  /** The versioned first layer: U rows of d weights, biases (exact integers). */
  w1: Int32Array;
  b1: number[];
  /** Transposed: d × U, for sparse inputs. */
  w1t: Float64Array;
  /** Ops of each versioned neuron (mul + add + ReLU cmp). */
  cost1: Float64Array;
  /** The layers after the first, as the base network has them (the second repeated V times). */
  upper: DenseLayer[];
  upperW: Float64Array[];
  upperB: Float64Array[];
  /** Ops of each neuron of the second layer (dot, bias, ReLU) and of the rest of the network. */
  cost2: Float64Array;
  restCost: number;
  /** The second layer can drop neurons (it is hidden, with a ReLU). */
  drop2: boolean;
}

/** A node of the routing tree. */
type TreeNode =
  | { kind: 'split'; j: number; theta: number; below: TreeNode; above: TreeNode }
  | { kind: 'class'; c: number }
  | { kind: 'net'; choice: Int8Array; off2: Uint8Array; ops: number };

interface Model {
  base: Base;
  root: TreeNode;
}

const opsOfWeight = (w: number) => (w === 0 ? 0 : w === 1 || w === -1 ? 0 : 1);

export function checkTarget(target: number): void {
  if (!(typeof target === 'number' && target > 0 && target <= 1)) throw new RangeError(`synth: the target fidelity must be a share in (0, 1], got ${target}`);
}

/** The network this mode takes: a first dense ReLU layer (not a shared row), at least one
 *  layer after it, an argmax output. */
function checkNetwork(net: DenseNetwork): void {
  const l0 = net.layers[0];
  if (net.output !== 'argmax') throw new SynthesisError('--target-fidelity needs an argmax network (this one answers a scalar)');
  if (net.layers.length < 2 || !l0.relu || l0.sharedRow) {
    throw new SynthesisError('--target-fidelity needs a network whose first layer is a dense ReLU layer (not a shared row) followed by at least one more layer');
  }
}

// ---------------------------------------------------------------------------------------------
// The base network

function buildBase(net: DenseNetwork, x: Int32Array, n: number, densities: number[]): Base {
  const d = net.dim;
  const l0 = net.layers[0];
  const H = l0.outputs;
  const V = 1 + densities.length;
  const U = V * H;
  const mean = new Float64Array(d);
  const sq = new Float64Array(d);
  const lo = new Int32Array(d).fill(2 ** 31 - 1);
  const hi = new Int32Array(d).fill(-(2 ** 31));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j];
      mean[j] += v; sq[j] += v * v;
      if (v < lo[j]) lo[j] = v;
      if (v > hi[j]) hi[j] = v;
    }
  }
  // a dropped weight's term is replaced by its mean: the error it leaves is w_j·(x_j − mean_j),
  // so weights are kept by |w_j|·std_j
  const sd = new Float64Array(d);
  for (let j = 0; j < d; j++) { mean[j] /= n; sd[j] = Math.sqrt(Math.max(0, sq[j] / n - mean[j] * mean[j])); }
  const w1 = new Int32Array(U * d);
  const b1: number[] = new Array(U);
  const cost1 = new Float64Array(U);
  for (let h = 0; h < H; h++) {
    const row = l0.weights.subarray(h * d, (h + 1) * d);
    const bias = Number(l0.biases[h]);
    // Coordinates constant on the synthesis inputs fold into every version's bias exactly.
    let folded = bias;
    const varying: number[] = [];
    for (let j = 0; j < d; j++) {
      if (row[j] === 0) continue;
      if (lo[j] === hi[j]) folded += row[j] * lo[j];
      else varying.push(j);
    }
    varying.sort((a, b) => Math.abs(row[b]) * sd[b] - Math.abs(row[a]) * sd[a] || a - b);
    for (let v = 0; v < V; v++) {
      const keep = v === 0 ? varying.length : Math.max(1, Math.round(densities[v - 1] * varying.length));
      const u = v * H + h;
      let b = folded;
      let k = 0;
      let mul = 0;
      for (let t = 0; t < varying.length; t++) {
        const j = varying[t];
        if (t < keep) { w1[u * d + j] = row[j]; k++; mul += opsOfWeight(row[j]); } else b += row[j] * mean[j];
      }
      b1[u] = v === 0 ? b : Math.round(b);
      cost1[u] = mul + Math.max(0, k - 1) + (b1[u] !== 0 ? 1 : 0) + 1;
    }
  }
  const w1t = new Float64Array(d * U);
  for (let u = 0; u < U; u++) for (let j = 0; j < d; j++) w1t[j * U + u] = w1[u * d + j];
  // The second layer reads every version: its weights repeated V times.
  const l1 = net.layers[1];
  const w2 = new Int32Array(l1.outputs * U);
  for (let o = 0; o < l1.outputs; o++) for (let v = 0; v < V; v++) w2.set(l1.weights.subarray(o * H, (o + 1) * H), o * U + v * H);
  const upper: DenseLayer[] = [{ ...l1, inputs: U, weights: w2 }, ...net.layers.slice(2)];
  const upperW = upper.map((l) => Float64Array.from(l.weights));
  const upperB = upper.map((l) => Float64Array.from(l.biases, Number));
  const cost2 = new Float64Array(l1.outputs);
  for (let o = 0; o < l1.outputs; o++) cost2[o] = dotCost(w2.subarray(o * U, (o + 1) * U)) + (l1.biases[o] !== 0n ? 1 : 0) + (l1.relu ? 1 : 0);
  let restCost = 0;
  for (const l of upper.slice(1)) {
    for (let o = 0; o < l.outputs; o++) restCost += dotCost(l.weights.subarray(o * l.inputs, (o + 1) * l.inputs)) + (l.biases[o] !== 0n ? 1 : 0) + (l.relu ? 1 : 0);
  }
  restCost += upper[upper.length - 1].outputs - 1; // argmax
  return { V, H, U, w1, b1, w1t, cost1, upper, upperW, upperB, cost2, restCost, drop2: l1.relu && upper.length > 1 };
}

/** Sparse first-layer versions repeat the second layer's weights once each: they pay only when
 *  the first layer costs at least 4 times the second (MNIST's 784-64 against 64-32: 24 times;
 *  the clusters MLP's 32-48 against 48-24: 1.3 times, so its leaves only drop neurons). */
export function sparseVersionsPay(net: DenseNetwork): boolean {
  const [a, b] = net.layers;
  return dotCost(a.weights) >= 4 * dotCost(b.weights);
}

function dotCost(w: Int32Array): number {
  let k = 0;
  let mul = 0;
  for (const v of w) if (v !== 0) { k++; mul += opsOfWeight(v); }
  return mul + Math.max(0, k - 1);
}

/** The base network's first layer on a set of inputs (Float64: exact, the accumulators are
 *  far below 2^53 for any network `pack` makes; the engine checks the result anyway). */
function firstLayer(base: Base, x: Int32Array, n: number, d: number): Float64Array {
  const { U, w1t, b1 } = base;
  const a1 = new Float64Array(n * U);
  const z = new Float64Array(U);
  for (let i = 0; i < n; i++) {
    for (let u = 0; u < U; u++) z[u] = b1[u];
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j];
      if (v === 0) continue;
      const at = j * U;
      for (let u = 0; u < U; u++) z[u] += v * w1t[at + u];
    }
    for (let u = 0; u < U; u++) a1[i * U + u] = z[u] > 0 ? z[u] : 0;
  }
  return a1;
}

/** Layers after the second's pre-activation z2 (with dropped second-layer neurons): the class. */
function classFromZ2(base: Base, z2: Float64Array, at: number, off2: Uint8Array | null, buf: Float64Array[]): number {
  const up = base.upper;
  const l1 = up[0];
  let h = buf[0];
  for (let o = 0; o < l1.outputs; o++) {
    const v = z2[at + o];
    h[o] = off2 && off2[o] ? 0 : l1.relu && v < 0 ? 0 : v;
  }
  let width = l1.outputs;
  for (let k = 1; k < up.length; k++) {
    const l = up[k];
    const W = base.upperW[k];
    const B = base.upperB[k];
    const out = buf[k];
    for (let o = 0; o < l.outputs; o++) {
      let s = B[o];
      for (let j = 0, r = o * width; j < width; j++) s += W[r + j] * h[j];
      out[o] = l.relu && s < 0 ? 0 : s;
    }
    h = out;
    width = l.outputs;
  }
  let best = 0;
  for (let c = 1; c < width; c++) if (h[c] > h[best]) best = c;
  return best;
}

function buffers(base: Base): Float64Array[] {
  return base.upper.map((l) => new Float64Array(l.outputs));
}

/** z2 of one point under a choice of versions (−1: dropped). */
function z2Of(base: Base, a1: Float64Array, p: number, choice: Int8Array, out: Float64Array, at: number): void {
  const { H, U } = base;
  const l1 = base.upper[0];
  const W = base.upperW[0];
  const B = base.upperB[0];
  for (let o = 0; o < l1.outputs; o++) {
    let s = B[o];
    for (let h = 0; h < H; h++) {
      const c = choice[h];
      if (c < 0) continue;
      const u = c * H + h;
      s += W[o * U + u] * a1[p * U + u];
    }
    out[at + o] = s;
  }
}

// ---------------------------------------------------------------------------------------------
// Distillation: mixes of two synthesis inputs, labelled by the network

function distill(x: Int32Array, n: number, d: number, count: number, net: DenseNetwork, rng: Prng): Int32Array {
  const out = new Int32Array(count * d);
  const { lo, hi } = net.domain;
  for (let i = 0; i < count; i++) {
    const a = rng.below(n);
    const b = rng.below(n);
    const alpha = 0.6 + 0.4 * (rng.u32() / 2 ** 32);
    for (let j = 0; j < d; j++) {
      const v = Math.round(alpha * x[a * d + j] + (1 - alpha) * x[b * d + j]);
      out[i * d + j] = Math.min(hi[j], Math.max(lo[j], v));
    }
  }
  return out;
}

function labelPool(base: Base, a1: Float64Array, n: number): Int32Array {
  const full = new Int8Array(base.H); // version 0 everywhere
  const z2 = new Float64Array(base.upper[0].outputs);
  const buf = buffers(base);
  const label = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    z2Of(base, a1, p, full, z2, 0);
    label[p] = classFromZ2(base, z2, 0, null, buf);
  }
  return label;
}

// ---------------------------------------------------------------------------------------------
// The routing tree: single-coordinate tests on quantile thresholds, by the network's classes

const BINS = 16;
/** Most tests on a path (the format's MAX_DEPTH is 64). */
const MAX_TREE_DEPTH = 48;
/** A part with fewer synthesis inputs gets the mask exact on them at once. */
export const MIN_RELAXED = 40;
/** Most distilled inputs a region's parts keep faithful on. */
const MAX_CONTEXT = 1500;

interface Bins {
  /** d × (BINS − 1) thresholds (ascending; NaN when unused). */
  theta: Float64Array;
  /** n × d bin of each point. */
  bin: Uint8Array;
}

function makeBins(x: Int32Array, n: number, d: number, sampleN: number): Bins {
  const theta = new Float64Array(d * (BINS - 1)).fill(NaN);
  const col = new Int32Array(sampleN);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < sampleN; i++) col[i] = x[i * d + j];
    col.sort();
    const cuts: number[] = [];
    for (let q = 1; q < BINS; q++) {
      const v = col[Math.min(sampleN - 1, Math.floor((q * sampleN) / BINS))];
      // a test x_j ≥ v separates values below v from the rest
      if (v > col[0] && (cuts.length === 0 || v > cuts[cuts.length - 1])) cuts.push(v);
    }
    cuts.forEach((v, k) => { theta[j * (BINS - 1) + k] = v; });
  }
  return { theta, bin: binOf(theta, x, n, d) };
}

function binOf(theta: Float64Array, x: Int32Array, n: number, d: number): Uint8Array {
  const bin = new Uint8Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j];
      let b = 0;
      const at = j * (BINS - 1);
      while (b < BINS - 1 && !Number.isNaN(theta[at + b]) && v >= theta[at + b]) b++;
      bin[i * d + j] = b;
    }
  }
  return bin;
}

function entropyTerm(counts: Int32Array | number[], total: number): number {
  if (total === 0) return 0;
  let s = 0;
  for (const c of counts) if (c > 0) s -= c * Math.log2(c / total);
  return s;
}

/** The best single-coordinate split of `pts` by the classes (lowest n_L·H_L + n_R·H_R), or null. */
function bestSplit(pts: Int32Array, label: Int32Array, bins: Bins, d: number, C: number, minSide: number, isSynth: (p: number) => boolean): { j: number; b: number } | null {
  const hist = new Int32Array(d * BINS * C);
  const synthHist = new Int32Array(d * BINS);
  for (const p of pts) {
    const c = label[p];
    const s = isSynth(p);
    for (let j = 0, at = p * d; j < d; j++) {
      const b = bins.bin[at + j];
      hist[(j * BINS + b) * C + c]++;
      if (s) synthHist[j * BINS + b]++;
    }
  }
  const total = new Int32Array(C);
  for (const p of pts) total[label[p]]++;
  let nSynth = 0;
  for (const p of pts) if (isSynth(p)) nSynth++;
  let best: { j: number; b: number } | null = null;
  let bestScore = entropyTerm(total, pts.length) - 1e-9;
  const left = new Int32Array(C);
  const right = new Int32Array(C);
  for (let j = 0; j < d; j++) {
    left.fill(0);
    let nl = 0;
    let sl = 0;
    for (let b = 0; b < BINS - 1; b++) {
      if (Number.isNaN(bins.theta[j * (BINS - 1) + b])) break;
      for (let c = 0; c < C; c++) { const k = hist[(j * BINS + b) * C + c]; left[c] += k; nl += k; }
      sl += synthHist[j * BINS + b];
      if (sl < minSide || nSynth - sl < minSide) continue;
      for (let c = 0; c < C; c++) right[c] = total[c] - left[c];
      const score = entropyTerm(left, nl) + entropyTerm(right, pts.length - nl);
      if (score < bestScore) { bestScore = score; best = { j, b }; }
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// A leaf's mask

function leafMask(base: Base, pool: Pool, pts: Int32Array, isSynth: (p: number) => boolean, epsilon: number, relaxed: boolean): { choice: Int8Array; off2: Uint8Array; ops: number; wrong: Int32Array } {
  const { H, V, U } = base;
  const H2 = base.upper[0].outputs;
  // synthesis inputs first: they refuse a change soonest
  const order = Int32Array.from([...pts].sort((a, b) => Number(isSynth(b)) - Number(isSynth(a))));
  const m = order.length;
  let nD = 0;
  for (const p of order) if (!isSynth(p)) nD++;
  const budget = Math.floor(epsilon * nD);
  // relaxed: the synthesis inputs may lose the same share (the caller splits them off)
  const budgetT = relaxed ? Math.floor(epsilon * (m - nD)) : 0;
  let errorsT = 0;
  const choice = new Int8Array(H);
  const off2 = new Uint8Array(H2);
  const z2 = new Float64Array(m * H2);
  const cls = new Int32Array(m);
  const buf = buffers(base);
  for (let i = 0; i < m; i++) { z2Of(base, pool.a1, order[i], choice, z2, i * H2); cls[i] = pool.label[order[i]]; }
  let errors = 0;
  const tmp = new Float64Array(H2);
  const W2 = base.upperW[0];
  const newCls = new Int32Array(m);
  const changed = new Uint8Array(m);
  // mean activation of the full version on the leaf: least used neurons are tried first
  const use = new Float64Array(H);
  for (const p of order) for (let h = 0; h < H; h++) use[h] += pool.a1[p * U + h];
  const neurons = Array.from({ length: H }, (_, h) => h).sort((a, b) => use[a] - use[b] || a - b);
  const trial = (apply: (i: number, out: Float64Array) => boolean, offMask: Uint8Array): boolean => {
    let e = errors;
    let eT = errorsT;
    for (let i = 0; i < m; i++) {
      changed[i] = 0;
      if (!apply(i, tmp)) continue;
      const c = classFromZ2(base, tmp, 0, offMask, buf);
      const want = pool.label[order[i]];
      if (c !== cls[i]) {
        const delta = (c !== want ? 1 : 0) - (cls[i] !== want ? 1 : 0);
        if (i < m - nD) { eT += delta; if (eT > budgetT) return false; } else { e += delta; if (e - errors > budget) return false; }
        changed[i] = 1; newCls[i] = c;
      }
    }
    if (e > budget) return false;
    errors = e;
    errorsT = eT;
    for (let i = 0; i < m; i++) if (changed[i]) cls[i] = newCls[i];
    return true;
  };
  // Two passes: every neuron to its sparsest version that passes, then every neuron dropped if
  // that passes (measured: a cheaper frontier than trying drop, then sparse, neuron by neuron).
  const passes: number[][] = [Array.from({ length: V - 1 }, (_, k) => V - 1 - k), [-1]];
  for (const pass of passes) for (const h of neurons) {
    for (const c of pass) {
      const cur = choice[h];
      if (c === cur) break;
      const uOld = cur * H + h;
      const uNew = c * H + h;
      if (c >= 0 && base.cost1[uNew] >= base.cost1[uOld]) continue;
      const da = new Float64Array(m);
      let any = false;
      for (let i = 0; i < m; i++) {
        const p = order[i];
        da[i] = (c < 0 ? 0 : pool.a1[p * U + uNew]) - pool.a1[p * U + uOld];
        if (da[i] !== 0) any = true;
      }
      const ok = !any || trial((i, out) => {
        if (da[i] === 0) return false;
        for (let o = 0; o < H2; o++) out[o] = z2[i * H2 + o] + W2[o * U + uOld] * da[i];
        return true;
      }, off2);
      if (ok) {
        choice[h] = c;
        if (any) for (let i = 0; i < m; i++) if (da[i] !== 0) for (let o = 0; o < H2; o++) z2[i * H2 + o] += W2[o * U + uOld] * da[i];
        break;
      }
    }
  }
  if (base.drop2) {
    const order2 = Array.from({ length: H2 }, (_, o) => o).sort((a, b) => base.cost2[b] - base.cost2[a] || a - b);
    for (const o of order2) {
      off2[o] = 1;
      let any = false;
      for (let i = 0; i < m && !any; i++) if (z2[i * H2 + o] > 0) any = true;
      const ok = !any || trial((i, out) => {
        if (!(z2[i * H2 + o] > 0)) return false;
        for (let k = 0; k < H2; k++) out[k] = z2[i * H2 + k];
        return true;
      }, off2);
      if (!ok) off2[o] = 0;
    }
  }
  let ops = base.restCost;
  for (let h = 0; h < H; h++) if (choice[h] >= 0) ops += base.cost1[choice[h] * H + h];
  for (let o = 0; o < H2; o++) if (!off2[o]) ops += base.cost2[o];
  const wrong: number[] = [];
  for (let i = 0; i < m; i++) if (cls[i] !== pool.label[order[i]]) wrong.push(order[i]);
  return { choice, off2, ops, wrong: Int32Array.from(wrong) };
}

// ---------------------------------------------------------------------------------------------
// One build: a tree over the pool, masks at its leaves

function grow(base: Base, pool: Pool, nSynth: number, bins: Bins, d: number, C: number, s: FidelitySetting, minRelaxed: number): TreeNode {
  const isSynth = (p: number) => p < nSynth;
  const bad = new Int32Array(pool.n);
  // A leaf: the cheapest mask that may lose a share ε of its synthesis inputs too; those it
  // loses are split off by single-coordinate tests (1 op each) until every part is exact, or
  // a part that cannot be split gets the mask exact on its synthesis inputs.
  // `ctx`: distilled inputs of the region where the routing tree ended. Every part split off
  // below keeps its mask faithful on them too, so the share ε is lost once per region, not once
  // per level, and a small part's mask is not fit to its few inputs alone.
  const leaf = (pts: Int32Array, depth: number, ctx?: Int32Array): TreeNode => {
    if (!ctx && s.context) {
      const dPts = pts.filter((p) => !isSynth(p));
      ctx = dPts.length > MAX_CONTEXT ? dPts.filter((_, k) => (k * MAX_CONTEXT) % dPts.length < MAX_CONTEXT) : dPts;
    }
    const mine = new Set<number>(pts);
    const constraint = ctx ? Int32Array.from([...pts, ...ctx.filter((p) => !mine.has(p))]) : pts;
    const strict = (): TreeNode => {
      const { choice, off2, ops } = leafMask(base, pool, constraint, isSynth, s.epsilon, false);
      return { kind: 'net', choice, off2, ops };
    };
    if (depth >= MAX_TREE_DEPTH || countSynth(pts) < minRelaxed) return strict();
    const m = leafMask(base, pool, constraint, isSynth, s.epsilon, true);
    let badSynth = 0;
    for (const p of pts) bad[p] = 0;
    for (const p of m.wrong) if (mine.has(p)) { bad[p] = 1; if (isSynth(p)) badSynth++; }
    if (badSynth === 0) return { kind: 'net', choice: m.choice, off2: m.off2, ops: m.ops };
    const nSyn = countSynth(pts);
    const split = badSynth < nSyn ? bestSplit(pts, bad, bins, d, 2, 1, isSynth) : null;
    if (!split) return strict();
    const theta = bins.theta[split.j * (BINS - 1) + split.b];
    const below: number[] = [];
    const above: number[] = [];
    for (const p of pts) (pool.x[p * d + split.j] >= theta ? above : below).push(p);
    // each part chooses its own mask again
    return { kind: 'split', j: split.j, theta, below: leaf(Int32Array.from(below), depth + 1, ctx), above: leaf(Int32Array.from(above), depth + 1, ctx) };
  };
  const countSynth = (pts: Int32Array) => { let k = 0; for (const p of pts) if (isSynth(p)) k++; return k; };
  const rec = (pts: Int32Array, depth: number): TreeNode => {
    let synth = 0;
    const counts = new Int32Array(C);
    for (const p of pts) { if (isSynth(p)) synth++; counts[pool.label[p]]++; }
    let pure = -1;
    for (let c = 0; c < C; c++) if (counts[c] === pts.length) pure = c;
    if (pure >= 0 && synth >= Math.min(20, s.minLeaf)) return { kind: 'class', c: pure };
    const split = synth >= 2 * s.minLeaf && depth < 20 ? bestSplit(pts, pool.label, bins, d, C, s.minLeaf, isSynth) : null;
    if (!split) return leaf(pts, depth);
    const theta = bins.theta[split.j * (BINS - 1) + split.b];
    const below: number[] = [];
    const above: number[] = [];
    for (const p of pts) (pool.x[p * d + split.j] >= theta ? above : below).push(p);
    return { kind: 'split', j: split.j, theta, below: rec(Int32Array.from(below), depth + 1), above: rec(Int32Array.from(above), depth + 1) };
  };
  return rec(Int32Array.from({ length: pool.n }, (_, i) => i), 0);
}

function buildModel(net: DenseNetwork, x: Int32Array, truth: Int32Array, n: number, s: FidelitySetting, o: Required<Pick<FidelityOptions, 'densities' | 'distill' | 'seed' | 'minRelaxed'>>, cache?: Map<string, { base: Base; pool: Pool; bins: Bins }>): Model {
  const d = net.dim;
  const key = `${n}`;
  let pre = cache?.get(key);
  if (!pre) {
    const base = buildBase(net, x, n, sparseVersionsPay(net) ? o.densities : []);
    const rng = new Prng(o.seed);
    const extra = distill(x, n, d, Math.round(o.distill * n), net, rng);
    const all = new Int32Array((n + extra.length / d) * d);
    all.set(x.subarray(0, n * d));
    all.set(extra, n * d);
    const total = all.length / d;
    const a1 = firstLayer(base, all, total, d);
    const label = labelPool(base, a1, total);
    label.set(truth.subarray(0, n)); // the exact truth for the synthesis inputs
    const pool: Pool = { n: total, x: all, label, a1 };
    const bins = makeBins(all, total, d, n);
    pre = { base, pool, bins };
    cache?.set(key, pre);
  }
  return { base: pre.base, root: grow(pre.base, pre.pool, n, pre.bins, d, net.classes.length, s, o.minRelaxed) };
}

/** The model's class and ops on some inputs (Float64, as the engine computes them). */
function evaluateModel(model: Model, net: DenseNetwork, x: Int32Array, n: number): { cls: Int32Array; ops: Float64Array } {
  const d = net.dim;
  const { base } = model;
  const a1 = firstLayer(base, x, n, d);
  const cls = new Int32Array(n);
  const ops = new Float64Array(n);
  const z2 = new Float64Array(base.upper[0].outputs);
  const buf = buffers(base);
  for (let i = 0; i < n; i++) {
    let node = model.root;
    let k = 0;
    while (node.kind === 'split') { k++; node = x[i * d + node.j] >= node.theta ? node.above : node.below; }
    if (node.kind === 'class') { cls[i] = node.c; ops[i] = k; continue; }
    z2Of(base, a1, i, node.choice, z2, 0);
    cls[i] = classFromZ2(base, z2, 0, node.off2, buf);
    ops[i] = k + node.ops;
  }
  return { cls, ops };
}

// ---------------------------------------------------------------------------------------------
// The graph blob's network

function toGraph(net: DenseNetwork, model: Model, n: number): { graph: GraphNetwork; builder: GraphBuilder } {
  const { base } = model;
  const d = net.dim;
  const layers: DenseLayer[] = [
    { inputs: d, outputs: base.U, relu: true, sharedRow: false, weights: base.w1, biases: BigInt64Array.from(base.b1, (b) => BigInt(b)) },
    ...base.upper,
  ];
  const neurons = layers.reduce((s, l) => s + l.outputs, 0);
  const builder = new GraphBuilder(n);
  const rowOf = (j: number): { id: number; reuse: boolean } => {
    const row = new Int32Array(d);
    row[j] = 1;
    const key = `e${j}`;
    const reuse = builder.rows.computedOnPath(key);
    return { id: builder.rows.add(key, row), reuse };
  };
  const emit = (node: TreeNode, depth: number): Ref => {
    if (node.kind === 'class') return builder.classLeaf(node.c, 0, depth);
    if (node.kind === 'net') {
      const mask = new Uint8Array(neurons); // one NeuronState per neuron (the writer packs them)
      for (let h = 0; h < base.H; h++) {
        for (let v = 0; v < base.V; v++) if (node.choice[h] !== v) mask[v * base.H + h] = NeuronState.Inactive;
      }
      for (let o = 0; o < node.off2.length; o++) if (node.off2[o]) mask[base.U + o] = NeuronState.Inactive;
      return builder.netLeaf(mask, 0, depth);
    }
    const { id, reuse } = rowOf(node.j);
    const at = builder.openBranch(id, reuse, BigInt(node.theta));
    const below = emit(node.below, depth + 1);
    const above = emit(node.above, depth + 1);
    builder.closeBranch(at, below, above);
    return at;
  };
  const root = emit(model.root, 0);
  builder.resolveRefs();
  // The base network never wraps over the domain (as the importer proves of every network):
  // each layer's accumulator bound stays within i64.
  let bound = Array.from({ length: d }, (_, j) => {
    const lo = BigInt(net.domain.lo[j]);
    const hi = BigInt(net.domain.hi[j]);
    return (lo < 0n ? -lo : lo) > (hi < 0n ? -hi : hi) ? (lo < 0n ? -lo : lo) : (hi < 0n ? -hi : hi);
  });
  for (const l of layers) {
    bound = neuronBounds(l, bound).neuron;
    if (bound.some((b) => b > I64_MAX)) throw new SynthesisError('the base network with sparse first-layer versions could wrap i64 over the domain');
  }
  const rows = new Int32Array(builder.rows.list.length * d);
  builder.rows.list.forEach((r, i) => rows.set(r, i * d));
  const graph: GraphNetwork = {
    kind: 'graph', dim: d, classes: net.classes, quant: net.quant, domain: net.domain,
    rows, rowCount: builder.rows.list.length, nodes: builder.nodes,
    ...(builder.netLeaves > 0 ? { base: { layers, output: net.output } } : {}),
    masks: builder.masks.list, construction: 'synth', maxDepth: builder.maxDepth, pairs: n,
    ...(root < -1 || (root < 0 && builder.nodes.length === 0) ? { rootClass: -1 - root } : {}),
  };
  return { graph, builder };
}

// ---------------------------------------------------------------------------------------------

/** Shuffled split of 0 … n − 1 into (build, validation). */
function splitIndices(n: number, share: number, seed: number): { fit: Int32Array; val: Int32Array } {
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  const rng = new Prng(seed ^ 0x5eed);
  for (let i = n - 1; i > 0; i--) { const j = rng.below(i + 1); const t = idx[i]; idx[i] = idx[j]; idx[j] = t; }
  const nv = Math.max(1, Math.round(share * n));
  return { val: idx.slice(0, nv).sort(), fit: idx.slice(nv).sort() };
}

function gather(x: Int32Array, idx: Int32Array, d: number): Int32Array {
  const out = new Int32Array(idx.length * d);
  idx.forEach((i, k) => out.set(x.subarray(i * d, (i + 1) * d), k * d));
  return out;
}

/** Every setting of the grid built on the inputs minus a validation split, judged on it. */
export function validateSettings(net: DenseNetwork, xq: Int32Array, n: number, opts: Omit<FidelityOptions, 'target'> = {}): SettingResult[] {
  checkNetwork(net);
  const o = { densities: opts.densities ?? DEFAULT_DENSITIES, distill: opts.distill ?? 1, seed: opts.seed ?? 1, minRelaxed: opts.minRelaxed ?? MIN_RELAXED };
  const grid = opts.grid ?? FIDELITY_GRID;
  const d = net.dim;
  const truth = forwardPass(net, xq, n).truth;
  const { fit, val } = splitIndices(n, opts.validation ?? 0.2, o.seed);
  const xf = gather(xq, fit, d);
  const tf = Int32Array.from(fit, (i) => truth[i]);
  const xv = gather(xq, val, d);
  const cache = new Map();
  const out: SettingResult[] = [];
  grid.forEach((s, k) => {
    const model = buildModel(net, xf, tf, fit.length, s, o, cache);
    const r = evaluateModel(model, net, xv, val.length);
    let agree = 0;
    let ops = 0;
    for (let i = 0; i < val.length; i++) { if (r.cls[i] === truth[val[i]]) agree++; ops += r.ops[i]; }
    out.push({ ...s, fidelity: agree / val.length, meanOps: ops / val.length });
    opts.onProgress?.(k + 1, grid.length + 1);
  });
  return out;
}

/** The cheapest validated setting whose validation fidelity is ≥ target (else the most
 *  faithful), rebuilt on every synthesis input. */
export function chooseSetting(tried: SettingResult[], target: number): { pick: SettingResult; met: boolean } {
  const ok = tried.filter((t) => t.fidelity >= target);
  if (ok.length > 0) return { pick: ok.reduce((a, b) => (b.meanOps < a.meanOps ? b : a)), met: true };
  return { pick: tried.reduce((a, b) => (b.fidelity > a.fidelity || (b.fidelity === a.fidelity && b.meanOps < a.meanOps) ? b : a)), met: false };
}

/** A graph built with one setting on all n inputs (exact on them). */
export function synthesizeWithSetting(net: DenseNetwork, xq: Int32Array, n: number, s: FidelitySetting, opts: Omit<FidelityOptions, 'target'> = {}): { graph: GraphNetwork; truth: Int32Array; builder: GraphBuilder; modelMeanOps: number; distilled: number } {
  checkNetwork(net);
  const o = { densities: opts.densities ?? DEFAULT_DENSITIES, distill: opts.distill ?? 1, seed: opts.seed ?? 1, minRelaxed: opts.minRelaxed ?? MIN_RELAXED };
  const truth = forwardPass(net, xq, n).truth;
  const model = buildModel(net, xq, truth, n, s, o);
  const r = evaluateModel(model, net, xq, n);
  let ops = 0;
  for (let i = 0; i < n; i++) {
    if (r.cls[i] !== truth[i]) throw new SynthesisError(`input ${i}: the graph answers ${r.cls[i]}, the network ${truth[i]} (a bug: please report it)`, i);
    ops += r.ops[i];
  }
  const { graph, builder } = toGraph(net, model, n);
  return { graph, truth, builder, modelMeanOps: ops / n, distilled: Math.round(o.distill * n) };
}

export function synthesizeForFidelity(net: DenseNetwork, xq: Int32Array, n: number, opts: FidelityOptions): FidelitySynthesis {
  const started = performance.now();
  checkTarget(opts.target);
  const tried = validateSettings(net, xq, n, opts);
  const { pick, met } = chooseSetting(tried, opts.target);
  const setting = { epsilon: pick.epsilon, minLeaf: pick.minLeaf, context: pick.context };
  const built = synthesizeWithSetting(net, xq, n, setting, opts);
  const total = (opts.grid ?? FIDELITY_GRID).length + 1;
  opts.onProgress?.(total, total);
  const b = built.builder;
  return {
    graph: built.graph,
    truth: built.truth,
    stats: {
      setting,
      validation: { n: Math.max(1, Math.round((opts.validation ?? 0.2) * n)), fidelity: pick.fidelity, meanOps: pick.meanOps },
      targetMet: met,
      tried,
      branches: b.branches, netLeaves: b.netLeaves, classLeaves: b.classLeaves, masks: b.masks.list.length, maxDepth: b.maxDepth,
      distilled: built.distilled, modelMeanOps: built.modelMeanOps,
      seconds: (performance.now() - started) / 1000,
    },
  };
}
