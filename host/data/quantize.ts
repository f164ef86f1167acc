// Fixed-point quantization (DESIGN §4): one global scale per dataset, x_int = round(x · 2^f)
// (round half away from zero) with f the first of 0, 1, 2, … at which distinct raw inputs
// stay distinct, or an integer scale the data type declares. Also the input domain: declared
// by the data type, or the observed range widened by DOMAIN_MARGIN of its span on each side.

import { QuantMode, MAX_FRAC_BITS } from '../../assembly/format.js';
import type { Dataset } from './dataset.js';
import { DataError, DatasetError } from './errors.js';
import { RowSet } from './rowset.js';

export interface Quantization {
  mode: QuantMode;
  /** f for FracBits, the scale for Scale. */
  param: number;
}

export interface Domain {
  lo: Int32Array;
  hi: Int32Array;
}

/** Observed ranges are widened by this fraction of their span (at least 1) on each side, so
 *  inputs a little outside the training data still evaluate (documented in docs/DECISIONS.md). */
export const DOMAIN_MARGIN = 0.5;

const I32_MAX = 0x7fffffff;

export function describeQuantization(q: Quantization): string {
  return q.mode === QuantMode.Scale ? `x·${q.param}` : `x·2^${q.param}`;
}

/** The scale with a shift applied before it (values past 2^31 divided by 2^shift first): x·2^(f−shift). */
export function describeScale(q: Quantization, shift = 0): string {
  if (!shift) return describeQuantization(q);
  return q.mode === QuantMode.Scale ? `x·2^-${shift}·${q.param}` : `x·2^${q.param - shift}`;
}

/** round(x · scale), half away from zero; NaN when the result leaves i32. */
export function quantizeValue(x: number, q: Quantization): number {
  const s = q.mode === QuantMode.Scale ? x * q.param : x * 2 ** q.param;
  const r = Math.sign(s) * Math.floor(Math.abs(s) + 0.5) + 0;
  return r >= -I32_MAX - 1 && r <= I32_MAX ? r : NaN;
}

/** The quantization for a dataset: its declared scale, `fracBits` if given, else the scan. */
export function chooseQuantization(ds: Dataset, fracBits?: number): Quantization {
  if (fracBits !== undefined) {
    if (!Number.isInteger(fracBits) || fracBits < 0 || fracBits > MAX_FRAC_BITS) {
      throw new DatasetError(`--frac-bits must be an integer in 0..${MAX_FRAC_BITS}, got ${fracBits}`);
    }
    return { mode: QuantMode.FracBits, param: fracBits };
  }
  if (ds.scale !== undefined) return { mode: QuantMode.Scale, param: ds.scale };
  let maxAbs = 0;
  let integral = true;
  for (const v of ds.x) {
    maxAbs = Math.max(maxAbs, Math.abs(v));
    if (!Number.isInteger(v)) integral = false;
  }
  // Integers within i32 stay distinct at f = 0: nothing to scan.
  if (integral && maxAbs <= I32_MAX) return { mode: QuantMode.FracBits, param: 0 };
  let f = 0;
  for (; f < MAX_FRAC_BITS && maxAbs * 2 ** (f + 1) <= I32_MAX; f++) {
    const r = quantizeChecked(ds, { mode: QuantMode.FracBits, param: f });
    if (r.unfit === undefined && r.collision === undefined) break;
  }
  return { mode: QuantMode.FracBits, param: f };
}

/** The values at scale q, or the index of the first that leaves i32. Two inputs may become
 *  equal: a trained network needs no distinct inputs (quantize() is for memorizing). */
export function quantizeValues(ds: Dataset, q: Quantization): Int32Array | number {
  const out = new Int32Array(ds.x.length);
  for (let i = 0; i < ds.x.length; i++) {
    const v = quantizeValue(ds.x[i], q);
    if (Number.isNaN(v)) return i;
    out[i] = v;
  }
  return out;
}

/** The values at scale q for a trained network's inputs: a value past i32 is refused with its
 *  place; two inputs that become equal are not (a network needs no distinct inputs). */
export function quantizeInputs(ds: Dataset, q: Quantization): Int32Array {
  const out = quantizeValues(ds, q);
  if (typeof out !== 'number') return out;
  throw new DataError(ds.name, ds.line[Math.floor(out / ds.dim)], (out % ds.dim) + 1,
    `value ${ds.x[out]} does not fit a 32-bit integer at scale ${describeQuantization(q)}`);
}

/** Quantize every distinct input; refuses values outside i32 and two inputs that collide. */
export function quantize(ds: Dataset, q: Quantization): Int32Array {
  const { out, unfit, collision } = quantizeChecked(ds, q);
  if (unfit !== undefined) {
    throw new DataError(ds.name, ds.line[Math.floor(unfit / ds.dim)], (unfit % ds.dim) + 1,
      `value ${ds.x[unfit]} does not fit a 32-bit integer at scale ${describeQuantization(q)}`);
  }
  if (collision !== undefined) {
    const [first, second] = collision;
    throw new DataError(ds.name, ds.line[second], 1,
      `this input and the one on line ${ds.line[first]} differ but quantize to the same integers at ` +
      `scale ${describeQuantization(q)}; give more fractional bits with --frac-bits`);
  }
  return out;
}

/** The quantized inputs, with the index of the first value that leaves i32 or else the first
 *  pair of distinct inputs that became equal (the scan and quantize() share this). */
function quantizeChecked(ds: Dataset, q: Quantization): { out: Int32Array; unfit?: number; collision?: [number, number] } {
  const out = new Int32Array(ds.x.length);
  for (let i = 0; i < ds.x.length; i++) {
    const v = quantizeValue(ds.x[i], q);
    if (Number.isNaN(v)) return { out, unfit: i };
    out[i] = v;
  }
  const set = new RowSet(out, ds.dim, ds.n);
  for (let i = 0; i < ds.n; i++) {
    const prev = set.add(i);
    if (prev >= 0) return { out, collision: [prev, i] };
  }
  return { out };
}

/** The declared domain, or the observed one widened by DOMAIN_MARGIN, clamped to i32. At a
 *  scale `q` other than the one the data type declares, a declared domain is rescaled to it
 *  (MNIST's 0…255 pixels are 0…1000 at ×1000). */
export function inputDomain(ds: Dataset, xq: Int32Array, q?: Quantization): Domain {
  const lo = new Int32Array(ds.dim);
  const hi = new Int32Array(ds.dim);
  if (ds.domain) {
    const declared = ds.scale ?? 1;
    const s = q === undefined ? declared : q.mode === QuantMode.Scale ? q.param : 2 ** q.param;
    lo.fill(Math.max(-I32_MAX - 1, Math.floor((ds.domain.lo / declared) * s)));
    hi.fill(Math.min(I32_MAX, Math.ceil((ds.domain.hi / declared) * s)));
    return { lo, hi };
  }
  for (let k = 0; k < ds.dim; k++) {
    let a = Infinity;
    let b = -Infinity;
    for (let i = k; i < xq.length; i += ds.dim) {
      if (xq[i] < a) a = xq[i];
      if (xq[i] > b) b = xq[i];
    }
    const margin = Math.max(1, Math.ceil((b - a) * DOMAIN_MARGIN));
    lo[k] = Math.max(-I32_MAX - 1, a - margin);
    hi[k] = Math.min(I32_MAX, b + margin);
  }
  return { lo, hi };
}
