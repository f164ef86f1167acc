// Golden networks small enough to check by hand. Their blobs (test/golden/*.cnb) and expected
// outputs and counts (*.json) are the contract another implementation can check itself
// against. Regenerate only deliberately: `node dist/test/golden/update.js --update`.

import { QuantMode } from '../../assembly/format.js';
import type { OpCounts } from '../../host/measure/counts.js';
import type { DenseNetwork, Network } from '../../host/network.js';

export interface GoldenCase {
  name: string;
  /** Why the expected values are what they are, in words a reviewer can follow. */
  explanation: string;
  network: Network;
  inputs: number[][];
  /** Expected class index (or −ErrorCode) per input, derived by hand. */
  outputs: number[];
  /** Expected counts per input, derived by hand from DESIGN §2. */
  counts: OpCounts[];
}

const frac0 = { mode: QuantMode.FracBits, param: 0 };

// four-points: w = (1, 3); points (0,0)→a, (1,0)→b, (0,1)→a, (2,1)→c have keys 0, 1, 3, 5.
// Separators k(2..4) = 1, 3, 5 in heap order: position 1 = 3, 2 = 1, 3 = 5. Leaves at heap
// positions 4..7 in order: rank 0 'a', rank 1 'b', rank 2 'a', rank 3 'c'.
// Per input: w = 3 costs 1 mul (w = 1 none), 2 weights → 1 add, every leaf at depth 2 → 2 cmp;
// wordOps = 2 words × 4 ops = 8; loads = 2×4 (weights) + 2×8 (separators) + 1 (u8 leaf) = 25.
const fourPoints: GoldenCase = {
  name: 'four-points',
  explanation: 'w=(1,3), keys 0,1,3,5; every input: 1 mul, 1 add, 2 cmp, 8 wordOps, 25 loads',
  network: {
    kind: 'search',
    dim: 2,
    classes: ['a', 'b', 'c'],
    quant: frac0,
    domain: { lo: Int32Array.of(0, 0), hi: Int32Array.of(3, 1) },
    projection: Int32Array.of(1, 3),
    projectionBytes: 4, // stored as i32 (the writer would take i16): the blob predates i16 weights
    separators: Float64Array.of(3, 1, 5),
    leaves: Uint32Array.of(0, 1, 0, 2),
    maxDepth: 2,
    pairs: 4,
  },
  inputs: [[0, 0], [1, 0], [0, 1], [2, 1], [3, 0], [3, 1], [4, 0], [0, 2]],
  // (3,0) has key 3 ≥ 3 and < 5 → rank 2 'a'; (3,1) key 6 ≥ 5 → 'c'; (4,0) leaves the domain
  // (hi = 3 on coordinate 0): −34 (InputOutOfDomain), no counts. (0,2) leaves it on coordinate
  // 1 (hi = 1), after the projection has read weight 0: a refused input still has no counts.
  outputs: [0, 1, 0, 2, 0, 2, -34, -34],
  counts: [
    ...Array.from({ length: 6 }, () => ({ mul: 1, add: 1, cmp: 2, wordOps: 8, loads: 25 })),
    { mul: 0, add: 0, cmp: 0, wordOps: 0, loads: 0 },
    { mul: 0, add: 0, cmp: 0, wordOps: 0, loads: 0 },
  ],
};

// five-on-a-line: d = 1, w = (−2), x = 0..4 → keys 0, −2, −4, −6, −8 with labels x mod 2.
// Sorted keys −8 −6 −4 −2 0 (x = 4 3 2 1 0, labels 0 1 0 1 0). m = 4; the heap of 9 positions
// has in-order 8 4 9 2 5 1 6 3 7. Internal positions in in-order (4 2 1 3) take the separators
// −6 −4 −2 0, so by position 1..4: −2 −4 0 −6. Leaf positions in in-order (8 9 5 6 7) take
// ranks 0..4 (labels 0 1 0 1 0), so by position 5..9: 0 1 0 0 1.
// Ranks 0, 1 sit at depth 3, ranks 2, 3, 4 at depth 2. Per input: 1 mul (w = −2), 0 add,
// cmp = depth; wordOps = 2·(1 + cmp); loads = 4 + 8·cmp + 1.
const fiveOnALine: GoldenCase = {
  name: 'five-on-a-line',
  explanation: 'w=(-2), x=0..4, labels x mod 2; x=3,4 take 3 cmp, x=0,1,2 take 2',
  network: {
    kind: 'search',
    dim: 1,
    classes: ['0', '1'],
    quant: frac0,
    domain: { lo: Int32Array.of(0), hi: Int32Array.of(4) },
    projection: Int32Array.of(-2),
    projectionBytes: 4, // stored as i32 (the writer would take i16): the blob predates i16 weights
    separators: Float64Array.of(-2, -4, 0, -6),
    leaves: Uint32Array.of(0, 1, 0, 0, 1),
    maxDepth: 3,
    pairs: 5,
  },
  inputs: [[0], [1], [2], [3], [4]],
  outputs: [0, 1, 0, 1, 0],
  counts: [
    { mul: 1, add: 0, cmp: 2, wordOps: 6, loads: 21 },
    { mul: 1, add: 0, cmp: 2, wordOps: 6, loads: 21 },
    { mul: 1, add: 0, cmp: 2, wordOps: 6, loads: 21 },
    { mul: 1, add: 0, cmp: 3, wordOps: 8, loads: 29 },
    { mul: 1, add: 0, cmp: 3, wordOps: 8, loads: 29 },
  ],
};

// two-by-two: d = 2, both coordinates in 0…9 (one shared Domain pair), three nodes in
// preorder, 8-byte nodes (u16 fields), refs ≥ m = 3 are leaves: 3 'no', 4 'yes'.
//   node 0: x0 ≥ 5 ? node 2 : node 1
//   node 1: x1 ≥ 3 ? 'yes' : 'no'
//   node 2: x1 ≥ 7 ? 'no' : 'yes'
// Every path has 2 tests: 2 cmp, 2 wordOps (i32 operands), loads 2 × 6 (feature, threshold
// and the ref taken, 2 bytes each). (0, 10) passes node 0, then node 1 reads x1 = 10 > 9:
// −34 (InputOutOfDomain), and an input that fails has no counts.
const twoByTwo: GoldenCase = {
  name: 'two-by-two',
  explanation: 'tree x0>=5 ? (x1>=7 ? no : yes) : (x1>=3 ? yes : no); every input 2 cmp, 2 wordOps, 12 loads',
  network: {
    kind: 'tree',
    dim: 2,
    classes: ['no', 'yes'],
    quant: frac0,
    domain: { lo: Int32Array.of(0, 0), hi: Int32Array.of(9, 9) },
    feature: Uint32Array.of(0, 1, 1),
    threshold: Int32Array.of(5, 3, 7),
    below: Uint32Array.of(1, 3, 4),
    above: Uint32Array.of(2, 4, 3),
    maxDepth: 2,
    pairs: 4,
  },
  inputs: [[0, 0], [0, 3], [5, 0], [9, 9], [4, 2], [10, 0], [0, 10]],
  outputs: [0, 1, 1, 0, 0, -34, -34],
  counts: [
    ...Array.from({ length: 5 }, () => ({ mul: 0, add: 0, cmp: 2, wordOps: 2, loads: 12 })),
    { mul: 0, add: 0, cmp: 0, wordOps: 0, loads: 0 },
    { mul: 0, add: 0, cmp: 0, wordOps: 0, loads: 0 },
  ],
};

// wide-threshold: d = 1 in −100000…100000; θ = 40000 does not fit an i16, so nodes take
// 16 bytes (u32 fields) and each test loads 3 × 4 = 12 bytes. One node: x0 ≥ 40000 ? 'big'
// (ref 2) : 'small' (ref 1).
const wideThreshold: GoldenCase = {
  name: 'wide-threshold',
  explanation: 'tree x0>=40000 ? big : small with 16-byte nodes; every input 1 cmp, 1 wordOp, 12 loads',
  network: {
    kind: 'tree',
    dim: 1,
    classes: ['small', 'big'],
    quant: frac0,
    domain: { lo: Int32Array.of(-100000), hi: Int32Array.of(100000) },
    feature: Uint32Array.of(0),
    threshold: Int32Array.of(40000),
    below: Uint32Array.of(1),
    above: Uint32Array.of(2),
    maxDepth: 1,
    pairs: 2,
  },
  inputs: [[39999], [40000], [-100000], [100000], [100001]],
  outputs: [0, 1, 0, 1, -34],
  counts: [
    ...Array.from({ length: 4 }, () => ({ mul: 0, add: 0, cmp: 1, wordOps: 1, loads: 12 })),
    { mul: 0, add: 0, cmp: 0, wordOps: 0, loads: 0 },
  ],
};

// tiny-mlp: d = 2 in 0…9, a dense ReLU layer W = [[1, −1], [0, 2]], b = [0, −3], then an
// identity layer of two outputs and an argmax (first largest wins). Per input:
//   layer 1, neuron 0: weights 1, −1 → 1 add; bias 0; ReLU 1 cmp
//            neuron 1: one non-zero weight 2 → 1 mul; bias −3 → 1 add; ReLU 1 cmp
//   layer 2: one weight 1 per neuron, biases 0 → nothing; argmax of 2 → 1 cmp
// mul 1, add 2, cmp 3, wordOps 2 × 6 = 12 (i64); loads 2 × (4 weights × 4 + 2 biases × 8) = 64.
// (3, 1): h = (2, 0) → class 0; (1, 3): h = (0, 3) → 1; (2, 2): h = (0, 1) → 1;
// (0, 0): h = (0, 0), a tie → 0; (10, 0) leaves the domain.
const tinyMlp: GoldenCase = {
  name: 'tiny-mlp',
  explanation: 'dense relu [[1,-1],[0,2]] b=[0,-3], identity, argmax; every input 1 mul, 2 add, 3 cmp, 12 wordOps, 64 loads',
  network: {
    kind: 'dense',
    dim: 2,
    classes: ['left', 'right'],
    quant: frac0,
    domain: { lo: Int32Array.of(0, 0), hi: Int32Array.of(9, 9) },
    layers: [
      { inputs: 2, outputs: 2, relu: true, sharedRow: false, weights: Int32Array.of(1, -1, 0, 2), biases: BigInt64Array.of(0n, -3n) },
      { inputs: 2, outputs: 2, relu: false, sharedRow: false, weights: Int32Array.of(1, 0, 0, 1), biases: BigInt64Array.of(0n, 0n) },
    ],
    output: 'argmax',
    maxDepth: 0,
    pairs: 4,
  },
  inputs: [[3, 1], [1, 3], [2, 2], [0, 0], [10, 0]],
  outputs: [0, 1, 1, 0, -34],
  counts: [
    ...Array.from({ length: 4 }, () => ({ mul: 1, add: 2, cmp: 3, wordOps: 12, loads: 64 })),
    { mul: 0, add: 0, cmp: 0, wordOps: 0, loads: 0 },
  ],
};

// interp-steps: DESIGN §3.3 by hand. d = 1, w = (1), x = 0, 1, 2, 3 with labels a, b, b, a, so
// keys = x and the label changes at keys 1 (Δ = +1) and 3 (Δ = −1). Hidden ReLUs
// σ(t − 1 + 1), σ(t − 1), σ(t − 3 + 1), σ(t − 3) (biases 0, −1, −2, −3), output weights
// 1, −1, −1, 1, bias y_(1) = 0: the value is the class.
// Per input: shared row of one weight 1 → nothing; 3 non-zero biases → 3 add; 4 ReLU → 4 cmp;
// output: 4 weights ±1 → 3 add. mul 0, add 6, cmp 4, wordOps 20; loads 4 + 4 × 8 + 4 × 4 + 8 = 60.
// x = 2: h = (2, 1, 0, 0) → 2 − 1 = 1 'b'; x = 3: h = (3, 2, 1, 0) → 3 − 2 − 1 = 0 'a'.
const interpSteps: GoldenCase = {
  name: 'interp-steps',
  explanation: 'interp of keys 0..3 labelled a,b,b,a: 4 ReLUs; every input 0 mul, 6 add, 4 cmp, 20 wordOps, 60 loads',
  network: {
    kind: 'dense',
    dim: 1,
    classes: ['a', 'b'],
    quant: frac0,
    domain: { lo: Int32Array.of(0), hi: Int32Array.of(3) },
    layers: [
      { inputs: 1, outputs: 4, relu: true, sharedRow: true, weights: Int32Array.of(1), biases: BigInt64Array.of(0n, -1n, -2n, -3n) },
      { inputs: 4, outputs: 1, relu: false, sharedRow: false, weights: Int32Array.of(1, -1, -1, 1), biases: BigInt64Array.of(0n) },
    ],
    output: 'scalar',
    maxDepth: 0,
    pairs: 4,
  },
  inputs: [[0], [1], [2], [3]],
  outputs: [0, 1, 1, 0],
  counts: Array.from({ length: 4 }, () => ({ mul: 0, add: 6, cmp: 4, wordOps: 20, loads: 60 })),
};

// tiny-graph: tiny-mlp made conditional by hand. Rows r0 = (1, −1), r1 = (0, 2): the two
// ReLU neurons of layer 1 with their biases folded into θ (z0 ≥ 0 ⇔ r0·x ≥ 0; z1 ≥ 0 ⇔
// r1·x ≥ 3). Nodes in preorder (m = 5, class c is ref 5 + c):
//   0: r0·x ≥ 0 ? 2 : 1          1: r1·x ≥ 3 ? right : left
//   2: r0 reused, ≥ 1 ? 4 : 3     3: r1·x ≥ 3 ? right : left
//   4: net leaf, mask (Active, Compute | Compute, Compute): neuron 0 is known positive there.
// Every node visited reads its 24 bytes; computing r0 or r1 reads 8; the mask 1 byte.
// (1, 3): r0: 1 add, 1 cmp; r1: 1 mul, 1 cmp → right. 4 ops, 8 wordOps, 64 loads.
// (2, 2), (0, 0): r0: 1 add, 1 cmp; reuse: 1 cmp; r1: 1 mul, 1 cmp → right, left.
//   5 ops, 10 wordOps, 88 loads.
// (3, 1): r0: 1 add, 1 cmp; reuse: 1 cmp; the net: neuron 0 (1, −1) → 1 add, no ReLU;
//   neuron 1 (0, 2), b −3 → 1 mul, 1 add, 1 cmp; layer 2: one weight 1 each → nothing;
//   argmax 1 cmp. h = (2, 0) → left. mul 1, add 3, cmp 4: 16 wordOps; loads 24 + 8 + 24 +
//   24 + 1 + 4 neurons × (8 weights + 8 bias) = 145.
// (10, 0) leaves the domain.
const tinyGraph: GoldenCase = {
  name: 'tiny-graph',
  explanation: 'tiny-mlp as a conditional graph: two rows, a reused register, a net leaf; 4, 5 or 8 ops',
  network: {
    kind: 'graph',
    dim: 2,
    classes: ['left', 'right'],
    quant: frac0,
    domain: { lo: Int32Array.of(0, 0), hi: Int32Array.of(9, 9) },
    rows: Int32Array.of(1, -1, 0, 2),
    rowCount: 2,
    nodes: [
      { kind: 'branch', row: 0, reuse: false, below: 1, above: 2, threshold: 0n },
      { kind: 'branch', row: 1, reuse: false, below: 5, above: 6, threshold: 3n },
      { kind: 'branch', row: 0, reuse: true, below: 3, above: 4, threshold: 1n },
      { kind: 'branch', row: 1, reuse: false, below: 5, above: 6, threshold: 3n },
      { kind: 'net', row: 0, reuse: false, below: 0, above: 0, threshold: 0n },
    ],
    base: { layers: (tinyMlp.network as DenseNetwork).layers, output: 'argmax' },
    masks: [Uint8Array.of(2, 0, 0, 0)],
    maxDepth: 3,
    pairs: 4,
  },
  inputs: [[1, 3], [2, 2], [0, 0], [3, 1], [10, 0]],
  outputs: [1, 1, 0, 0, -34],
  counts: [
    { mul: 1, add: 1, cmp: 2, wordOps: 8, loads: 64 },
    { mul: 1, add: 1, cmp: 3, wordOps: 10, loads: 88 },
    { mul: 1, add: 1, cmp: 3, wordOps: 10, loads: 88 },
    { mul: 1, add: 3, cmp: 4, wordOps: 16, loads: 145 },
    { mul: 0, add: 0, cmp: 0, wordOps: 0, loads: 0 },
  ],
};

// lone-leaf: a tree of no nodes whose one class is not class 0 (a slice of a table whose
// rows all carry its second label): the header's root class, 1, is the answer to every input
// in the domain, with no test, so no counts at all. (5, 0) leaves the domain, but a tree reads
// no coordinate it does not test: it answers too.
const loneLeaf: GoldenCase = {
  name: 'lone-leaf',
  explanation: 'tree of no nodes with root class 1: every input answers "second" with 0 ops and 0 loads',
  network: {
    kind: 'tree',
    dim: 2,
    classes: ['first', 'second'],
    quant: frac0,
    domain: { lo: Int32Array.of(0, 0), hi: Int32Array.of(3, 3) },
    feature: new Uint32Array(0),
    threshold: new Int32Array(0),
    below: new Uint32Array(0),
    above: new Uint32Array(0),
    maxDepth: 0,
    pairs: 2,
    rootClass: 1,
  },
  inputs: [[0, 0], [3, 3], [5, 0]],
  outputs: [1, 1, 1],
  counts: Array.from({ length: 3 }, () => ({ mul: 0, add: 0, cmp: 0, wordOps: 0, loads: 0 })),
};

export const GOLDEN_CASES: GoldenCase[] = [fourPoints, fiveOnALine, twoByTwo, wideThreshold, tinyMlp, interpSteps, tinyGraph, loneLeaf];
