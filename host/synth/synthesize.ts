// SPEC §3.5: a conditional graph from an unconditional integer ReLU network and the inputs it
// must serve. The truth is the network's own class on each input. A tree is grown top-down
// over subsets S of the inputs: a ReLU whose sign is the same on all of S is decided there
// without a test; otherwise an eligible neuron (every neuron of earlier layers decided, so its
// pre-activation is affine in x on S) is tested, `row·x ≥ θ` with the bias folded into θ.
// Leaves: a class once S is pure (`constant`), or the base network under a mask once S has one
// activation pattern (`affine`) — and, either way, the base network under a mask of what S has
// decided when the depth limit is reached or nothing eligible splits S, so the result stays
// exact on every input. docs/SYNTH.md explains the choices and their limits.

import { MAX_DEPTH, NeuronState } from '../../assembly/format.js';
import { checkBeta, SplitScorer } from '../construct/split-score.js';
import { type DenseNetwork, type GraphNetwork, type GraphNode } from '../network.js';
import { collapseNeuron } from './collapse.js';
import { activePrefix, forwardPass, I64_MAX, neuronBounds, SynthesisError, type SignLayer } from './forward.js';

export { SynthesisError } from './forward.js';

export type LeafKind = 'constant' | 'affine';
export const LEAF_KINDS: readonly LeafKind[] = ['constant', 'affine'];

/** The weight of the log₂(points) term of the constant-leaf split score, as `tree` uses. */
export const DEFAULT_SYNTH_BETA = 1;

export interface SynthOptions {
  leaves: LeafKind;
  /** Most branch tests on a path (default and cap: MAX_DEPTH = 64). */
  maxDepth?: number;
  /** `constant` leaves: weight of the size term of the split score (default 1: docs/SYNTH.md). */
  beta?: number;
  /** Called as inputs reach their leaves: (inputs settled, n). */
  onProgress?: (settled: number, n: number) => void;
}

export interface SynthStats {
  /** Graph nodes: branches and net leaves (class leaves are refs, not nodes). */
  nodes: number;
  branches: number;
  /** Branches that reuse a register computed higher on their path (1 cmp each). */
  reusedBranches: number;
  classLeaves: number;
  netLeaves: number;
  /** Net leaves placed because the depth limit was reached. */
  depthLimited: number;
  /** Distinct masks stored (net leaves share equal ones). */
  masks: number;
  /** Distinct rows stored (one i64 register each). */
  rows: number;
  /** Most branch tests on any path. */
  maxDepth: number;
  /** Distinct activation patterns of the hidden ReLUs on the inputs. */
  patterns: number;
  /** Candidate tests refused because a collapsed weight leaves i32. */
  skippedWide: number;
  /** Candidate tests refused because Σ|w_j|·max|x_j| + |θ| could reach 2^63 (or an earlier
   *  layer of the network may wrap, so the collapse would not be its arithmetic). */
  skippedBound: number;
  /** Wall time of the whole synthesis, forward pass included. */
  seconds: number;
}

export interface Synthesis {
  graph: GraphNetwork;
  stats: SynthStats;
  /** The network's class of each input: what the graph reproduces. */
  truth: Int32Array;
}

/** A test ready to place: its row over the input and its threshold. */
interface Test {
  row: Int32Array;
  key: string;
  theta: bigint;
  /** mul + add + cmp when the row is computed here (1 when its register is reused). */
  fullCost: number;
}

interface Candidate {
  neuron: number;
  score: number;
}

/** A node in growth: a node index, or a class leaf −1 − class until the node count is known. */
type Ref = number;

const rowKey = (row: Int32Array) => Buffer.from(row.buffer, row.byteOffset, row.byteLength).toString('latin1');

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

const sameScore = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

export function synthesize(net: DenseNetwork, xq: Int32Array, n: number, opts: SynthOptions): Synthesis {
  const started = performance.now();
  const d = net.dim;
  if (!LEAF_KINDS.includes(opts.leaves)) throw new RangeError(`synth: leaves must be constant or affine, got ${String(opts.leaves)}`);
  const limit = Math.min(opts.maxDepth ?? MAX_DEPTH, MAX_DEPTH);
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`synth: the depth limit must be an integer 0 … ${MAX_DEPTH}, got ${opts.maxDepth}`);
  const beta = checkBeta(opts.beta ?? DEFAULT_SYNTH_BETA, 'synth');
  if (!Number.isInteger(n) || n < 1 || xq.length < n * d) throw new RangeError(`synth: need n ≥ 1 inputs of ${d} values, got n = ${n} and ${xq.length} values`);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = xq[i * d + j];
      if (v < net.domain.lo[j] || v > net.domain.hi[j]) {
        throw new SynthesisError(`input ${i}: coordinate ${j} is ${v}, outside the network's domain ${net.domain.lo[j]} … ${net.domain.hi[j]}`, i);
      }
    }
  }

  const fp = forwardPass(net, xq, n);
  const { truth, signLayers } = fp;
  const layerSign = new Map<number, SignLayer>(signLayers.map((sl) => [sl.layer, sl]));
  const totalNeurons = net.layers.reduce((s, l) => s + l.outputs, 0);
  const C = net.classes.length;
  const constantLeaves = opts.leaves === 'constant';

  const scorer = new SplitScorer(n, C, beta);

  const sign = (sl: SignLayer, k: number, i: number): boolean =>
    sl.signs ? sl.signs[k * n + i] === 1 : sl.shared!.s[i] >= sl.shared!.theta[k];

  // The first layer's rows need no collapse: cached per row index (a shared row is row 0).
  const first = net.layers[0];
  const firstBounds = neuronBounds(first, fp.inputBound).row;
  const firstRows = new Map<number, { row: Int32Array; key: string; bound: bigint; fullCost: number }>();
  // Deeper tests depend on the decided pattern of the earlier layers: memoized by it.
  const deeper = new Map<string, Test | 'wide' | 'bound'>();

  const stats = {
    branches: 0, reusedBranches: 0, classLeaves: 0, netLeaves: 0, depthLimited: 0,
    maxDepth: 0, skippedWide: 0, skippedBound: 0,
  };
  const scoreBound = (row: ArrayLike<number | bigint>, theta: bigint): bigint => {
    let acc = theta < 0n ? -theta : theta;
    for (let j = 0; j < d; j++) {
      const w = row[j];
      if (w !== 0 && w !== 0n) acc += (w < 0 ? -BigInt(w) : BigInt(w)) * fp.inputBound[j];
    }
    return acc;
  };

  /** The test of neuron k of sign layer L on a set containing input i0, or why not. */
  function resolve(L: number, k: number, i0: number): Test | undefined {
    const sl = signLayers[L];
    const l = net.layers[sl.layer];
    let test: Test | 'wide' | 'bound';
    if (sl.layer === 0) {
      const r = l.sharedRow ? 0 : k;
      let info = firstRows.get(r);
      if (!info) {
        const row = l.weights.slice(r * l.inputs, (r + 1) * l.inputs);
        info = { row, key: rowKey(row), bound: firstBounds[r], fullCost: rowCost(row) };
        firstRows.set(r, info);
      }
      const theta = -l.biases[k];
      const abs = theta < 0n ? -theta : theta;
      test = info.bound + abs <= I64_MAX ? { row: info.row, key: info.key, theta, fullCost: info.fullCost } : 'bound';
    } else {
      // The decided signs of every earlier ReLU on this set, read off one of its inputs.
      let pattern = `${L}:${k}:`;
      for (let q = 0; q < L; q++) {
        const e = signLayers[q];
        if (e.signs) for (let j = 0; j < e.outputs; j++) pattern += e.signs[j * n + i0];
        else pattern += `${activePrefix(e.shared!.sortedTheta, e.shared!.s[i0])},`;
      }
      const known = deeper.get(pattern);
      if (known) test = known;
      else {
        test = collapsedTest(sl.layer, k, i0);
        deeper.set(pattern, test);
      }
    }
    if (test === 'wide') stats.skippedWide++;
    if (test === 'bound') stats.skippedBound++;
    return typeof test === 'string' ? undefined : test;
  }

  function collapsedTest(layer: number, k: number, i0: number): Test | 'wide' | 'bound' {
    if (!fp.noWrap[layer - 1]) return 'bound';
    const c = collapseNeuron(net.layers, layer, k, (q, j) => {
      const e = layerSign.get(q);
      return e ? sign(e, j, i0) : true;
    });
    const row = new Int32Array(d);
    for (let j = 0; j < d; j++) {
      const w = c.row[j];
      if (!(w >= -2147483648 && w <= 2147483647)) return 'wide';
      row[j] = Number(w);
    }
    const theta = -c.bias;
    if (scoreBound(row, theta) > I64_MAX) return 'bound';
    return { row, key: rowKey(row), theta, fullCost: rowCost(row) };
  }

  // ---- growth ----
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  const scratch = new Int32Array(n);
  const nodes: GraphNode[] = [];
  const rowIds = new Map<string, number>();
  const rowList: Int32Array[] = [];
  const onPath: number[] = [];
  const maskIds = new Map<string, number>();
  const masks: Uint8Array[] = [];
  let settled = 0;
  const settle = (size: number, depth: number) => {
    settled += size;
    stats.maxDepth = Math.max(stats.maxDepth, depth);
    opts.onProgress?.(settled, n);
  };

  /** Non-constant neurons of sign layer L on idx[s, e) with their split scores (lower is
   *  better): constant leaves, the split score (the set is counted in `scorer`); affine leaves,
   *  |n_A − n_B|. */
  function candidates(L: number, s: number, e: number): Candidate[] {
    const sl = signLayers[L];
    const size = e - s;
    const out: Candidate[] = [];
    // Side A, the points moved, is "above" (active) for a dense layer and "below" along a
    // shared row; each scores its sides in the order it always has.
    if (sl.signs) {
      const signs = sl.signs;
      for (let k = 0; k < sl.outputs; k++) {
        const base = k * n;
        let nA = 0;
        let score: number;
        if (constantLeaves) {
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
    // A shared row: sort the set by its score; neuron k splits it where s crosses θ_k.
    const sh = sl.shared!;
    const sv = sh.s;
    const sorted = idx.slice(s, e).sort((a, b) => (sv[a] < sv[b] ? -1 : sv[a] > sv[b] ? 1 : 0));
    const lo = activePrefix(sh.sortedTheta, sv[sorted[0]]); // θ ≤ min: active on all
    const hi = activePrefix(sh.sortedTheta, sv[sorted[size - 1]]); // θ ≤ max
    if (lo >= hi) return out;
    // Scores of the cut after the first p points (p = points below), p = 1 … size − 1.
    const at = new Float64Array(size);
    if (constantLeaves) {
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

  /** The best candidate that can be placed: lowest score, then lowest cost, then index. */
  function choose(L: number, cand: Candidate[], s: number): { test: Test; neuron: number; rowId: number; reuse: boolean } | undefined {
    cand.sort((a, b) => a.score - b.score || a.neuron - b.neuron);
    for (let g0 = 0; g0 < cand.length;) {
      let g1 = g0 + 1;
      while (g1 < cand.length && sameScore(cand[g1].score, cand[g0].score)) g1++;
      const group = cand.slice(g0, g1).sort((a, b) => a.neuron - b.neuron);
      let best: { test: Test; neuron: number; cost: number } | undefined;
      for (const c of group) {
        const t = resolve(L, c.neuron, idx[s]);
        if (!t) continue;
        const id = rowIds.get(t.key);
        const cost = id !== undefined && onPath[id] > 0 ? 1 : t.fullCost;
        if (!best || cost < best.cost) best = { test: t, neuron: c.neuron, cost };
      }
      if (best) {
        let rowId = rowIds.get(best.test.key);
        if (rowId === undefined) {
          rowId = rowList.length;
          rowIds.set(best.test.key, rowId);
          rowList.push(best.test.row);
          onPath.push(0);
        }
        return { test: best.test, neuron: best.neuron, rowId, reuse: onPath[rowId] > 0 };
      }
      g0 = g1;
    }
    return undefined;
  }

  /** The base network under the mask of what idx[s, e) decides. */
  function netLeaf(s: number, e: number, depth: number): Ref {
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
    const key = Buffer.from(mask).toString('latin1');
    let id = maskIds.get(key);
    if (id === undefined) {
      id = masks.length;
      maskIds.set(key, id);
      masks.push(mask);
    }
    stats.netLeaves++;
    settle(e - s, depth);
    nodes.push({ kind: 'net', row: id, reuse: false, below: 0, above: 0, threshold: 0n });
    return nodes.length - 1;
  }

  function grow(s: number, e: number, depth: number, decided: number): Ref {
    const size = e - s;
    const c0 = truth[idx[s]];
    let pure = true;
    for (let i = s + 1; i < e && pure; i++) pure = truth[idx[i]] === c0;
    if (constantLeaves && pure) {
      stats.classLeaves++;
      settle(size, depth);
      return -1 - c0;
    }
    let counted = false;
    if (constantLeaves) {
      counted = true;
      scorer.countSet(truth, idx, s, e);
    }
    try {
      let L = decided;
      let cand: Candidate[] = [];
      for (; L < signLayers.length; L++) {
        cand = candidates(L, s, e);
        if (cand.length > 0) break;
      }
      if (L === signLayers.length) return netLeaf(s, e, depth);
      if (depth >= limit) {
        stats.depthLimited++;
        return netLeaf(s, e, depth);
      }
      const pick = choose(L, cand, s);
      if (!pick) return netLeaf(s, e, depth);
      const sl = signLayers[L];
      // Stable partition: "below" (z < 0) first, then "above".
      let lo = s;
      let hi = 0;
      for (let i = s; i < e; i++) {
        const p = idx[i];
        if (sign(sl, pick.neuron, p)) scratch[hi++] = p;
        else idx[lo++] = p;
      }
      idx.set(scratch.subarray(0, hi), lo);
      const at = lo;
      if (counted) scorer.clearSet(truth, idx, s, e);
      counted = false;
      stats.branches++;
      if (pick.reuse) stats.reusedBranches++;
      const me = nodes.length;
      nodes.push({ kind: 'branch', row: pick.rowId, reuse: pick.reuse, below: 0, above: 0, threshold: pick.test.theta });
      onPath[pick.rowId]++;
      nodes[me].below = grow(s, at, depth + 1, L);
      nodes[me].above = grow(at, e, depth + 1, L);
      onPath[pick.rowId]--;
      return me;
    } finally {
      if (counted) scorer.clearSet(truth, idx, s, e);
    }
  }

  const root = grow(0, n, 0, 0);
  if (root < 0 && -1 - root !== 0 && limit === 0) {
    // One class, not class 0, and no test allowed: the base network answers it.
    stats.classLeaves = 0;
    settled = 0;
    netLeaf(0, n, 0);
  } else if (root < 0 && -1 - root !== 0) {
    // One class, not class 0: a graph of no nodes answers class 0 (ref 0 = m + 0), so one
    // branch on x_0 (row e_0: no mul, no add) leads to the class either way: 1 cmp.
    const e0 = new Int32Array(d);
    e0[0] = 1;
    rowList.push(e0);
    nodes.push({ kind: 'branch', row: 0, reuse: false, below: root, above: root, threshold: 0n });
    stats.branches = 1;
    stats.maxDepth = 1;
  }
  const m = nodes.length;
  const ref = (r: Ref) => (r < 0 ? m - 1 - r : r);
  for (const node of nodes) {
    if (node.kind !== 'branch') continue;
    node.below = ref(node.below);
    node.above = ref(node.above);
  }
  const rows = new Int32Array(rowList.length * d);
  rowList.forEach((r, i) => rows.set(r, i * d));

  const graph: GraphNetwork = {
    kind: 'graph',
    dim: d,
    classes: net.classes,
    quant: net.quant,
    domain: net.domain,
    rows,
    rowCount: rowList.length,
    nodes,
    ...(stats.netLeaves > 0 ? { base: { layers: net.layers, output: net.output } } : {}),
    masks,
    construction: 'synth',
    maxDepth: stats.maxDepth,
    pairs: n,
  };
  return {
    graph,
    truth,
    stats: {
      nodes: m, branches: stats.branches, reusedBranches: stats.reusedBranches,
      classLeaves: stats.classLeaves, netLeaves: stats.netLeaves, depthLimited: stats.depthLimited,
      masks: masks.length, rows: rowList.length, maxDepth: stats.maxDepth,
      patterns: countPatterns(signLayers, n),
      skippedWide: stats.skippedWide, skippedBound: stats.skippedBound,
      seconds: (performance.now() - started) / 1000,
    },
  };
}

/** Distinct activation patterns of the hidden ReLUs over the inputs. */
function countPatterns(signLayers: SignLayer[], n: number): number {
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) {
    let key = '';
    for (const sl of signLayers) {
      if (sl.signs) for (let k = 0; k < sl.outputs; k++) key += sl.signs[k * n + i];
      else key += `${activePrefix(sl.shared!.sortedTheta, sl.shared!.s[i])},`;
    }
    seen.add(key);
  }
  return seen.size;
}
