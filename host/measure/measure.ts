// Measurement (SPEC §7): SPEC §2's counts for every distinct input of a dataset, from the
// engine's counting build, overall and by class; bytes of blob and engine; and the release
// engine's time per inference (batches of BATCH inputs, median of repeats).

import type { Dataset } from '../data/dataset.js';
import { lineAlternatingBound } from '../data/line-alternating.js';
import { quantize } from '../data/quantize.js';
import { Engine, engineBytes } from '../engine/engine.js';
import { errorMessage } from '../format/errors.js';
import { readBlob, type SectionInfo } from '../format/reader.js';
import { DataError } from '../data/errors.js';
import { checkDimensions } from './verify.js';
import { median, stats, type Stats } from './stats.js';

export const BATCH = 1024;

export interface OpsStats {
  mul: Stats;
  add: Stats;
  cmp: Stats;
  total: Stats;
}

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
  nsPerInference: number;
  /** Only for line-alternating data: the proven lower bound on worst-case cmp. */
  lineAlternatingBound?: number;
}

export interface MeasureOptions {
  /** Skip the timing (tests, and callers that only need counts). */
  timing?: boolean;
}

export function measure(blob: Uint8Array, ds: Dataset, opts: MeasureOptions = {}): MeasureReport {
  const { network, sections } = readBlob(blob);
  checkDimensions(network.dim, ds);
  const counting = new Engine('counting');
  counting.loadOrThrow(blob);
  const xq = quantize(ds, network.quant);
  const n = ds.n;
  const mul = new Float64Array(n);
  const add = new Float64Array(n);
  const cmp = new Float64Array(n);
  const total = new Float64Array(n);
  const words = new Float64Array(n);
  const loads = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const out = counting.evaluate(xq, i * ds.dim);
    if (out < 0) throw new DataError(ds.name, ds.line[i], 1, `${errorMessage(-out)} (error ${-out})`);
    const c = counting.counts();
    mul[i] = c.mul;
    add[i] = c.add;
    cmp[i] = c.cmp;
    total[i] = c.mul + c.add + c.cmp;
    words[i] = c.wordOps;
    loads[i] = c.loads;
  }
  const members: number[][] = ds.classes.map(() => []);
  for (let i = 0; i < n; i++) members[ds.y[i]].push(i);
  const byClass: MeasureReport['byClass'] = {};
  ds.classes.forEach((label, c) => {
    const idx = members[c];
    byClass[label] = { count: idx.length, total: stats(idx.map((i) => total[i])), cmp: stats(idx.map((i) => cmp[i])) };
  });
  return {
    dataset: ds.name,
    n,
    construction: network.kind,
    ops: { mul: stats(mul), add: stats(add), cmp: stats(cmp), total: stats(total) },
    wordOps: stats(words),
    loads: stats(loads),
    byClass,
    blobBytes: blob.length,
    sections,
    engineBytes: engineBytes('release').length,
    nsPerInference: opts.timing === false ? NaN : timePerInference(blob, network.dim, xq, n),
    ...(ds.name.startsWith('line-alternating:') ? { lineAlternatingBound: lineAlternatingBound(n) } : {}),
  };
}

/** Median over repeats of (time of one evaluateBatch of BATCH inputs) / BATCH, in ns. */
export function timePerInference(blob: Uint8Array, dim: number, xq: Int32Array, n: number, minMs = 200): number {
  const engine = new Engine('release');
  engine.loadOrThrow(blob);
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
