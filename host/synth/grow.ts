// The top-down growth of a synthesized graph (docs/SYNTH.md, "Growth"): over index sets S of
// the inputs, from all of them, in preorder. A set ends in a class leaf once it is pure
// (`constant` leaves), in a net leaf once it has one activation pattern, reaches the depth
// limit, or has no neuron that can be tested; otherwise it is split by the chosen neuron's
// test and both sides are grown the same way.

import { NeuronState } from '../../assembly/format.js';
import { SplitScorer } from '../construct/split-score.js';
import type { DenseNetwork } from '../network.js';
import { CandidateScorer, chooseCandidate } from './candidates.js';
import { type ForwardPass, isActive, type SignLayer } from './forward.js';
import { GraphBuilder, type Ref } from './graph-builder.js';
import { TestResolver } from './resolve.js';

export interface GrowthSettings {
  /** Class leaves once a set is pure (`constant`), else net leaves only (`affine`). */
  constantLeaves: boolean;
  /** Most branch tests on a path. */
  limit: number;
  /** Weight of the size term of the split score (constant leaves). */
  beta: number;
}

export class Growth {
  readonly graph: GraphBuilder;
  readonly resolver: TestResolver;
  private readonly scoring: CandidateScorer;
  private readonly signLayers: SignLayer[];
  private readonly truth: Int32Array;
  /** Neurons of the network, all layers: a mask's length. */
  private readonly totalNeurons: number;
  /** The inputs, permuted so that every set being grown is a range idx[s, e). */
  private readonly idx: Int32Array;
  private readonly scratch: Int32Array;

  constructor(net: DenseNetwork, fp: ForwardPass, private readonly n: number, private readonly settings: GrowthSettings,
    onProgress?: (settled: number, n: number) => void) {
    this.signLayers = fp.signLayers;
    this.truth = fp.truth;
    this.totalNeurons = net.layers.reduce((s, l) => s + l.outputs, 0);
    this.graph = new GraphBuilder(n, onProgress);
    this.resolver = new TestResolver(net, fp, n);
    const scorer = settings.constantLeaves ? new SplitScorer(n, net.classes.length, settings.beta) : undefined;
    this.scoring = new CandidateScorer(fp.signLayers, fp.truth, n, scorer);
    this.idx = Int32Array.from({ length: n }, (_, i) => i);
    this.scratch = new Int32Array(n);
  }

  /** Grows the set idx[s, e) at `depth` tests from the root, every sign layer before
   *  `decided` being decided on it; returns its ref. */
  grow(s: number, e: number, depth: number, decided: number): Ref {
    const { idx, truth, graph } = this;
    const size = e - s;
    if (this.settings.constantLeaves) {
      const c0 = truth[idx[s]];
      let pure = true;
      for (let i = s + 1; i < e && pure; i++) pure = truth[idx[i]] === c0;
      if (pure) return graph.classLeaf(c0, size, depth);
    }
    const splitting = this.scoring.firstSplittingLayer(idx, s, e, decided);
    if (!splitting) return this.netLeaf(s, e, depth);
    if (depth >= this.settings.limit) {
      graph.depthLimited++;
      return this.netLeaf(s, e, depth);
    }
    const L = splitting.layer;
    const pick = chooseCandidate(L, splitting.candidates, idx[s], this.resolver, graph.rows);
    if (!pick) return this.netLeaf(s, e, depth);
    const at = this.partition(this.signLayers[L], pick.neuron, s, e);
    const me = graph.openBranch(pick.rowId, pick.reuse, pick.test.theta);
    const below = this.grow(s, at, depth + 1, L);
    const above = this.grow(at, e, depth + 1, L);
    graph.closeBranch(me, below, above);
    return me;
  }

  /** The base network under the mask of what idx[s, e) decides. */
  netLeaf(s: number, e: number, depth: number): Ref {
    return this.graph.netLeaf(decidedMask(this.signLayers, this.totalNeurons, this.n, this.idx, s, e), e - s, depth);
  }

  /** Stable partition of idx[s, e) by neuron k of `sl`: "below" (z < 0) first, then "above".
   *  Returns where "above" starts. */
  private partition(sl: SignLayer, k: number, s: number, e: number): number {
    const { idx, scratch, n } = this;
    let lo = s;
    let hi = 0;
    for (let i = s; i < e; i++) {
      const p = idx[i];
      if (isActive(sl, k, p, n)) scratch[hi++] = p;
      else idx[lo++] = p;
    }
    idx.set(scratch.subarray(0, hi), lo);
    return lo;
  }
}

/** A net leaf's mask over every neuron of the network: each hidden ReLU whose sign is the same
 *  on all of idx[s, e) Active or Inactive, everything else Compute. */
function decidedMask(signLayers: SignLayer[], totalNeurons: number, n: number, idx: Int32Array, s: number, e: number): Uint8Array {
  const mask = new Uint8Array(totalNeurons); // NeuronState.Compute = 0
  for (const sl of signLayers) {
    if (sl.signs) {
      for (let k = 0; k < sl.outputs; k++) {
        const base = k * n;
        const v = sl.signs[base + idx[s]];
        let same = true;
        for (let i = s + 1; i < e && same; i++) same = sl.signs[base + idx[i]] === v;
        if (same) mask[sl.offset + k] = v ? NeuronState.Active : NeuronState.Inactive;
      }
    } else {
      const sh = sl.shared!;
      let min = sh.s[idx[s]];
      let max = min;
      for (let i = s + 1; i < e; i++) {
        const v = sh.s[idx[i]];
        if (v < min) min = v;
        if (v > max) max = v;
      }
      for (let k = 0; k < sl.outputs; k++) {
        if (sh.theta[k] <= min) mask[sl.offset + k] = NeuronState.Active;
        else if (sh.theta[k] > max) mask[sl.offset + k] = NeuronState.Inactive;
      }
    }
  }
  return mask;
}
