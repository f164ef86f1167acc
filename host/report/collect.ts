// What a report shows about one model on one dataset: SPEC §2's counts for every input from the
// counting engine (once: per input for the histogram, by class for the bars, overall for the
// summary), the energy of each input under an energy model, and the blob's sections.

import { HEADER_BYTES, SECTION_ENTRY_BYTES } from '../../assembly/format.js';
import type { Dataset } from '../data/dataset.js';
import { countDataset } from '../measure/measure.js';
import { stats, type Stats } from '../measure/stats.js';

/** One input's counts, as energy models take them (SPEC §2). */
export interface InputCounts {
  mul: number;
  add: number;
  cmp: number;
  wordOps: number;
  loads: number;
}

export interface EnergySplit {
  arithmetic: number;
  memory: number;
  total: number;
}

/** pJ per input for one input's counts; `sram` names the memory the blob is read from. */
export type EnergyOf = (counts: InputCounts, modelBytes: number) => {
  integer: EnergySplit;
  float32: EnergySplit;
  sram: { name: string };
};

export interface ClassRow {
  label: string;
  /** Class index, the order of first appearance in the data. */
  index: number;
  count: number;
  mean: { mul: number; add: number; cmp: number; total: number };
  max: number;
  /** Mean pJ per input (integer arithmetic), with an energy model. */
  energy?: EnergySplit;
}

export interface BlobPart {
  name: string;
  bytes: number;
  /** Section table fields, for sections (not for the header or padding). */
  offset?: number;
  count?: number;
  elemBytes?: number;
}

export interface ReportData {
  dataset: string;
  n: number;
  dim: number;
  construction: string;
  /** Inputs on which the engine gave the dataset's class. */
  correct: number;
  ops: { mul: Stats; add: Stats; cmp: Stats; total: Stats };
  wordOps: Stats;
  loads: Stats;
  /** ops (mul + add + cmp) of every input, in dataset order. */
  perInput: Float64Array;
  classes: ClassRow[];
  blobBytes: number;
  parts: BlobPart[];
  energy?: {
    model: string;
    sram: string;
    integer: { mean: EnergySplit; max: number };
    float32: { mean: EnergySplit; max: number };
  };
}

export interface CollectOptions {
  energy?: { model: string; of: EnergyOf };
  /** Progress as inputs counted so far. */
  onProgress?: (done: number, total: number) => void;
}

export function collectReport(blob: Uint8Array, ds: Dataset, opts: CollectOptions = {}): ReportData {
  const { network, sections, counts: cols } = countDataset(blob, ds, opts.onProgress);
  const { out } = cols;
  const n = ds.n;
  let correct = 0;
  for (let i = 0; i < n; i++) if (out[i] === ds.y[i]) correct++;

  // Energy per input, then averaged: exact whatever the model's rules, linear or not.
  const split = () => ({ arithmetic: new Float64Array(n), memory: new Float64Array(n), total: new Float64Array(n) });
  const energy = opts.energy ? { integer: split(), float32: split(), sram: '' } : undefined;
  if (opts.energy && energy) {
    for (let i = 0; i < n; i++) {
      const e = opts.energy.of({ mul: cols.mul[i], add: cols.add[i], cmp: cols.cmp[i], wordOps: cols.words[i], loads: cols.loads[i] }, blob.length);
      for (const kind of ['integer', 'float32'] as const) {
        energy[kind].arithmetic[i] = e[kind].arithmetic;
        energy[kind].memory[i] = e[kind].memory;
        energy[kind].total[i] = e[kind].total;
      }
      energy.sram = e.sram.name;
    }
  }

  const members: number[][] = ds.classes.map(() => []);
  for (let i = 0; i < n; i++) members[ds.y[i]].push(i);
  const mean = (col: ArrayLike<number>, idx: number[]) => (idx.length ? idx.reduce((s, i) => s + col[i], 0) / idx.length : 0);
  const classes: ClassRow[] = ds.classes.map((label, c) => {
    const idx = members[c];
    return {
      label,
      index: c,
      count: idx.length,
      mean: { mul: mean(cols.mul, idx), add: mean(cols.add, idx), cmp: mean(cols.cmp, idx), total: mean(cols.total, idx) },
      max: idx.reduce((m, i) => Math.max(m, cols.total[i]), 0),
      ...(energy
        ? { energy: { arithmetic: mean(energy.integer.arithmetic, idx), memory: mean(energy.integer.memory, idx), total: mean(energy.integer.total, idx) } }
        : {}),
    };
  });

  // The blob from front to back: header and section table, each section, and what alignment
  // padding lies between them (so the parts add up to the blob's bytes).
  const tableEnd = HEADER_BYTES + sections.length * SECTION_ENTRY_BYTES;
  const parts: BlobPart[] = [{ name: 'header + section table', bytes: tableEnd }];
  const used = sections.reduce((s, x) => s + x.bytes, tableEnd);
  for (const s of sections) parts.push({ name: s.name, bytes: s.bytes, offset: s.offset, count: s.count, elemBytes: s.elemBytes });
  if (blob.length > used) parts.push({ name: 'alignment padding', bytes: blob.length - used });

  const summary = (e: ReturnType<typeof split>) => ({
    mean: { arithmetic: stats(e.arithmetic).mean, memory: stats(e.memory).mean, total: stats(e.total).mean },
    max: stats(e.total).max,
  });
  return {
    dataset: ds.name,
    n,
    dim: ds.dim,
    construction: network.kind,
    correct,
    ops: { mul: stats(cols.mul), add: stats(cols.add), cmp: stats(cols.cmp), total: stats(cols.total) },
    wordOps: stats(cols.words),
    loads: stats(cols.loads),
    perInput: cols.total,
    classes,
    blobBytes: blob.length,
    parts,
    ...(opts.energy && energy
      ? { energy: { model: opts.energy.model, sram: energy.sram, integer: summary(energy.integer), float32: summary(energy.float32) } }
      : {}),
  };
}
