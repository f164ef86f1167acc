// The host's reference evaluator: the engine's semantics and its counting rules (DESIGN §2),
// written plainly in TypeScript, one evaluator per kind in host/kinds/. Tests hold it equal to
// the engine's counting build, output for output and count for count.

import { ErrorCode } from '../../assembly/format.js';
import { kindOf, readsEveryCoordinate } from '../kinds/index.js';
import { zeroCounts } from '../measure/counts.js';
import type { Network } from '../network.js';
import type { Evaluation } from './evaluation.js';

export type { Evaluation } from './evaluation.js';
export { zeroCounts, type OpCounts } from '../measure/counts.js';

/** Evaluate the input at x[offset … offset + dim). */
export function referenceEvaluate(net: Network, x: Int32Array, offset = 0): Evaluation {
  const kind = kindOf(net);
  // A kind that reads every coordinate checks them all before it runs, in order, as the
  // engine does; a tree checks only the coordinates its path reads.
  if (readsEveryCoordinate(kind.nodeKind)) {
    for (let j = 0; j < net.dim; j++) {
      const xj = x[offset + j];
      if (xj < net.domain.lo[j] || xj > net.domain.hi[j]) return { output: -ErrorCode.InputOutOfDomain, counts: zeroCounts(), coordinate: j };
    }
  }
  const e = kind.evaluate(net, x, offset);
  // An input that is refused has no counts (DESIGN §2), whatever it ran before the refusal.
  return e.output < 0 ? { ...e, counts: zeroCounts() } : e;
}
