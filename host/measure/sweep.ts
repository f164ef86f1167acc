// The measured comparison of the paper's headline (DESIGN §2, §3): for each construction,
// synthetic sets n = 2^6, 2^7, … (d = 16, distinct labels), built, verified in the engine and
// counted by the counting engine; the least-squares slope of log ops against log n shows
// O(log n) (slope near 0) against O(√n) (about 0.5) and O(n) (about 1).

import type { Construction } from '../construct/index.js';
import { buildNetwork } from '../construct/index.js';
import { loadDataset } from '../data/source.js';
import { quantize } from '../data/quantize.js';
import type { Dataset } from '../data/dataset.js';
import { lineAlternatingBound } from '../data/line-alternating.js';
import { Prng } from '../data/prng.js';
import { Engine } from '../engine/engine.js';
import { writeBlob } from '../format/writer.js';
import { opsStats, type OpsStats } from './counts.js';
import { countInputs } from './measure.js';
import { stats } from './stats.js';

/** Every point is verified and counted up to this n; beyond, a seeded random sample. */
export const VERIFY_ALL_UP_TO = 1 << 14;
export const SAMPLE_SIZE = 4096;
export const SAMPLE_SEED = 20261123;
/** Largest n each construction is swept to: O(n) ops per input make `interp` too costly
 *  (in the engine and to verify) past 2^16. */
export const SWEEP_LIMIT: Record<Construction, number> = { search: 1 << 20, tree: 1 << 20, interp: 1 << 16, sqrt: 1 << 16 };
/** Line-alternating rows (every point checked) up to this n. */
export const LINE_ALTERNATING_UP_TO = 1 << 12;
export const SWEEP_D = 16;
export const SWEEP_SEED = 1;

export interface SweepRow {
  n: number;
  ops: OpsStats;
  wordOps: { mean: number; max: number };
  blobBytes: number;
  buildSeconds: number;
  /** Inputs run through the engine (all of them, or the sample) and how many came out right. */
  verified: { checked: number; correct: number };
}

export interface LineAlternatingRow { n: number; cmpMax: number; bound: number }

export interface SweepReport {
  constructions: Record<string, {
    rows: SweepRow[];
    slope: { max: number; mean: number };
    /** Worst-case cmp on line-alternating sets beside ⌈log₂(n/2)⌉, the bound proven there. */
    lineAlternating: LineAlternatingRow[];
  }>;
  ratios: Record<string, { n: number; ops: number; wordOps: number }[]>;
}

export interface SweepOptions {
  constructions: Construction[];
  nMax: number;
  nMin?: number;
  onProgress?: (what: string) => void;
}

/** Least-squares slope of log y against log x. */
export function logSlope(xs: number[], ys: number[]): number {
  const lx = xs.map(Math.log);
  const ly = ys.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let num = 0;
  let den = 0;
  lx.forEach((x, i) => {
    num += (x - mx) * (ly[i] - my);
    den += (x - mx) ** 2;
  });
  return den === 0 ? 0 : num / den;
}

/** The points checked at size n: all of them, or SAMPLE_SIZE drawn without repeats. */
function checkedPoints(n: number): Uint32Array {
  if (n <= VERIFY_ALL_UP_TO) return Uint32Array.from({ length: n }, (_, i) => i);
  const rng = new Prng(SAMPLE_SEED);
  const picked = new Set<number>();
  while (picked.size < SAMPLE_SIZE) picked.add(rng.below(n));
  return Uint32Array.from([...picked].sort((a, b) => a - b));
}

function measureRow(ds: Dataset, construction: Construction, engine: Engine): SweepRow {
  const t0 = performance.now();
  const net = buildNetwork(ds, { construction, seed: SWEEP_SEED });
  const blob = writeBlob(net);
  const buildSeconds = (performance.now() - t0) / 1000;
  const xq = quantize(ds, net.quant);
  engine.loadOrThrow(blob);
  const points = checkedPoints(ds.n);
  const k = points.length;
  const counts = countInputs(engine, xq, ds.dim, points);
  const correct = counts.out.filter((o, i) => o === ds.y[points[i]]).length;
  // A memorizer that misses a pair is a bug, not a data point: stop the sweep.
  if (correct !== k) throw new Error(`${construction} on ${ds.name}: ${correct} of ${k} checked pairs reproduced`);
  const w = stats(counts.wordOps);
  return {
    n: ds.n,
    ops: opsStats(counts),
    wordOps: { mean: w.mean, max: w.max },
    blobBytes: blob.length,
    buildSeconds,
    verified: { checked: k, correct },
  };
}

export function sweep(opts: SweepOptions): SweepReport {
  const engine = new Engine('counting');
  const report: SweepReport = { constructions: {}, ratios: {} };
  const nMin = opts.nMin ?? 64;
  for (const c of opts.constructions) report.constructions[c] = { rows: [], slope: { max: 0, mean: 0 }, lineAlternating: [] };
  for (let n = nMin; n <= opts.nMax; n *= 2) {
    const active = opts.constructions.filter((c) => n <= SWEEP_LIMIT[c]);
    if (active.length === 0) break;
    const ds = loadDataset(`synthetic:n=${n},d=${SWEEP_D},labels=distinct,seed=${SWEEP_SEED}`);
    for (const c of active) {
      opts.onProgress?.(`${c} n=${n}`);
      report.constructions[c].rows.push(measureRow(ds, c, engine));
    }
    if (n <= LINE_ALTERNATING_UP_TO) {
      const la = loadDataset(`line-alternating:n=${n}`);
      for (const c of active) {
        const r = measureRow(la, c, engine);
        report.constructions[c].lineAlternating.push({ n, cmpMax: r.ops.cmp.max, bound: lineAlternatingBound(n) });
      }
    }
  }
  for (const entry of Object.values(report.constructions)) {
    const ns = entry.rows.map((r) => r.n);
    entry.slope = {
      max: logSlope(ns, entry.rows.map((r) => r.ops.total.max)),
      mean: logSlope(ns, entry.rows.map((r) => r.ops.total.mean)),
    };
  }
  // Ratios of worst cases (ops.total.max, wordOps.max) at each n both constructions reached.
  const base = report.constructions.search;
  for (const [name, entry] of Object.entries(report.constructions)) {
    if (name === 'search' || name === 'tree' || !base) continue;
    report.ratios[`${name}/search`] = entry.rows.flatMap((r) => {
      const s = base.rows.find((b) => b.n === r.n);
      return s ? [{ n: r.n, ops: r.ops.total.max / s.ops.total.max, wordOps: r.wordOps.max / s.wordOps.max }] : [];
    });
  }
  return report;
}
