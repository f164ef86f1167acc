// SPEC §3.2, the label-aware conditional tree: branch on one coordinate, `x_f ≥ θ` (1 cmp,
// nothing else), grown top-down until every node holds a single label. The split criterion
// aims at short expected paths rather than purity; docs/TREE.md explains it and the figures
// that chose β.
//
// The split search is exact and O(points × d) per tree level: every coordinate's points are
// sorted once, and each node keeps, per coordinate, its points in that order (a stable
// partition after each split, as CART implementations with presorting do). Scanning one
// sorted run updates both sides' Σ n_c·log₂ n_c in O(1) per point.

import { MAX_DEPTH } from '../../assembly/format.js';
import type { Dataset } from '../data/dataset.js';
import { DatasetError } from '../data/errors.js';
import type { Domain, Quantization } from '../data/quantize.js';
import type { TreeNetwork } from '../network.js';

export interface TreeOptions {
  /** Weight of the log₂(points) term of the split score (default DEFAULT_BETA). */
  beta?: number;
  /** Called as points reach their leaves: (points settled, n). */
  onProgress?: (settled: number, n: number) => void;
}

/** Chosen on MNIST-10k by a sweep (docs/TREE.md): 0.1 … 0.5 all beat β = 0 (plain entropy). */
export const DEFAULT_BETA = 0.35;

/** A node's split: points with x_f ≥ θ go "above", the others "below". */
interface Split {
  feature: number;
  threshold: number;
  /** Position in the node's sorted run of `feature` where "above" starts. */
  at: number;
}

export function buildTree(
  ds: Dataset, xq: Int32Array, quant: Quantization, domain: Domain, opts: TreeOptions = {},
): TreeNetwork {
  const n = ds.n;
  const d = ds.dim;
  const C = ds.classes.length;
  const y = ds.y;
  const beta = opts.beta ?? DEFAULT_BETA;
  const progress = opts.onProgress;

  // g[k] = k·log₂ k, so n·H(node) = g(n) − Σ_c g(n_c) needs no logarithm in the scan.
  const g = new Float64Array(n + 1);
  for (let k = 2; k <= n; k++) g[k] = k * Math.log2(k);

  // order[f·n + s … f·n + e) holds the node's points sorted by coordinate f.
  const order = new Int32Array(d * n);
  for (let f = 0; f < d; f++) order.set(sortByCoordinate(xq, d, n, f), f * n);
  const counts = new Int32Array(C);
  const left = new Int32Array(C);
  const goesAbove = new Uint8Array(n);
  const scratch = new Int32Array(n);

  const feature: number[] = [];
  const threshold: number[] = [];
  const below: number[] = [];
  const above: number[] = [];
  let settled = 0;
  let maxDepth = 0;

  /** Best split of the points in [s, e) of every run, or undefined if all share one input. */
  function bestSplit(s: number, e: number): Split | undefined {
    const size = e - s;
    let total = 0; // Σ_c g(n_c) of the node
    // Counts are zeroed point by point after use: with many classes, a fill would dominate.
    for (let i = s; i < e; i++) {
      const k = counts[y[order[i]]]++;
      total += g[k + 1] - g[k];
    }
    let best: Split | undefined;
    let bestScore = Infinity;
    for (let f = 0; f < d; f++) {
      const run = f * n;
      let sumL = 0;
      let sumR = total;
      for (let i = s; i < e - 1; i++) {
        const p = order[run + i];
        const c = y[p];
        const l = left[c]++;
        const r = counts[c] - l;
        sumL += g[l + 1] - g[l];
        sumR += g[r - 1] - g[r];
        const v = xq[p * d + f];
        const next = xq[order[run + i + 1] * d + f];
        if (next === v) continue;
        const nL = i - s + 1;
        const nR = size - nL;
        // n_L·(H_L + β·log₂ n_L) + n_R·(H_R + β·log₂ n_R)
        const score = (1 + beta) * (g[nL] + g[nR]) - sumL - sumR;
        if (score < bestScore) {
          bestScore = score;
          best = { feature: f, threshold: v + Math.ceil((next - v) / 2), at: i + 1 };
        }
      }
      for (let i = s; i < e; i++) left[y[order[run + i]]] = 0;
    }
    for (let i = s; i < e; i++) counts[y[order[i]]] = 0;
    return best;
  }

  /** Stable partition of every run of [s, e) by the split; returns where "above" starts. */
  function partition(s: number, e: number, split: Split): number {
    const run = split.feature * n;
    for (let i = s; i < e; i++) goesAbove[order[run + i]] = i >= split.at ? 1 : 0;
    for (let f = 0; f < d; f++) {
      const base = f * n;
      let lo = base + s;
      let hi = 0;
      for (let i = base + s; i < base + e; i++) {
        const p = order[i];
        if (goesAbove[p]) scratch[hi++] = p;
        else order[lo++] = p;
      }
      order.set(scratch.subarray(0, hi), lo);
    }
    return split.at;
  }

  /** Grows the subtree of [s, e) at `depth` tests from the root; returns its ref (a leaf is
   *  −1 − class until node indices are final). Nodes are appended in preorder. */
  function grow(s: number, e: number, depth: number): number {
    const first = y[order[s]];
    let pure = true;
    for (let i = s + 1; i < e && pure; i++) pure = y[order[i]] === first;
    if (pure) {
      maxDepth = Math.max(maxDepth, depth);
      settled += e - s;
      progress?.(settled, n);
      return -1 - first;
    }
    if (depth === MAX_DEPTH) {
      throw new DatasetError(`tree: a path needs more than ${MAX_DEPTH} tests (the format's limit); try another --beta`);
    }
    const split = bestSplit(s, e);
    if (split === undefined) throw new Error('tree: distinct inputs share every coordinate (a bug in de-duplication)');
    const mid = partition(s, e, split);
    const me = feature.length;
    feature.push(split.feature);
    threshold.push(split.threshold);
    below.push(0);
    above.push(0);
    below[me] = grow(s, mid, depth + 1);
    above[me] = grow(mid, e, depth + 1);
    return me;
  }

  grow(0, n, 0); // the root is node 0, or (a single class) leaf 0
  const m = feature.length;
  const ref = (r: number) => (r < 0 ? m + (-1 - r) : r);
  return {
    kind: 'tree',
    dim: d,
    classes: ds.classes,
    quant,
    domain,
    feature: Uint32Array.from(feature),
    threshold: Int32Array.from(threshold),
    below: Uint32Array.from(below, ref),
    above: Uint32Array.from(above, ref),
    maxDepth,
    pairs: n,
  };
}

/** Point indices sorted by coordinate f (ties by index). Sorting composite numeric keys
 *  (value rank · n + index) natively is several times faster than a comparator. */
function sortByCoordinate(xq: Int32Array, d: number, n: number, f: number): Int32Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = xq[i * d + f];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const out = new Int32Array(n);
  if ((hi - lo + 1) * n <= Number.MAX_SAFE_INTEGER) {
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = (xq[i * d + f] - lo) * n + i;
    keys.sort();
    for (let i = 0; i < n; i++) out[i] = keys[i] % n;
    return out;
  }
  const ids = Array.from({ length: n }, (_, i) => i);
  ids.sort((a, b) => xq[a * d + f] - xq[b * d + f] || a - b);
  out.set(ids);
  return out;
}
