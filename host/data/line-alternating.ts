// `line-alternating:n=…`: d = 1, x_i = i, y_i = i mod 2 — the dataset of DESIGN §2's lower
// bound: every network needs at least ⌈log₂(n/2)⌉ comparisons on some input of it.

import { checkMemoryBudget, type Dataset } from './dataset.js';
import { DatasetError } from './errors.js';

export function lineAlternating(n: number): Dataset {
  if (!Number.isInteger(n) || n < 1 || n > 1 << 26) throw new DatasetError(`line-alternating: n must be in 1..${1 << 26}, got ${n}`);
  checkMemoryBudget(`line-alternating:n=${n}`, n, 1);
  const y = new Uint32Array(n);
  for (let i = 0; i < n; i++) y[i] = i % 2;
  return {
    name: `line-alternating:n=${n}`,
    dim: 1,
    rows: n,
    duplicates: 0,
    n,
    x: Float64Array.from({ length: n }, (_, i) => i),
    y,
    classes: n > 1 ? ['0', '1'] : ['0'],
    line: Uint32Array.from({ length: n }, (_, i) => i + 1),
    domain: { lo: 0, hi: n - 1 },
    lineAlternating: true,
  };
}

/** The line-alternating bound ⌈log₂(n/2)⌉ (0 for n ≤ 2). Proven for that dataset only. */
export function lineAlternatingBound(n: number): number {
  return n <= 2 ? 0 : Math.ceil(Math.log2(n / 2));
}
