// Which neuron a node of the synthesized graph tests (docs/SYNTH.md, steps 2, 4 and 6). The
// candidates are the neurons of one sign layer — the first, from the layer the path has
// reached, with a neuron whose sign is not constant on the set — each scored by the split of
// the set it would make. The chosen one is the best-scoring candidate that can be placed.

import type { SplitScorer } from '../construct/split-score.js';
import { activePrefix, type SignLayer } from './forward.js';
import type { RowTable } from './graph-builder.js';
import type { Test, TestResolver } from './resolve.js';

export interface Candidate {
  neuron: number;
  /** The score of its split (lower is better). */
  score: number;
}

/** A sign layer that splits the set, and its neurons that do, scored. */
export interface SplittingLayer {
  /** Index into the sign layers. */
  layer: number;
  candidates: Candidate[];
}

export class CandidateScorer {
  /** `scorer`: with constant leaves, splits are scored by the classes on each side (the split
   *  score of `tree`); without one (affine leaves), by evenness alone, |n_A − n_B|. */
  constructor(
    private readonly signLayers: SignLayer[],
    private readonly truth: Int32Array,
    private readonly n: number,
    private readonly scorer: SplitScorer | undefined,
  ) {}

  /** The first sign layer from `from` on with a neuron whose sign is not constant on
   *  idx[s, e), with those neurons scored; undefined when the set has one activation pattern. */
  firstSplittingLayer(idx: Int32Array, s: number, e: number, from: number): SplittingLayer | undefined {
    this.scorer?.countSet(this.truth, idx, s, e);
    let found: SplittingLayer | undefined;
    for (let L = from; L < this.signLayers.length && !found; L++) {
      const sl = this.signLayers[L];
      const candidates = sl.signs ? this.denseCandidates(sl.signs, sl.outputs, idx, s, e) : this.sharedCandidates(sl, idx, s, e);
      if (candidates.length > 0) found = { layer: L, candidates };
    }
    this.scorer?.clearSet(this.truth, idx, s, e);
    return found;
  }

  /** A layer with stored signs: one pass over the set per neuron. Side A is "above" (active):
   *  the scan moves the active inputs into it. */
  private denseCandidates(signs: Uint8Array, outputs: number, idx: Int32Array, s: number, e: number): Candidate[] {
    const { n, truth, scorer } = this;
    const size = e - s;
    const out: Candidate[] = [];
    for (let k = 0; k < outputs; k++) {
      const base = k * n;
      let nA = 0;
      let score: number;
      if (scorer) {
        scorer.beginScan();
        for (let i = s; i < e; i++) {
          const p = idx[i];
          if (signs[base + p] === 0) continue;
          nA++;
          scorer.move(truth[p]);
        }
        scorer.endScan(truth, idx, s, e);
        score = scorer.score(size, nA, scorer.movedSum, scorer.restSum);
      } else {
        for (let i = s; i < e; i++) nA += signs[base + idx[i]];
        score = Math.abs(size - 2 * nA);
      }
      if (nA > 0 && nA < size) out.push({ neuron: k, score });
    }
    return out;
  }

  /** A shared row: sort the set by its score s once; neuron k splits it where s crosses θ_k,
   *  so one scan scores every cut, and a merge walk finds each neuron's. Side A is "below":
   *  the scan moves the inputs into it in order of s, and the score takes "above" first. */
  private sharedCandidates(sl: SignLayer, idx: Int32Array, s: number, e: number): Candidate[] {
    const { truth, scorer } = this;
    const size = e - s;
    const out: Candidate[] = [];
    const sh = sl.shared!;
    const sv = sh.s;
    const sorted = idx.slice(s, e).sort((a, b) => (sv[a] < sv[b] ? -1 : sv[a] > sv[b] ? 1 : 0));
    const lo = activePrefix(sh.sortedTheta, sv[sorted[0]]); // θ ≤ min: active on all
    const hi = activePrefix(sh.sortedTheta, sv[sorted[size - 1]]); // θ ≤ max
    if (lo >= hi) return out;
    // Scores of the cut after the first p points (p = points below), p = 1 … size − 1.
    const at = new Float64Array(size);
    if (scorer) {
      scorer.beginScan();
      for (let p = 1; p < size; p++) {
        scorer.move(truth[sorted[p - 1]]);
        at[p] = scorer.score(size, size - p, scorer.restSum, scorer.movedSum);
      }
      scorer.endScan(truth, sorted, 0, size);
    } else {
      for (let p = 1; p < size; p++) at[p] = Math.abs(size - 2 * (size - p));
    }
    let p = 0;
    for (let q = lo; q < hi; q++) {
      const theta = sh.sortedTheta[q];
      while (p < size && sv[sorted[p]] < theta) p++;
      out.push({ neuron: sh.order[q], score: at[p] });
    }
    return out;
  }
}

/** Scores this close are tied: their differences are the rounding of running sums. */
const sameScore = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/** What a branch places: the chosen neuron's test and its row's id in the graph. */
export interface Pick {
  test: Test;
  neuron: number;
  rowId: number;
  /** The row's register was computed higher on the path: the test costs 1 cmp. */
  reuse: boolean;
}

/** The best candidate of sign layer L that can be placed on the set containing input i0:
 *  lowest score, then (among tied scores) lowest cost, then lowest neuron index. Its row is
 *  added to `rows` if new. Undefined if every candidate is refused. */
export function chooseCandidate(L: number, cand: Candidate[], i0: number, resolver: TestResolver, rows: RowTable): Pick | undefined {
  cand.sort((a, b) => a.score - b.score || a.neuron - b.neuron);
  for (let g0 = 0; g0 < cand.length;) {
    let g1 = g0 + 1;
    while (g1 < cand.length && sameScore(cand[g1].score, cand[g0].score)) g1++;
    const group = cand.slice(g0, g1).sort((a, b) => a.neuron - b.neuron);
    let best: { test: Test; neuron: number; cost: number } | undefined;
    for (const c of group) {
      const t = resolver.resolve(L, c.neuron, i0);
      if (!t) continue;
      const cost = rows.computedOnPath(t.key) ? 1 : t.fullCost;
      if (!best || cost < best.cost) best = { test: t, neuron: c.neuron, cost };
    }
    if (best) {
      const rowId = rows.add(best.test.key, best.test.row);
      return { test: best.test, neuron: best.neuron, rowId, reuse: rows.isOnPath(rowId) };
    }
    g0 = g1;
  }
  return undefined;
}
