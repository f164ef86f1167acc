// DESIGN §3.4, the Õ(√n)-neuron unconditional memorizer (after Vardi, Yehudai & Shamir), exact in
// integers, as a straight-line limb program (docs/UNCONDITIONAL.md):
//   1. key K = w·x + 1 − t_min ∈ [1, R] on the data (the direction of `search`);
//   2. sorted keys cut into G groups of s; U_g packs a group's keys (B bits each), V_g its
//      classes (c bits each); telescoping steps select the group of K: U = U_0 + Σ D_g·step_g;
//   3. U and V are taken apart bit by bit from the top, two ReLUs per bit;
//   4. the s keys and classes are rebuilt, and the one key equal to K gives its class.
// Every input runs every instruction. Weights hold up to s·B bits: built with BigInt.

import type { Dataset } from '../data/dataset.js';
import type { Domain, Quantization } from '../data/quantize.js';
import type { Instruction, ProgramNetwork } from '../network.js';
import { drawDistinctKeys, type SearchOptions } from './search.js';

/** What the operation count of a `sqrt` program depends on (docs/UNCONDITIONAL.md). */
export interface SqrtShape {
  d: number;
  /** Weights of the direction other than ±1. */
  projectionMuls: number;
  /** t_min ≠ 1: the key's shift is a non-zero bias. */
  shifted: boolean;
  groups: number;
  groupSize: number;
  keyBits: number;
  classBits: number;
  classes: number;
  /** Group differences D_g (keys) and E_g (classes), g ≥ 1: how many are not ±1, how many E_g ≠ 0. */
  keyDeltaMuls: number;
  classDeltaTerms: number;
  classDeltaMuls: number;
  /** V_0 ≠ 0: the class selector has a bias. */
  classBias: boolean;
}

const bitLength = (v: bigint) => (v <= 0n ? 0 : v.toString(2).length);
/** Limbs for values in [−2^bits, 2^bits). */
const limbsFor = (bits: number) => Math.ceil((bits + 1) / 32);

export function buildSqrt(
  ds: Dataset, xq: Int32Array, quant: Quantization, domain: Domain, opts: SearchOptions = {},
): { network: ProgramNetwork; shape: SqrtShape } {
  const n = ds.n;
  const d = ds.dim;
  const C = ds.classes.length;
  const { w, sorted, sortedLabel } = drawDistinctKeys(ds, xq, domain, 'sqrt', opts);
  const tMin = BigInt(sorted[0]);
  const keys = Array.from(sorted, (t) => BigInt(t) - tMin + 1n);
  const B = bitLength(keys[n - 1]);
  const c = Math.max(1, bitLength(BigInt(C - 1)));
  const s = Math.max(1, Math.round(Math.sqrt(n / (B + c))));
  const G = Math.ceil(n / s);
  const U: bigint[] = [];
  const V: bigint[] = [];
  for (let g = 0; g < G; g++) {
    let u = 0n;
    let v = 0n;
    for (let j = 0; j < s && g * s + j < n; j++) {
      u |= keys[g * s + j] << BigInt(B * j); // a short last group is padded with key 0
      v |= BigInt(sortedLabel[g * s + j]) << BigInt(c * j);
    }
    U.push(u);
    V.push(v);
  }

  const instructions: Instruction[] = [];
  let end = d; // limbs of the register file so far
  type Reg = { at: number; limbs: number };
  const emit = (width: number, relu: boolean, bias: bigint, terms: [Reg, bigint][]): Reg => {
    instructions.push({ width, relu, bias, terms: terms.map(([r, weight]) => ({ source: r.at, sourceLimbs: r.limbs, weight })) });
    const reg = { at: end, limbs: width };
    end += width;
    return reg;
  };
  const input = (j: number): Reg => ({ at: j, limbs: 1 });

  // 1. The key, exact in i64: |w·x| ≤ 2^53 − 1 over the domain (chooseK), and so is t_min.
  const K = emit(2, false, 1n - tMin, Array.from(w, (wj, j): [Reg, bigint] => [input(j), BigInt(wj)]));

  // 2. Steps at the first key a_g of each group g ≥ 1: σ(K − a_g + 1) − σ(K − a_g) = 1[K ≥ a_g]
  //    on every integer K, so the selected U, V are always some U_g, V_g.
  const steps: Reg[] = [];
  for (let g = 1; g < G; g++) {
    const a = keys[g * s];
    const hi = emit(2, true, 1n - a, [[K, 1n]]);
    const lo = emit(2, true, -a, [[K, 1n]]);
    steps.push(emit(1, false, 0n, [[hi, 1n], [lo, -1n]]));
  }
  // A constant is K − K + bias: an instruction has at least one term.
  const select = (bits: number, base: bigint, packed: bigint[]): Reg => {
    const terms: [Reg, bigint][] = [];
    for (let g = 1; g < G; g++) if (packed[g] !== packed[g - 1]) terms.push([steps[g - 1], packed[g] - packed[g - 1]]);
    return emit(limbsFor(bits), false, base, terms.length > 0 ? terms : [[K, 1n], [K, -1n]]);
  };
  const u = select(s * B, U[0], U);
  const v = select(s * c, V[0], V);

  // 3. Bits from the top: with x < 2^(p+1), bit_p = σ(x − 2^p + 1) − σ(x − 2^p), then
  //    x − 2^p·bit_p < 2^p. Registers narrow as the bits go.
  const bitsOf = (x: Reg, bits: number): Reg[] => {
    const out: Reg[] = new Array(bits);
    let rest = x;
    for (let p = bits - 1; p >= 0; p--) {
      const pow = 1n << BigInt(p);
      const width = limbsFor(p + 1);
      const hi = emit(width, true, 1n - pow, [[rest, 1n]]);
      const lo = emit(width, true, -pow, [[rest, 1n]]);
      out[p] = emit(1, false, 0n, [[hi, 1n], [lo, -1n]]);
      if (p > 0) rest = emit(limbsFor(p), false, 0n, [[rest, 1n], [out[p], -pow]]);
    }
    return out;
  };
  const uBits = bitsOf(u, s * B);
  const vBits = bitsOf(v, s * c);
  const join = (bits: Reg[], from: number, count: number): Reg =>
    emit(limbsFor(count), false, 0n, Array.from({ length: count }, (_, b): [Reg, bigint] => [bits[from + b], 1n << BigInt(b)]));

  // 4. Match: e_j = σ(K − k_j + 1) − 2σ(K − k_j) + σ(K − k_j − 1) = 1[K = k_j];
  //    out_j = σ(class_j + C·e_j − C) is class_j where K = k_j and 0 elsewhere.
  const outs: Reg[] = [];
  for (let j = 0; j < s; j++) {
    const key = join(uBits, j * B, B);
    const label = join(vBits, j * c, c);
    const m1 = emit(2, true, 1n, [[K, 1n], [key, -1n]]);
    const m2 = emit(2, true, 0n, [[K, 1n], [key, -1n]]);
    const m3 = emit(2, true, -1n, [[K, 1n], [key, -1n]]);
    const e = emit(1, false, 0n, [[m1, 1n], [m2, -2n], [m3, 1n]]);
    outs.push(emit(1, true, BigInt(-C), [[label, 1n], [e, BigInt(C)]]));
  }
  emit(1, false, 0n, outs.map((r): [Reg, bigint] => [r, 1n]));

  const unit = (x: bigint) => x === 1n || x === -1n;
  let keyDeltaMuls = 0;
  let classDeltaTerms = 0;
  let classDeltaMuls = 0;
  for (let g = 1; g < G; g++) {
    if (!unit(U[g] - U[g - 1])) keyDeltaMuls++;
    const e = V[g] - V[g - 1];
    if (e !== 0n) classDeltaTerms++;
    if (e !== 0n && !unit(e)) classDeltaMuls++;
  }
  return {
    network: {
      kind: 'program', dim: d, classes: ds.classes, quant, domain, instructions,
      construction: 'sqrt', maxDepth: 0, pairs: n,
    },
    shape: {
      d, projectionMuls: Array.from(w).filter((x) => x !== 1 && x !== -1).length, shifted: tMin !== 1n,
      groups: G, groupSize: s, keyBits: B, classBits: c, classes: C,
      keyDeltaMuls, classDeltaTerms, classDeltaMuls, classBias: V[0] !== 0n,
    },
  };
}

/** The closed-form operation count of one input (every input alike), docs/UNCONDITIONAL.md. */
export function sqrtCounts(p: SqrtShape): { mul: number; add: number; cmp: number } {
  const { d, groups: G, groupSize: s, keyBits: B, classBits: c } = p;
  // a selector of packed values: its non-zero differences as terms and a bias, or K − K + bias
  const selector = (terms: number, muls: number, bias: boolean) =>
    terms > 0 ? { mul: muls, add: terms - 1 + (bias ? 1 : 0) } : { mul: 0, add: 1 + (bias ? 1 : 0) };
  // `bits` bits: per bit two ReLUs (biases 1 − 2^p and −2^p; the first is 0 at p = 0), their
  // difference, and (p ≥ 1) the remainder x − 2^p·bit: 1 mul
  const bits = (k: number) => ({ mul: k - 1, add: 4 * (k - 1) + 2, cmp: 2 * k });
  const u = selector(G - 1, p.keyDeltaMuls, true); // U_0 holds key 1: never 0
  const v = selector(p.classDeltaTerms, p.classDeltaMuls, p.classBias);
  const ub = bits(s * B);
  const vb = bits(s * c);
  const mul = p.projectionMuls + u.mul + v.mul + ub.mul + vb.mul
    + s * (B - 1) + s * (c - 1) // rebuilding keys and classes: weights 2^b, b ≥ 1
    + s * (1 + (p.classes !== 1 ? 1 : 0)); // e_j's weight −2, out_j's weight C
  const add = (d - 1) + (p.shifted ? 1 : 0) + 3 * (G - 1) + u.add + v.add + ub.add + vb.add
    + s * (B - 1) + s * (c - 1) + 9 * s + (s - 1);
  const cmp = 2 * (G - 1) + ub.cmp + vb.cmp + 4 * s;
  return { mul, add, cmp };
}
