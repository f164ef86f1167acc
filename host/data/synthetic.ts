// `synthetic:n=…,d=…,labels=…,seed=…`: integer coordinates uniform in [0, 2^16) from the
// seeded Prng, labels uniform over `labels` classes or `labels=distinct` (class = index).
// Points are distinct by construction: a row equal to an earlier one is re-drawn.

import { Prng } from './prng.js';
import { RowSet } from './rowset.js';
import { checkMemoryBudget, type Dataset } from './dataset.js';
import { DatasetError } from './errors.js';

export const SYNTHETIC_COORD_BITS = 16;

export interface SyntheticSpec {
  n: number;
  d: number;
  /** number of classes, or 'distinct' */
  labels: number | 'distinct';
  seed: number;
}

export function syntheticName(s: SyntheticSpec): string {
  return `synthetic:n=${s.n},d=${s.d},labels=${s.labels},seed=${s.seed}`;
}

export function generateSynthetic(s: SyntheticSpec): Dataset {
  const { n, d } = s;
  if (!Number.isInteger(n) || n < 1 || n > 1 << 26) throw new DatasetError(`synthetic: n must be in 1..${1 << 26}, got ${n}`);
  if (!Number.isInteger(d) || d < 1 || d > 4096) throw new DatasetError(`synthetic: d must be in 1..4096, got ${d}`);
  if (s.labels !== 'distinct' && (!Number.isInteger(s.labels) || s.labels < 1)) {
    throw new DatasetError(`synthetic: labels must be a positive integer or "distinct", got ${s.labels}`);
  }
  if (d * SYNTHETIC_COORD_BITS < Math.log2(n) + 1) throw new DatasetError(`synthetic: ${n} distinct points do not fit d=${d}`);
  checkMemoryBudget(syntheticName(s), n, d);
  const rng = new Prng(s.seed);
  const xi = new Int32Array(n * d);
  const set = new RowSet(xi, d, n);
  for (let i = 0; i < n; i++) {
    do {
      for (let k = 0; k < d; k++) xi[i * d + k] = rng.u32() >>> (32 - SYNTHETIC_COORD_BITS);
    } while (set.add(i) >= 0);
  }
  const y = new Uint32Array(n);
  let classes: string[];
  if (s.labels === 'distinct') {
    for (let i = 0; i < n; i++) y[i] = i;
    classes = Array.from({ length: n }, (_, i) => String(i));
  } else {
    // Classes are numbered by first appearance, like every other source; texts are the drawn values.
    const index = new Map<number, number>();
    classes = [];
    for (let i = 0; i < n; i++) {
      const v = rng.below(s.labels);
      let c = index.get(v);
      if (c === undefined) {
        c = classes.length;
        index.set(v, c);
        classes.push(String(v));
      }
      y[i] = c;
    }
  }
  return {
    name: syntheticName(s),
    dim: d,
    rows: n,
    duplicates: 0,
    n,
    x: Float64Array.from(xi),
    y,
    classes,
    line: Uint32Array.from({ length: n }, (_, i) => i + 1),
    domain: { lo: 0, hi: (1 << SYNTHETIC_COORD_BITS) - 1 },
  };
}
