// DESIGN §2's counts, declared once: one input's record (and the text the WASI module and the
// MCU firmware print for it), the per-input columns the counting engine fills
// (host/measure/measure.ts countInputs, countDataset), and the summaries that measure, report,
// sweep and the energy estimate all print, so that they cannot drift apart. Nothing here runs
// the engine or reads a file: the reference evaluator imports it too.

import type { EnergySplit } from './energy.js';
import { stats, type Stats } from './stats.js';

/** One input's counts. */
export interface OpCounts {
  mul: number;
  add: number;
  cmp: number;
  /** Each counted operation weighted by the 32-bit words of its widest operand. */
  wordOps: number;
  /** Bytes of the blob read by the network (range checks excluded). */
  loads: number;
}

export function zeroCounts(): OpCounts {
  return { mul: 0, add: 0, cmp: 0, wordOps: 0, loads: 0 };
}

/** One input's counts as the WASI counting module (assembly/wasi.ts) and the MCU firmware print
 *  them, "mul add cmp wordOps loads": the host compares its engine's counts with theirs as text. */
export function countsText(c: OpCounts): string {
  return `${c.mul} ${c.add} ${c.cmp} ${c.wordOps} ${c.loads}`;
}

/** Per-input outputs and counts, one column per field (input i at index i): columns, not
 *  records, so 10^6 inputs cost seven typed arrays rather than 10^6 objects. */
export interface CountColumns {
  /** Class index, or −ErrorCode. */
  out: Int32Array;
  mul: Float64Array;
  add: Float64Array;
  cmp: Float64Array;
  /** mul + add + cmp. */
  total: Float64Array;
  wordOps: Float64Array;
  loads: Float64Array;
}

/** Columns for k inputs, zeroed. */
export function countColumns(k: number): CountColumns {
  return {
    out: new Int32Array(k), mul: new Float64Array(k), add: new Float64Array(k), cmp: new Float64Array(k),
    total: new Float64Array(k), wordOps: new Float64Array(k), loads: new Float64Array(k),
  };
}

/** The count columns alone, as any array: what the energy estimate reads. */
export type OpCountColumns = { readonly [K in keyof OpCounts]: ArrayLike<number> };

export interface OpsStats {
  mul: Stats;
  add: Stats;
  cmp: Stats;
  total: Stats;
}

/** Min / mean / max of mul, add, cmp and their total over the inputs. */
export function opsStats(cols: Pick<CountColumns, 'mul' | 'add' | 'cmp' | 'total'>): OpsStats {
  return { mul: stats(cols.mul), add: stats(cols.add), cmp: stats(cols.cmp), total: stats(cols.total) };
}

export interface ClassSummary<K extends string> {
  label: string;
  /** Class index, the order of first appearance in the data. */
  index: number;
  /** Inputs of this class. */
  count: number;
  /** Min / mean / max of each column over the class's inputs (all 0 for a class with none). */
  stats: Record<K, Stats>;
}

/** Each column summarized by class, in class order: input i belongs to class y[i]. measure's
 *  `byClass` and report's class rows are both read from this. */
export function summarizeByClass<K extends string>(
  classes: readonly string[], y: ArrayLike<number>, columns: Record<K, ArrayLike<number>>,
): ClassSummary<K>[] {
  const members: number[][] = classes.map(() => []);
  for (let i = 0; i < y.length; i++) members[y[i]].push(i);
  const keys = Object.keys(columns) as K[];
  return classes.map((label, index) => {
    const idx = members[index];
    const s = {} as Record<K, Stats>;
    for (const k of keys) s[k] = stats(idx.map((i) => columns[k][i]));
    return { label, index, count: idx.length, stats: s };
  });
}

/** pJ per input, one column per figure. */
export interface EnergyColumns {
  arithmetic: Float64Array;
  memory: Float64Array;
  total: Float64Array;
}

/** One input's energy, as energyOf (host/measure/energy.ts) gives it; `S` describes the memory
 *  the model is read from. */
export type InputEnergy<S> = (counts: OpCounts, modelBytes: number) => { integer: EnergySplit; float32: EnergySplit; sram: S };

/** `of` on every input's counts: per input first, summarized after, so means and maxima are
 *  exact whatever the model's rules, linear or not. `sram` is the last input's (the same for
 *  every input: it depends on modelBytes alone), undefined with no inputs. */
export function energyPerInput<S>(cols: OpCountColumns, modelBytes: number, of: InputEnergy<S>): {
  integer: EnergyColumns;
  float32: EnergyColumns;
  sram: S | undefined;
} {
  const k = cols.mul.length;
  const split = (): EnergyColumns => ({ arithmetic: new Float64Array(k), memory: new Float64Array(k), total: new Float64Array(k) });
  const r = { integer: split(), float32: split(), sram: undefined as S | undefined };
  for (let i = 0; i < k; i++) {
    const e = of({ mul: cols.mul[i], add: cols.add[i], cmp: cols.cmp[i], wordOps: cols.wordOps[i], loads: cols.loads[i] }, modelBytes);
    for (const kind of ['integer', 'float32'] as const) {
      r[kind].arithmetic[i] = e[kind].arithmetic;
      r[kind].memory[i] = e[kind].memory;
      r[kind].total[i] = e[kind].total;
    }
    r.sram = e.sram;
  }
  return r;
}
