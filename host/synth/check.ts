// The synthesized graph checked where it will run: both blobs in the engine (release for the
// classes, counting for DESIGN §2's counts). On the synthesis inputs the graph must answer the
// dense network's class on every one; on held-out inputs their agreement is the fidelity.

import type { Dataset } from '../data/dataset.js';
import { Engine } from '../engine/engine.js';
import { countInputs } from '../measure/measure.js';
import { stats, type Stats } from '../measure/stats.js';
import { expectedClasses, type Mismatch } from '../measure/verify.js';

export interface OpsSummary {
  mul: Stats;
  add: Stats;
  cmp: Stats;
  total: Stats;
}

export interface HoldoutCheck {
  dataset: string;
  n: number;
  /** Inputs where the graph answers the dense network's class. */
  agree: number;
  fidelity: number;
  /** Held-out inputs outside the network's domain: both blobs refuse them (InputOutOfDomain),
   *  and they count as disagreements. */
  outsideDomain: number;
  /** Ops of both on the held-out inputs (off its inputs a graph may reach net leaves more). */
  ops: { dense: OpsSummary; graph: OpsSummary };
  /** Against the held-out labels, when they name the network's classes. */
  accuracy?: { dense: number; graph: number };
}

export interface SynthCheck {
  n: number;
  /** Inputs where the graph answers the dense network's class, in both engine builds. */
  reproduced: number;
  /** The graph's class of each input (release engine). */
  graphClass: Int32Array;
  /** The first few where it does not. */
  mismatches: Mismatch[];
  ops: { dense: OpsSummary; graph: OpsSummary; ratio: { mean: number; max: number } };
  holdout?: HoldoutCheck;
}

const MAX_MISMATCHES = 10;

interface Run {
  release: Int32Array;
  counting: Int32Array;
  ops: OpsSummary;
}

function run(blob: Uint8Array, xq: Int32Array, dim: number, n: number): Run {
  const release = new Engine('release');
  release.loadOrThrow(blob);
  const counting = new Engine('counting');
  counting.loadOrThrow(blob);
  const r = countInputs(counting, xq, dim, Uint32Array.from({ length: n }, (_, i) => i));
  return {
    release: release.evaluateBatch(xq, n),
    counting: r.out,
    ops: { mul: stats(r.mul), add: stats(r.add), cmp: stats(r.cmp), total: stats(r.total) },
  };
}

const text = (classes: string[], c: number) => (c >= 0 ? classes[c] : `error ${-c}`);

/** Both blobs on the synthesis inputs (`xq`, ds.n of them) and on the held-out ones. */
export function checkSynthesis(
  denseBlob: Uint8Array, graphBlob: Uint8Array, classes: string[], ds: Dataset, xq: Int32Array,
  holdout?: { ds: Dataset; xq: Int32Array },
): SynthCheck {
  const dim = ds.dim;
  const dense = run(denseBlob, xq, dim, ds.n);
  const graph = run(graphBlob, xq, dim, ds.n);
  let reproduced = 0;
  const mismatches: Mismatch[] = [];
  for (let i = 0; i < ds.n; i++) {
    const want = dense.release[i];
    const ok = want >= 0 && dense.counting[i] === want && graph.release[i] === want && graph.counting[i] === want;
    if (ok) reproduced++;
    else if (mismatches.length < MAX_MISMATCHES) {
      const got = graph.release[i] !== want ? graph.release[i] : graph.counting[i];
      mismatches.push({ line: ds.line[i], expected: text(classes, want), got: text(classes, got) });
    }
  }
  const report: SynthCheck = {
    n: ds.n,
    reproduced,
    graphClass: graph.release,
    mismatches,
    ops: {
      dense: dense.ops,
      graph: graph.ops,
      ratio: { mean: dense.ops.total.mean / graph.ops.total.mean, max: dense.ops.total.max / graph.ops.total.max },
    },
  };
  if (holdout) {
    const h = holdout.ds;
    const hd = run(denseBlob, holdout.xq, dim, h.n);
    const hg = run(graphBlob, holdout.xq, dim, h.n);
    const labels = expectedClasses(h, classes);
    let agree = 0;
    let denseRight = 0;
    let graphRight = 0;
    let labelled = true;
    let outside = 0;
    for (let i = 0; i < h.n; i++) {
      if (hd.release[i] < 0) outside++;
      if (hg.release[i] === hd.release[i] && hd.release[i] >= 0) agree++;
      if (labels[i] < 0) labelled = false;
      if (hd.release[i] === labels[i]) denseRight++;
      if (hg.release[i] === labels[i]) graphRight++;
    }
    report.holdout = {
      dataset: h.name,
      n: h.n,
      agree,
      fidelity: agree / h.n,
      outsideDomain: outside,
      ops: { dense: hd.ops, graph: hg.ops },
      ...(labelled ? { accuracy: { dense: denseRight / h.n, graph: graphRight / h.n } } : {}),
    };
  }
  return report;
}
