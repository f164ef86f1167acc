// The host's reference evaluator: the engine's semantics and its counting rules (SPEC §2),
// written plainly in TypeScript. Tests hold it equal to the engine's counting build, output
// for output and count for count.

import { ErrorCode, GRAPH_NODE_BYTES, I64_WORDS, NeuronState } from '../../assembly/format.js';
import { leafWidth, projectionWidth, treeFieldBytes } from '../format/writer.js';
import {
  limbsOf, registerLimbs, type DenseLayer, type DenseNetwork, type GraphNetwork, type Network, type ProgramNetwork,
  type SearchNetwork, type TreeNetwork,
} from '../network.js';
import { instructionBytes } from '../format/writer.js';
import { zeroCounts, type OpCounts } from '../measure/counts.js';

export interface Evaluation {
  /** Class index, or −ErrorCode. */
  output: number;
  counts: OpCounts;
  /** With −InputOutOfDomain: the first coordinate read outside the domain. */
  coordinate?: number;
}

/** Evaluate the input at x[offset … offset + dim). */
export function referenceEvaluate(net: Network, x: Int32Array, offset = 0): Evaluation {
  if (net.kind === 'search') return evaluateSearch(net, x, offset);
  if (net.kind === 'tree') return evaluateTree(net, x, offset);
  if (net.kind === 'dense') return evaluateDense(net, x, offset);
  return net.kind === 'program' ? evaluateProgram(net, x, offset) : evaluateGraph(net, x, offset);
}

function evaluateSearch(net: SearchNetwork, x: Int32Array, offset: number): Evaluation {
  const c = zeroCounts();
  const d = net.dim;
  const pw = projectionWidth(net);
  let t = 0;
  for (let j = 0; j < d; j++) {
    const xj = x[offset + j];
    if (xj < net.domain.lo[j] || xj > net.domain.hi[j]) return { output: -ErrorCode.InputOutOfDomain, counts: c, coordinate: j };
    const w = net.projection[j];
    t += w * xj;
    c.loads += pw;
    if (w !== 1 && w !== -1) {
      c.mul++;
      c.wordOps += I64_WORDS;
    }
  }
  c.add += d - 1;
  c.wordOps += (d - 1) * I64_WORDS;
  const m = net.separators.length;
  let i = 1;
  while (i <= m) {
    i = 2 * i + (t >= net.separators[i - 1] ? 1 : 0);
    c.cmp++;
    c.wordOps += I64_WORDS;
    c.loads += 8;
  }
  c.loads += leafWidth(net);
  return { output: net.leaves[i - m - 1], counts: c };
}

/** One i32 comparison per node (1 word); reads feature, threshold and the ref taken. */
function evaluateTree(net: TreeNetwork, x: Int32Array, offset: number): Evaluation {
  const c = zeroCounts();
  const m = net.feature.length;
  const w = treeFieldBytes(net);
  let r = 0;
  while (r < m) {
    const f = net.feature[r];
    const xf = x[offset + f];
    if (xf < net.domain.lo[f] || xf > net.domain.hi[f]) return { output: -ErrorCode.InputOutOfDomain, counts: zeroCounts(), coordinate: f };
    r = xf >= net.threshold[r] ? net.above[r] : net.below[r];
    c.cmp++;
    c.wordOps++;
    c.loads += 3 * w;
  }
  return { output: r - m, counts: c };
}

const i64 = (v: bigint) => BigInt.asIntN(64, v);

/** The input as i64 values, or the first coordinate outside the domain (every one is read). */
function inputValues(net: DenseNetwork | GraphNetwork, x: Int32Array, offset: number): bigint[] | number {
  const h: bigint[] = [];
  for (let j = 0; j < net.dim; j++) {
    const xj = x[offset + j];
    if (xj < net.domain.lo[j] || xj > net.domain.hi[j]) return j;
    h.push(BigInt(xj));
  }
  return h;
}

/** Σ w·h over n weights from `from`: a mul per weight other than 0 and ±1, k − 1 adds for
 *  the k non-zero ones, 4 bytes read per weight; i64 with wrap-around. */
function dot(c: OpCounts, w: Int32Array, from: number, n: number, h: bigint[]): bigint {
  let z = 0n;
  let k = 0;
  for (let j = 0; j < n; j++) {
    const wj = w[from + j];
    if (wj === 0) continue;
    z += BigInt(wj) * h[j];
    k++;
    if (wj !== 1 && wj !== -1) c.mul++;
  }
  if (k > 1) c.add += k - 1;
  c.loads += 4 * n;
  return i64(z);
}

function evaluateDense(net: DenseNetwork, x: Int32Array, offset: number): Evaluation {
  const h = inputValues(net, x, offset);
  if (typeof h === 'number') return { output: -ErrorCode.InputOutOfDomain, counts: zeroCounts(), coordinate: h };
  return runLayers(net.layers, net.output, net.classes.length, h, zeroCounts());
}

/** Every neuron of every layer in i64 with wrap-around (BigInt reduced mod 2^64, which is
 *  what the engine's wrapping i64 gives), except those a graph's mask (one NeuronState per
 *  neuron) skips or passes without their ReLU; each op counts 2 words. */
function runLayers(layers: DenseLayer[], mode: 'argmax' | 'scalar', classes: number, h: bigint[], c: OpCounts, mask?: Uint8Array): Evaluation {
  let k = 0;
  for (const l of layers) {
    let shared: bigint | undefined;
    const next: bigint[] = new Array(l.outputs);
    for (let o = 0; o < l.outputs; o++, k++) {
      const state = mask ? mask[k] : NeuronState.Compute;
      if (state === NeuronState.Inactive) {
        next[o] = 0n;
        continue;
      }
      if (l.sharedRow && shared === undefined) shared = dot(c, l.weights, 0, l.inputs, h);
      let z = shared ?? dot(c, l.weights, o * l.inputs, l.inputs, h);
      const b = l.biases[o];
      c.loads += 8;
      if (b !== 0n) {
        z = i64(z + b);
        c.add++;
      }
      if (l.relu && state === NeuronState.Compute) {
        if (z < 0n) z = 0n;
        c.cmp++;
      }
      next[o] = z;
    }
    h = next;
  }
  let output: number;
  if (mode === 'scalar') {
    const v = h[0];
    if (v < 0n || v >= BigInt(classes)) return { output: -ErrorCode.OutputOutOfRange, counts: zeroCounts() };
    output = Number(v);
  } else {
    output = 0;
    for (let k = 1; k < h.length; k++) {
      if (h[k] > h[output]) output = k;
      c.cmp++;
    }
  }
  c.wordOps = I64_WORDS * (c.mul + c.add + c.cmp);
  return { output, counts: c };
}

/** From the root: a branch computes its row into its register (or reuses it) and compares it
 *  with θ, until a class leaf or a net leaf; each node visited reads its whole entry. */
function evaluateGraph(net: GraphNetwork, x: Int32Array, offset: number): Evaluation {
  const h = inputValues(net, x, offset);
  if (typeof h === 'number') return { output: -ErrorCode.InputOutOfDomain, counts: zeroCounts(), coordinate: h };
  const c = zeroCounts();
  const regs = new Map<number, bigint>();
  const m = net.nodes.length;
  let r = 0;
  while (r < m) {
    const node = net.nodes[r];
    c.loads += GRAPH_NODE_BYTES;
    if (node.kind === 'net') {
      const mask = net.masks[node.row];
      c.loads += Math.ceil(mask.length / 4);
      const base = net.base!;
      return runLayers(base.layers, base.output, net.classes.length, h, c, mask);
    }
    if (!node.reuse) regs.set(node.row, dot(c, net.rows, node.row * net.dim, net.dim, h));
    r = (regs.get(node.row) ?? 0n) >= node.threshold ? node.above : node.below;
    c.cmp++;
  }
  c.wordOps = I64_WORDS * (c.mul + c.add + c.cmp);
  return { output: r - m, counts: c };
}

/** The limb program over a register file of u32 limbs, each instruction computed exactly in
 *  BigInt and reduced mod 2^(32·width), which is what the engine's limb arithmetic gives. */
function evaluateProgram(net: ProgramNetwork, x: Int32Array, offset: number): Evaluation {
  const c = zeroCounts();
  const regs = new Uint32Array(registerLimbs(net));
  for (let j = 0; j < net.dim; j++) {
    const xj = x[offset + j];
    if (xj < net.domain.lo[j] || xj > net.domain.hi[j]) return { output: -ErrorCode.InputOutOfDomain, counts: c, coordinate: j };
    regs[j] = xj >>> 0;
  }
  const read = (at: number, limbs: number): bigint => {
    let v = 0n;
    for (let k = limbs - 1; k >= 0; k--) v = (v << 32n) | BigInt(regs[at + k]);
    return BigInt.asIntN(32 * limbs, v);
  };
  let end = net.dim;
  for (const ins of net.instructions) {
    let z = ins.bias;
    let words = Math.max(ins.width, limbsOf(ins.bias));
    let muls = 0;
    for (const t of ins.terms) {
      z += read(t.source, t.sourceLimbs) * t.weight;
      words = Math.max(words, t.sourceLimbs, limbsOf(t.weight));
      if (t.weight !== 1n && t.weight !== -1n) muls++;
    }
    z = BigInt.asIntN(32 * ins.width, z);
    if (ins.relu && z < 0n) z = 0n;
    let u = BigInt.asUintN(32 * ins.width, z);
    for (let k = 0; k < ins.width; k++, u >>= 32n) regs[end + k] = Number(u & 0xffffffffn);
    const adds = ins.terms.length - 1 + (ins.bias !== 0n ? 1 : 0);
    c.mul += muls;
    c.add += adds;
    if (ins.relu) c.cmp++;
    c.wordOps += words * (muls + adds + (ins.relu ? 1 : 0));
    c.loads += instructionBytes(ins.bias, ins.terms.map((t) => t.weight));
    end += ins.width;
  }
  const last = net.instructions[net.instructions.length - 1];
  const v = read(end - last.width, last.width);
  if (v < 0n || v >= BigInt(net.classes.length)) return { output: -ErrorCode.OutputOutOfRange, counts: zeroCounts() };
  return { output: Number(v), counts: c };
}
