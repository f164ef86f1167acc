// Measurement (DESIGN §7): DESIGN §2's counts for every distinct input of a dataset, from the
// engine's counting build, overall and by class; bytes of blob and engine; and the release
// engine's time per inference (batches of BATCH inputs, median of repeats).

import type { Dataset } from '../data/dataset.js';
import { lineAlternatingBound } from '../data/line-alternating.js';
import { quantize } from '../data/quantize.js';
import { engineBytes, type Engine } from '../engine/engine.js';
import { errorMessage } from '../format/errors.js';
import type { SectionInfo } from '../format/reader.js';
import { asModel, type ModelInput, type OpenedModel } from '../engine/model.js';
import { DataError } from '../data/errors.js';
import { checkDimensions } from './verify.js';
import { countColumns, opsStats, summarizeByClass, type CountColumns, type OpsStats } from './counts.js';
import { summarizeEnergy, type EnergyModel, type EnergyReport } from './energy.js';
import { median, stats, type Stats } from './stats.js';

export const BATCH = 1024;

export interface MeasureReport {
  dataset: string;
  n: number;
  construction: string;
  ops: OpsStats;
  wordOps: Stats;
  loads: Stats;
  byClass: Record<string, { count: number; total: Stats; cmp: Stats }>;
  blobBytes: number;
  sections: SectionInfo[];
  engineBytes: number;
  /** A compiled model: its module's bytes (it answers in place of the engine). */
  moduleBytes?: number;
  /** Of the release engine with the blob loaded, or of the compiled model. */
  nsPerInference: number;
  /** Only for line-alternating data: the proven lower bound on worst-case cmp. */
  lineAlternatingBound?: number;
  /** With MeasureOptions.energy: pJ per input (docs/ENERGY.md). */
  energy?: EnergyReport;
}

export interface MeasureOptions {
  /** Skip the timing (tests, and callers that only need counts). */
  timing?: boolean;
  /** Also estimate each input's energy under this model (the same counts, not a second run). */
  energy?: EnergyModel;
}

/** Per-input outputs and DESIGN §2 counts of the listed inputs (row indices into xq), through
 *  a counting engine that has the model loaded. */
export function countInputs(engine: Engine, xq: Int32Array, dim: number, points: ArrayLike<number>): CountColumns {
  const k = points.length;
  const r = countColumns(k);
  for (let i = 0; i < k; i++) {
    r.out[i] = engine.evaluate(xq, points[i] * dim);
    const c = engine.counts();
    r.mul[i] = c.mul;
    r.add[i] = c.add;
    r.cmp[i] = c.cmp;
    r.total[i] = c.mul + c.add + c.cmp;
    r.wordOps[i] = c.wordOps;
    r.loads[i] = c.loads;
  }
  return r;
}

/** Every distinct input of `ds` through the counting engine, CHUNK at a time (`onProgress`
 *  after each); an input the engine refuses is a DataError naming its line. Shared by
 *  `measure` (and its energy) and `report`. */
export function countDataset(model: ModelInput, ds: Dataset, onProgress?: (done: number, total: number) => void) {
  const { network, sections, counting } = asModel(model);
  checkDimensions(network.dim, ds);
  const engine = counting();
  const xq = quantize(ds, network.quant);
  const n = ds.n;
  const counts = countColumns(n);
  for (let start = 0; start < n; start += CHUNK) {
    const end = Math.min(n, start + CHUNK);
    const r = countInputs(engine, xq, ds.dim, Uint32Array.from({ length: end - start }, (_, i) => start + i));
    for (const key of Object.keys(counts) as (keyof CountColumns)[]) counts[key].set(r[key], start);
    onProgress?.(end, n);
  }
  const failed = counts.out.findIndex((o) => o < 0);
  if (failed >= 0) throw new DataError(ds.name, ds.line[failed], 1, `${errorMessage(-counts.out[failed])} (error ${-counts.out[failed]})`);
  return { network, sections, xq, counts };
}

const CHUNK = 4096;

export function measure(input: ModelInput, ds: Dataset, opts: MeasureOptions = {}): MeasureReport {
  const model = asModel(input);
  const { blob } = model;
  const { network, sections, xq, counts } = countDataset(model, ds);
  const n = ds.n;
  const byClass: MeasureReport['byClass'] = {};
  for (const c of summarizeByClass(ds.classes, ds.y, { total: counts.total, cmp: counts.cmp })) {
    byClass[c.label] = { count: c.count, total: c.stats.total, cmp: c.stats.cmp };
  }
  return {
    dataset: ds.name,
    n,
    construction: network.kind,
    ops: opsStats(counts),
    wordOps: stats(counts.wordOps),
    loads: stats(counts.loads),
    byClass,
    blobBytes: blob.length,
    sections,
    engineBytes: engineBytes('release').length,
    ...(model.compiled ? { moduleBytes: model.bytes.length } : {}),
    nsPerInference: opts.timing === false ? NaN : timePerInference(model, network.dim, xq, n),
    ...(ds.lineAlternating ? { lineAlternatingBound: lineAlternatingBound(n) } : {}),
    ...(opts.energy ? { energy: summarizeEnergy(opts.energy, counts, blob.length) } : {}),
  };
}

/** Median over repeats of (time of one evaluateBatch of BATCH inputs) / BATCH, in ns. */
export function timePerInference(model: OpenedModel, dim: number, xq: Int32Array, n: number, minMs = 200): number {
  const engine = model.release();
  const count = Math.min(BATCH, n);
  const batch = new Int32Array(count * dim);
  for (let i = 0; i < count; i++) batch.set(xq.subarray((i % n) * dim, (i % n + 1) * dim), i * dim);
  const run = engine.prepareBatch(batch, count);
  for (let i = 0; i < 20; i++) run(); // warm-up
  const samples: number[] = [];
  const start = performance.now();
  while (performance.now() - start < minMs || samples.length < 5) {
    const t0 = process.hrtime.bigint();
    run();
    samples.push(Number(process.hrtime.bigint() - t0) / count);
  }
  return median(samples);
}
