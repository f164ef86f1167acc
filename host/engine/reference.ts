// The host's reference evaluator: the engine's semantics and its counting rules (SPEC §2),
// written plainly in TypeScript. Tests hold it equal to the engine's counting build, output
// for output and count for count.

import { ErrorCode, I64_WORDS } from '../../assembly/format.js';
import { leafWidth, treeFieldBytes } from '../format/writer.js';
import type { Network, SearchNetwork, TreeNetwork } from '../network.js';

export interface OpCounts {
  mul: number;
  add: number;
  cmp: number;
  /** Each counted operation weighted by the 32-bit words of its widest operand. */
  wordOps: number;
  /** Bytes of the blob read by the network (range checks excluded). */
  loads: number;
}

export interface Evaluation {
  /** Class index, or −ErrorCode. */
  output: number;
  counts: OpCounts;
  /** With −InputOutOfDomain: the first coordinate read outside the domain. */
  coordinate?: number;
}

export function zeroCounts(): OpCounts {
  return { mul: 0, add: 0, cmp: 0, wordOps: 0, loads: 0 };
}

/** Evaluate the input at x[offset … offset + dim). */
export function referenceEvaluate(net: Network, x: Int32Array, offset = 0): Evaluation {
  return net.kind === 'search' ? evaluateSearch(net, x, offset) : evaluateTree(net, x, offset);
}

function evaluateSearch(net: SearchNetwork, x: Int32Array, offset: number): Evaluation {
  const c = zeroCounts();
  const d = net.dim;
  let t = 0;
  for (let j = 0; j < d; j++) {
    const xj = x[offset + j];
    if (xj < net.domain.lo[j] || xj > net.domain.hi[j]) return { output: -ErrorCode.InputOutOfDomain, counts: c, coordinate: j };
    const w = net.projection[j];
    t += w * xj;
    c.loads += 4;
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
