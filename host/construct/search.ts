// DESIGN §3.1, the paper's log-time construction: project every quantized input on one random
// integer direction w (keys t = w·x, i64, kept within ±(2^53 − 1) over the declared domain),
// sort the n distinct keys, and store the n − 1 separators k_(2) … k_(n) in Eytzinger (heap)
// order with the labels at the implicit leaves. A test `t ≥ k` per level: ⌈log₂ n⌉ at most.

import { MAX_KEY_MAGNITUDE } from '../../assembly/format.js';
import type { Dataset } from '../data/dataset.js';
import { DatasetError } from '../data/errors.js';
import { Prng } from '../data/prng.js';
import type { Domain, Quantization } from '../data/quantize.js';
import { searchDepth, type SearchNetwork } from '../network.js';

export interface SearchOptions {
  /** Seeds the direction's PRNG (default 1). */
  seed?: number;
  /** Directions drawn before giving up on collision-free keys (default MAX_REDRAWS). */
  maxRedraws?: number;
}

export const MAX_REDRAWS = 16;
/** Bits of key spread beyond 2·log₂ n: a pair of keys collides with probability ≈ 2^−8 / n². */
export const SPREAD_MARGIN_BITS = 8;
/** Draws tried first with K ≤ NARROW_K: weights within ±2^14 fit the 2-byte projection
 *  (FORMAT.md). On MNIST-10k 11 of 24 such draws measured were collision-free, so 12 fail
 *  together with probability about 0.1%, and the wide draws follow. */
export const NARROW_DRAWS = 12;
export const NARROW_K = 14;

/** Bits of key spread a draw with entries up to 2^k gives: k, the widest input span and ½·log₂ d
 *  for the sum over d coordinates. */
function spreadBits(k: number, domain: Domain): number {
  let span = 1;
  for (let j = 0; j < domain.lo.length; j++) span = Math.max(span, domain.hi[j] - domain.lo[j] + 1);
  return k + Math.log2(span) + 0.5 * Math.log2(domain.lo.length);
}
/** Largest |w_j| is 2^K with K ≤ MAX_K (i32 weights). */
export const MAX_K = 30;

/** Entries of w are drawn from [−2^K, 2^K] \ {0}. K gives the keys about 2·log₂ n +
 *  SPREAD_MARGIN_BITS bits of spread (the inputs supply their own width), capped so every key
 *  over the domain stays within ±(2^53 − 1). */
export function chooseK(n: number, domain: Domain): number {
  let span = 1;
  let maxAbs = 0;
  for (let j = 0; j < domain.lo.length; j++) {
    span = Math.max(span, domain.hi[j] - domain.lo[j] + 1);
    maxAbs += Math.max(Math.abs(domain.lo[j]), Math.abs(domain.hi[j]));
  }
  const want = Math.ceil(2 * Math.log2(Math.max(n, 2))) + SPREAD_MARGIN_BITS - Math.floor(Math.log2(span));
  let k = Math.min(MAX_K, Math.max(1, want));
  while (k > 0 && maxAbs * 2 ** k > MAX_KEY_MAGNITUDE) k--;
  if (maxAbs * 2 ** k > MAX_KEY_MAGNITUDE) {
    throw new DatasetError(`inputs too wide for exact keys: Σ max|x_j| = ${maxAbs} exceeds 2^53 even with weights ±1`);
  }
  return k;
}

export function drawDirection(rng: Prng, d: number, k: number): Int32Array {
  const w = new Int32Array(d);
  const half = 2 ** k;
  for (let j = 0; j < d; j++) {
    const u = rng.below(2 * half) + 1; // 1 … 2^(K+1)
    w[j] = u <= half ? u - half - 1 : u - half; // −2^K … −1, 1 … 2^K
  }
  return w;
}

/** t_i = w·x_i, exact: every partial sum stays within the domain bound < 2^53. */
export function projectAll(xq: Int32Array, d: number, w: Int32Array): Float64Array {
  const n = xq.length / d;
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0, b = i * d; j < d; j++) s += w[j] * xq[b + j];
    t[i] = s;
  }
  return t;
}

/** A direction whose n keys are distinct: the keys sorted, and the class of each rank. */
export interface DistinctKeys {
  w: Int32Array;
  sorted: Float64Array;
  sortedLabel: Uint32Array;
}

/** Draw directions (seeded) until the n keys are distinct, at most `maxRedraws` times. Shared
 *  by every construction that works along the projection (`search`, `interp`). */
export function drawDistinctKeys(
  ds: Dataset, xq: Int32Array, domain: Domain, construction: string, opts: SearchOptions = {},
): DistinctKeys {
  const n = ds.n;
  const rng = new Prng(opts.seed ?? 1);
  const want = chooseK(n, domain);
  const narrow = Math.min(want, NARROW_K);
  // Narrow draws keep every weight within an i16, so the stored projection and the bytes each
  // input reads are halved. They are tried first when their keys could be distinct (about
  // 2·log₂ n bits of spread, from K, the inputs' width and √d), checked for collisions like
  // any draw, and then K goes back to the spread rule.
  const narrowDraws = want <= NARROW_K ? 0 : spreadBits(narrow, domain) >= 2 * Math.log2(Math.max(n, 2)) ? NARROW_DRAWS : 0;
  const redraws = narrowDraws + (opts.maxRedraws ?? MAX_REDRAWS);
  for (let attempt = 0; attempt < redraws; attempt++) {
    const k = attempt < narrowDraws ? narrow : want;
    const w = drawDirection(rng, ds.dim, k);
    const keys = projectAll(xq, ds.dim, w);
    const sorted = keys.slice().sort();
    let collides = false;
    for (let i = 1; i < n && !collides; i++) collides = sorted[i] === sorted[i - 1];
    if (collides) continue;
    const sortedLabel = new Uint32Array(n);
    for (let i = 0; i < n; i++) sortedLabel[lowerBound(sorted, keys[i])] = ds.y[i];
    return { w, sorted, sortedLabel };
  }
  throw new DatasetError(
    `${construction}: keys collided for all ${redraws} directions drawn (K = ${want}${narrowDraws ? `, first ${narrowDraws} with K = ${narrow}` : ''}); try another --seed`);
}

export function buildSearch(
  ds: Dataset, xq: Int32Array, quant: Quantization, domain: Domain, opts: SearchOptions = {},
): SearchNetwork {
  const { w, sorted, sortedLabel } = drawDistinctKeys(ds, xq, domain, 'search', opts);
  const { separators, leaves } = eytzinger(sorted, sortedLabel);
  return {
    kind: 'search',
    dim: ds.dim,
    classes: ds.classes,
    quant,
    domain,
    projection: w,
    separators,
    leaves,
    maxDepth: searchDepth(ds.n - 1),
    pairs: ds.n,
  };
}

function lowerBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Visit the full heap of 2m + 1 positions in order: leaf, separator, leaf, …, leaf.
 *  Positions 1…m are separators, m + 1…2m + 1 leaves (the Eytzinger layout). */
export function walkInOrder(m: number, leaf: (pos: number) => void, separator: (pos: number) => void): void {
  const visit = (p: number): void => {
    if (p > m) {
      leaf(p);
      return;
    }
    visit(2 * p);
    separator(p);
    visit(2 * p + 1);
  };
  visit(1);
}

/** The j-th separator met in order is k_(j+1); the j-th leaf gets the label of rank j. */
export function eytzinger(sorted: Float64Array, sortedLabel: Uint32Array): { separators: Float64Array; leaves: Uint32Array } {
  const m = sorted.length - 1;
  const separators = new Float64Array(m);
  const leaves = new Uint32Array(m + 1);
  let leafRank = 0;
  let sepRank = 1;
  walkInOrder(m, (p) => { leaves[p - m - 1] = sortedLabel[leafRank++]; }, (p) => { separators[p - 1] = sorted[sepRank++]; });
  return { separators, leaves };
}
