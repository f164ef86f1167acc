// What the reference evaluator (host/engine/reference.ts) returns for one input, and the
// arithmetic the kinds' evaluators share: the engine's i64 with wrap-around, and its dot product
// with the counting rules of DESIGN §2.

import type { OpCounts } from '../measure/counts.js';

export interface Evaluation {
  /** Class index, or −ErrorCode. */
  output: number;
  counts: OpCounts;
  /** With −InputOutOfDomain: the first coordinate read outside the domain. */
  coordinate?: number;
}

/** The engine's i64: BigInt reduced mod 2^64, which is what wrapping i64 arithmetic gives. */
export const i64 = (v: bigint) => BigInt.asIntN(64, v);

/** Σ w·h over n weights from `from`: a mul per weight other than 0 and ±1, k − 1 adds for
 *  the k non-zero ones, 4 bytes read per weight; i64 with wrap-around. */
export function dot(c: OpCounts, w: Int32Array, from: number, n: number, h: bigint[]): bigint {
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

/** The input as i64 values (the domain was checked first). */
export function inputValues(dim: number, x: Int32Array, offset: number): bigint[] {
  const h: bigint[] = new Array(dim);
  for (let j = 0; j < dim; j++) h[j] = BigInt(x[offset + j]);
  return h;
}
