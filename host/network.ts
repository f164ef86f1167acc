// The in-memory networks condnet builds, packs, reads back and evaluates. One type per
// structure; the blob format (docs/FORMAT.md) stores exactly these fields.

import type { Quantization, Domain } from './data/quantize.js';

/** DESIGN §3.1: t = w·x, then a binary search over n − 1 separators in Eytzinger order. */
export interface SearchNetwork {
  kind: 'search';
  dim: number;
  /** Label text of each class. */
  classes: string[];
  quant: Quantization;
  domain: Domain;
  /** The integer direction w, no entry zero. */
  projection: Int32Array;
  /** Bytes per stored weight as read from a blob; unset, the writer takes 2 when every
   *  weight fits an i16, else 4. */
  projectionBytes?: 2 | 4;
  /** m = n − 1 keys; heap position i (1-based) at index i − 1. Exact integers, |k| < 2^53. */
  separators: Float64Array;
  /** m + 1 classes for heap positions m + 1 … 2m + 1. */
  leaves: Uint32Array;
  /** Bytes per stored leaf as read from a blob; unset, the writer takes the narrowest. */
  leafBytes?: 1 | 2 | 4;
  /** Most comparisons on any path: ⌊log₂(2m + 1)⌋. */
  maxDepth: number;
  /** Distinct pairs memorized. */
  pairs: number;
}

/** DESIGN §3.2: branch nodes `x_f ≥ θ` in preorder from node 0. A ref r < m (m = node count)
 *  names node r; r ≥ m is a leaf of class r − m. */
export interface TreeNetwork {
  kind: 'tree';
  dim: number;
  classes: string[];
  quant: Quantization;
  domain: Domain;
  feature: Uint32Array;
  threshold: Int32Array;
  /** Ref taken when x_f < θ. */
  below: Uint32Array;
  /** Ref taken when x_f ≥ θ. */
  above: Uint32Array;
  /** Bytes per node field as read from a blob; unset, the writer takes the narrowest. */
  fieldBytes?: 2 | 4;
  /** Most tests on any path. */
  maxDepth: number;
  pairs: number;
  /** With no nodes, the class of the one leaf (the header's root class); absent means 0. */
  rootClass?: number;
}

/** One dense layer (DESIGN §2): z = W·h + b, then ReLU if `relu`. */
export interface DenseLayer {
  inputs: number;
  outputs: number;
  relu: boolean;
  /** One row of `inputs` weights used by every neuron (stored and counted once), or
   *  `outputs` rows of `inputs` weights, row-major. */
  sharedRow: boolean;
  weights: Int32Array;
  /** Exact integers, |b| < 2^63. */
  biases: BigInt64Array;
}

/** DESIGN §2's unconditional network: every input executes every neuron; the last layer's
 *  values give the class by argmax, or are the class index itself (`scalar`). */
export interface DenseNetwork {
  kind: 'dense';
  dim: number;
  classes: string[];
  quant: Quantization;
  domain: Domain;
  layers: DenseLayer[];
  output: 'argmax' | 'scalar';
  /** The construction that built it (`interp`, …), for reports; not stored in the blob. */
  construction?: string;
  maxDepth: number;
  pairs: number;
}

/** One neuron of a limb program: z = Σ weight·register + bias (mod 2^(32·width)), then ReLU
 *  if `relu`. A term reads `sourceLimbs` limbs of the register file from limb `source`. */
export interface Instruction {
  width: number;
  relu: boolean;
  bias: bigint;
  terms: { source: number; sourceLimbs: number; weight: bigint }[];
}

/** DESIGN §3.4's straight-line multi-limb neuron program: the d inputs (one limb each) are the
 *  first registers, each instruction writes the next, the last is the class. */
export interface ProgramNetwork {
  kind: 'program';
  dim: number;
  classes: string[];
  quant: Quantization;
  domain: Domain;
  instructions: Instruction[];
  construction?: string;
  maxDepth: number;
  pairs: number;
}

/** A node of a conditional graph (DESIGN §2, §3.5). */
export interface GraphNode {
  /** `branch`: row · x ≥ threshold takes `above`, else `below`.
   *  `net`: a leaf that runs `base` under mask `row`. */
  kind: 'branch' | 'net';
  /** Index of the row (branch) or of the mask (net). */
  row: number;
  /** The row's dot product was computed earlier on every path to this node: reuse its
   *  register (1 cmp) instead of computing it. Branch only. */
  reuse: boolean;
  below: number;
  above: number;
  /** Branch only: an exact i64. */
  threshold: bigint;
}

/** DESIGN §3.5's conditional network: branch nodes on affine scores of the input, leaves that
 *  are classes or the base network run under a mask. Nodes in preorder from node 0; a ref
 *  r < m names node r, r ≥ m is a class leaf r − m (as in TreeNetwork). */
export interface GraphNetwork {
  kind: 'graph';
  dim: number;
  classes: string[];
  quant: Quantization;
  domain: Domain;
  /** rowCount × dim i32 weights, row-major; each row has one i64 register. */
  rows: Int32Array;
  rowCount: number;
  nodes: GraphNode[];
  /** The unconditional network net leaves finish with (absent when no net leaf exists). */
  base?: { layers: DenseLayer[]; output: 'argmax' | 'scalar' };
  /** One NeuronState (assembly/format.ts) per neuron of `base`, layer by layer, per mask. */
  masks: Uint8Array[];
  construction?: string;
  maxDepth: number;
  pairs: number;
  /** With no nodes, the class of the one leaf (the header's root class); absent means 0. */
  rootClass?: number;
}

export type Network = SearchNetwork | TreeNetwork | DenseNetwork | ProgramNetwork | GraphNetwork;

/** Limbs of a program's register file: the inputs, then every instruction's result. */
export function registerLimbs(net: ProgramNetwork): number {
  return net.instructions.reduce((s, i) => s + i.width, net.dim);
}

/** Fewest u32 limbs holding v in two's complement (0 takes none: no bias). */
export function limbsOf(v: bigint): number {
  let limbs = 0;
  while (BigInt.asIntN(32 * limbs, v) !== v) limbs++;
  return limbs;
}

/** ⌊log₂(2m + 1)⌋: the depth of the deepest leaf of a full heap with m internal nodes. */
export function searchDepth(m: number): number {
  return 31 - Math.clz32(2 * m + 1);
}
