// What a report shows about one model on one dataset: DESIGN §2's counts for every input from the
// counting engine (once: per input for the histogram, by class for the bars, overall for the
// summary), the energy of each input under an energy model, and the blob's sections.

import { HEADER_BYTES, SECTION_ENTRY_BYTES } from '../../assembly/format.js';
import type { Dataset } from '../data/dataset.js';
import { energyPerInput, opsStats, summarizeByClass, type EnergyColumns, type InputEnergy, type OpsStats } from '../measure/counts.js';
import type { EnergySplit } from '../measure/energy.js';
import { countDataset } from '../measure/measure.js';
import { asModel, type ModelInput } from '../engine/model.js';
import { stats, type Stats } from '../measure/stats.js';

/** pJ per input for one input's counts; `sram` names the memory the blob is read from. */
export type EnergyOf = InputEnergy<{ name: string }>;

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
  ops: OpsStats;
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

export function collectReport(input: ModelInput, ds: Dataset, opts: CollectOptions = {}): ReportData {
  const model = asModel(input);
  const { blob } = model;
  const { network, sections, counts: cols } = countDataset(model, ds, opts.onProgress);
  const { out } = cols;
  const n = ds.n;
  let correct = 0;
  for (let i = 0; i < n; i++) if (out[i] === ds.y[i]) correct++;

  const energy = opts.energy ? energyPerInput(cols, blob.length, opts.energy.of) : undefined;

  // By class: the summary measure's byClass reads too, so the page and `measure` agree.
  const byOps = summarizeByClass(ds.classes, ds.y, { mul: cols.mul, add: cols.add, cmp: cols.cmp, total: cols.total });
  const byEnergy = energy && summarizeByClass(ds.classes, ds.y, energy.integer);
  const classes: ClassRow[] = byOps.map(({ label, index, count, stats: s }) => {
    const e = byEnergy?.[index].stats;
    return {
      label,
      index,
      count,
      mean: { mul: s.mul.mean, add: s.add.mean, cmp: s.cmp.mean, total: s.total.mean },
      max: s.total.max,
      ...(e ? { energy: { arithmetic: e.arithmetic.mean, memory: e.memory.mean, total: e.total.mean } } : {}),
    };
  });

  // The blob from front to back: header and section table, each section, and what alignment
  // padding lies between them (so the parts add up to the blob's bytes).
  const tableEnd = HEADER_BYTES + sections.length * SECTION_ENTRY_BYTES;
  const parts: BlobPart[] = [{ name: 'header + section table', bytes: tableEnd }];
  const used = sections.reduce((s, x) => s + x.bytes, tableEnd);
  for (const s of sections) parts.push({ name: s.name, bytes: s.bytes, offset: s.offset, count: s.count, elemBytes: s.elemBytes });
  if (blob.length > used) parts.push({ name: 'alignment padding', bytes: blob.length - used });

  const summary = (e: EnergyColumns) => ({
    mean: { arithmetic: stats(e.arithmetic).mean, memory: stats(e.memory).mean, total: stats(e.total).mean },
    max: stats(e.total).max,
  });
  return {
    dataset: ds.name,
    n,
    dim: ds.dim,
    construction: network.kind,
    correct,
    ops: opsStats(cols),
    wordOps: stats(cols.wordOps),
    loads: stats(cols.loads),
    perInput: cols.total,
    classes,
    blobBytes: blob.length,
    parts,
    ...(opts.energy && energy
      ? { energy: { model: opts.energy.model, sram: energy.sram?.name ?? '', integer: summary(energy.integer), float32: summary(energy.float32) } }
      : {}),
  };
}
