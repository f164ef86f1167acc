// DESIGN §3.2, the label-aware conditional tree: branch on one coordinate, `x_f ≥ θ` (1 cmp,
// nothing else), grown top-down until every node holds a single label. The split criterion
// aims at short expected paths rather than purity, and small nodes pick among their best
// splits by rollout; docs/TREE.md explains both and the figures that chose them.
//
// The split search is exact and O(points × d) per tree level: every coordinate's points are
// sorted once, and each node keeps, per coordinate, its points in that order (a stable
// partition after each split, as CART implementations with presorting do). Scanning one
// sorted run updates both sides' Σ n_c·log₂ n_c in O(1) per point (the SplitScorer, shared
// with synthesis).

import { MAX_DEPTH } from '../../assembly/format.js';
import type { Dataset } from '../data/dataset.js';
import { DatasetError } from '../data/errors.js';
import type { Domain, Quantization } from '../data/quantize.js';
import type { TreeNetwork } from '../network.js';
import { PreorderTree, type Ref } from './preorder.js';
import { checkBeta, SplitScorer } from './split-score.js';

export interface TreeOptions {
  /** Weight of the log₂(points) term of the split score (default DEFAULT_BETA). */
  beta?: number;
  /** Nodes of at most this many points choose among their best splits by rollout (default
   *  DEFAULT_LOOKAHEAD_POINTS; 0: greedy everywhere). */
  lookaheadPoints?: number;
  /** Called as points reach their leaves: (points settled, n). */
  onProgress?: (settled: number, n: number) => void;
}

/** Chosen on MNIST-10k by a sweep (docs/TREE.md): 0.1 … 0.5 all beat β = 0 (plain entropy). */
export const DEFAULT_BETA = 0.35;
/** Rollout below this many points: on MNIST-10k, 9.05 → 8.70 mean tests (docs/TREE.md). */
export const DEFAULT_LOOKAHEAD_POINTS = 3000;
/** Splits compared by rollout at a node: its best few by score, on distinct coordinates. */
export const LOOKAHEAD_CANDIDATES = 3;

/** A node's split: points with x_f ≥ θ go "above", the others "below". */
interface Split {
  feature: number;
  threshold: number;
  /** Position in the node's sorted run of `feature` where "above" starts. */
  at: number;
  score: number;
}

/** Per coordinate f, the points of every node sorted by x_f: run f is
 *  order[f·stride …], and a node owns the same positions [s, e) of every run. */
interface Runs {
  order: Int32Array;
  stride: number;
}

export function buildTree(
  ds: Dataset, xq: Int32Array, quant: Quantization, domain: Domain, opts: TreeOptions = {},
): TreeNetwork {
  const n = ds.n;
  const d = ds.dim;
  const C = ds.classes.length;
  const y = ds.y;
  const beta = checkBeta(opts.beta ?? DEFAULT_BETA, 'tree');
  const lookahead = Math.max(0, Math.min(n, opts.lookaheadPoints ?? DEFAULT_LOOKAHEAD_POINTS));
  const progress = opts.onProgress;

  const scorer = new SplitScorer(n, C, beta);

  const main: Runs = { order: new Int32Array(d * n), stride: n };
  for (let f = 0; f < d; f++) main.order.set(sortByCoordinate(xq, d, n, f), f * n);
  // Rollouts grow throw-away subtrees in a copy of the node's runs.
  const trial: Runs = { order: new Int32Array(d * lookahead), stride: lookahead };
  const seen = new Int32Array(C);
  const goesAbove = new Uint8Array(n);
  const scratch = new Int32Array(n);

  const tree = new PreorderTree();
  let settled = 0;

  const isPure = (w: Runs, s: number, e: number): boolean => {
    const first = y[w.order[s]];
    for (let i = s + 1; i < e; i++) if (y[w.order[i]] !== first) return false;
    return true;
  };

  /** The best split of each coordinate over [s, e), the `keep` lowest scores first
   *  (n_L·(H_L + β·log₂ n_L) + n_R·(H_R + β·log₂ n_R)); empty if all points share one input. */
  function bestSplits(w: Runs, s: number, e: number, keep: number): Split[] {
    const { order, stride } = w;
    const size = e - s;
    scorer.countSet(y, order, s, e);
    const best: Split[] = [];
    for (let f = 0; f < d; f++) {
      const run = f * stride;
      // Side A is "below": the scan moves the run's points into it in order of x_f.
      scorer.beginScan();
      let mine: Split | undefined;
      for (let i = s; i < e - 1; i++) {
        const p = order[run + i];
        scorer.move(y[p]);
        const v = xq[p * d + f];
        const next = xq[order[run + i + 1] * d + f];
        if (next === v) continue;
        const score = scorer.score(size, i - s + 1, scorer.movedSum, scorer.restSum);
        if (score < (mine?.score ?? Infinity)) mine = { feature: f, threshold: v + Math.ceil((next - v) / 2), at: i + 1, score };
      }
      scorer.endScan(y, order, run + s, run + e);
      // Keep the `keep` best, ties to the lower coordinate (deterministic).
      if (mine && (best.length < keep || mine.score < best[best.length - 1].score)) {
        let k = best.length < keep ? best.length : keep - 1;
        while (k > 0 && best[k - 1].score > mine.score) k--;
        best.splice(k, 0, mine);
        best.length = Math.min(best.length, keep);
      }
    }
    scorer.clearSet(y, order, s, e);
    return best;
  }

  /** Stable partition of every run of [s, e) by the split; returns where "above" starts. */
  function partition(w: Runs, s: number, e: number, split: Split): number {
    const { order, stride } = w;
    const run = split.feature * stride;
    for (let i = s; i < e; i++) goesAbove[order[run + i]] = i >= split.at ? 1 : 0;
    for (let f = 0; f < d; f++) {
      const base = f * stride;
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

  /** Σ over the points of [s, e) of their tests in the greedy subtree (consumes the runs). */
  function greedyCost(w: Runs, s: number, e: number): number {
    if (isPure(w, s, e)) return 0;
    const mid = partition(w, s, e, bestSplits(w, s, e, 1)[0]);
    return e - s + greedyCost(w, s, mid) + greedyCost(w, mid, e);
  }

  /** Do the points of [s, e) all carry different labels? Then every split scores by sizes
   *  alone and a rollout cannot tell candidates apart: it is skipped. */
  function allDistinct(s: number, e: number): boolean {
    let distinct = true;
    for (let i = s; i < e; i++) if (seen[y[main.order[i]]]++ > 0) distinct = false;
    for (let i = s; i < e; i++) seen[y[main.order[i]]] = 0;
    return distinct;
  }

  /** Of the node's best few splits, the one whose greedy subtrees cost fewest tests in all:
   *  a rollout, which judges a split by the paths it leads to rather than by its score.
   *  `greedy`, when the parent's rollout already grew this node greedily, is that cost: the
   *  first candidate is the greedy split, so it needs no second rollout. Returns the split
   *  and the greedy costs of its two sides (NaN where unknown). */
  function chooseSplit(s: number, e: number, greedy: number): { split?: Split; below: number; above: number } {
    const size = e - s;
    const rollout = size <= lookahead && !allDistinct(s, e);
    const candidates = bestSplits(main, s, e, rollout ? LOOKAHEAD_CANDIDATES : 1);
    if (candidates.length <= 1) return { split: candidates[0], below: NaN, above: NaN };
    let choice = { split: candidates[0], below: NaN, above: NaN };
    let fewest = Number.isNaN(greedy) ? Infinity : greedy - size;
    for (const [k, split] of candidates.entries()) {
      if (k === 0 && !Number.isNaN(greedy)) continue;
      for (let f = 0; f < d; f++) trial.order.set(main.order.subarray(f * n + s, f * n + e), f * lookahead);
      const mid = partition(trial, 0, size, { ...split, at: split.at - s });
      const below = greedyCost(trial, 0, mid);
      const above = greedyCost(trial, mid, size);
      if (below + above < fewest) {
        fewest = below + above;
        choice = { split, below, above };
      }
    }
    return choice;
  }

  /** Grows the subtree of [s, e) at `depth` tests from the root; returns its ref. */
  function grow(s: number, e: number, depth: number, greedy: number): Ref {
    if (isPure(main, s, e)) {
      settled += e - s;
      progress?.(settled, n);
      return tree.leaf(y[main.order[s]], depth);
    }
    if (depth === MAX_DEPTH) {
      throw new DatasetError(`tree: a path needs more than ${MAX_DEPTH} tests (the format's limit); try another --beta`);
    }
    const { split, below: greedyBelow, above: greedyAbove } = chooseSplit(s, e, greedy);
    if (split === undefined) throw new Error('tree: distinct inputs share every coordinate (a bug in de-duplication)');
    const mid = partition(main, s, e, split);
    return tree.node(split.feature, split.threshold,
      () => grow(s, mid, depth + 1, greedyBelow), () => grow(mid, e, depth + 1, greedyAbove));
  }

  const nodes = tree.finish(grow(0, n, 0, NaN));
  return { kind: 'tree', dim: d, classes: ds.classes, quant, domain, ...nodes, pairs: n };
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
