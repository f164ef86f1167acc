// DESIGN §3.5: a conditional graph from an unconditional integer ReLU network and the inputs it
// must serve. The truth is the network's own class on each input. A tree is grown top-down
// over subsets S of the inputs: a ReLU whose sign is the same on all of S is decided there
// without a test; otherwise an eligible neuron (every neuron of earlier layers decided, so its
// pre-activation is affine in x on S) is tested, `row·x ≥ θ` with the bias folded into θ.
// Leaves: a class once S is pure (`constant`), or the base network under a mask once S has one
// activation pattern (`affine`) — and, either way, the base network under a mask of what S has
// decided when the depth limit is reached or nothing eligible splits S, so the result stays
// exact on every input. docs/SYNTH.md explains the choices and their limits.
//
// The parts, each in its own module: the exact forward pass (forward.ts); the test a neuron
// would place, with the collapse of deeper rows and its cache (resolve.ts, collapse.ts); the
// candidates' split scores and the choice among them (candidates.ts, with the split score
// shared with `tree`, ../construct/split-score.ts); the growth over sets of inputs, with the
// net leaves' masks (grow.ts); and the graph it records (graph-builder.ts). What is left here
// is the order of the steps: check the inputs, run the forward pass, grow, handle a graph of
// one class, and lay out the graph and its stats.

import { MAX_DEPTH } from '../../assembly/format.js';
import { checkBeta } from '../construct/split-score.js';
import { type DenseNetwork, type GraphNetwork } from '../network.js';
import { activePrefix, forwardPass, SynthesisError, type SignLayer } from './forward.js';
import type { GraphBuilder, Ref } from './graph-builder.js';
import { Growth, type GrowthSettings } from './grow.js';

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

export function synthesize(net: DenseNetwork, xq: Int32Array, n: number, opts: SynthOptions): Synthesis {
  const started = performance.now();
  const settings = checkInputs(net, xq, n, opts);
  const fp = forwardPass(net, xq, n);
  const growth = new Growth(net, fp, n, settings, opts.onProgress);
  const root = growth.grow(0, n, 0, 0);
  const graph = layOut(net, growth.graph, root, n);
  return { graph, truth: fp.truth, stats: statsOf(growth, fp.signLayers, n, started) };
}

/** The settings of growth from the options, checked, once every input is known to lie in the
 *  network's domain (its accumulator bounds, and so the exact forward pass, hold only there). */
function checkInputs(net: DenseNetwork, xq: Int32Array, n: number, opts: SynthOptions): GrowthSettings {
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
  return { constantLeaves: opts.leaves === 'constant', limit, beta };
}

/** The graph as the blob writer takes it: class leaves as refs m + c, rows packed. When every
 *  input has one class, growth ends in that class leaf at the root: a graph of no nodes whose
 *  root class is that class (no test, no ops). */
function layOut(net: DenseNetwork, built: GraphBuilder, root: Ref, n: number): GraphNetwork {
  built.resolveRefs();
  const d = net.dim;
  const rows = new Int32Array(built.rows.list.length * d);
  built.rows.list.forEach((r, i) => rows.set(r, i * d));
  return {
    kind: 'graph',
    dim: d,
    classes: net.classes,
    quant: net.quant,
    domain: net.domain,
    rows,
    rowCount: built.rows.list.length,
    nodes: built.nodes,
    ...(built.netLeaves > 0 ? { base: { layers: net.layers, output: net.output } } : {}),
    masks: built.masks.list,
    construction: 'synth',
    maxDepth: built.maxDepth,
    pairs: n,
    ...(root < -1 ? { rootClass: -1 - root } : {}),
  };
}

function statsOf(growth: Growth, signLayers: SignLayer[], n: number, started: number): SynthStats {
  const { graph: built, resolver } = growth;
  return {
    nodes: built.nodes.length, branches: built.branches, reusedBranches: built.reusedBranches,
    classLeaves: built.classLeaves, netLeaves: built.netLeaves, depthLimited: built.depthLimited,
    masks: built.masks.list.length, rows: built.rows.list.length, maxDepth: built.maxDepth,
    patterns: countPatterns(signLayers, n),
    skippedWide: resolver.skippedWide, skippedBound: resolver.skippedBound,
    seconds: (performance.now() - started) / 1000,
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
