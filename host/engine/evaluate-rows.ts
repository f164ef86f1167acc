// Raw feature rows → label texts through the engine: quantize with the blob's own scale,
// check the declared domain first (so a bad row is named before anything is printed), then
// evaluate the batch.

import { ErrorCode } from '../../assembly/format.js';
import type { FeatureRows } from '../data/csv.js';
import { DataError } from '../data/errors.js';
import { describeQuantization, quantizeValue } from '../data/quantize.js';
import { KINDS, readsEveryCoordinate } from '../kinds/index.js';
import { referenceEvaluate } from './reference.js';
import { asModel, type ModelInput } from './model.js';

export function evaluateRows(input: ModelInput, rows: FeatureRows, name: string): string[] {
  const r = evaluateEachRow(input, rows, name);
  const bad = r.errors.find((e) => e !== undefined);
  if (bad) throw bad;
  return r.labels as string[];
}

/** Each row's label, or the error that row alone met (a value outside the domain): a bad row
 *  leaves the others answered. */
export function evaluateEachRow(input: ModelInput, rows: FeatureRows, name: string, clamp = false): { labels: (string | undefined)[]; errors: (DataError | undefined)[] } {
  const model = asModel(input);
  const net = model.network;
  const d = net.dim;
  const xq = new Int32Array(rows.count * d);
  const errors: (DataError | undefined)[] = new Array(rows.count).fill(undefined);
  // A kind that reads every coordinate refuses any outside the domain: named here, before the
  // engine runs. A tree reads only its path's coordinates (DESIGN §4): the engine decides.
  const checkAll = readsEveryCoordinate(KINDS[net.kind].nodeKind);
  for (let i = 0; i < rows.count; i++) {
    for (let j = 0; j < d; j++) {
      const raw = rows.x[i * d + j];
      const lo = net.domain.lo[j];
      const hi = net.domain.hi[j];
      let v = quantizeValue(raw, net.quant);
      // --outside clamp (the model's Table section): into the domain, past i32 too.
      if (clamp) v = Number.isNaN(v) ? (raw < 0 ? lo : hi) : Math.min(hi, Math.max(lo, v));
      if (Number.isNaN(v) || (checkAll && (v < lo || v > hi))) {
        errors[i] = new DataError(name, rows.line[i], j + 1,
          `${raw} (${Number.isNaN(v) ? 'beyond i32' : v} as round(${describeQuantization(net.quant)})) lies outside the model's input domain [${lo}, ${hi}] (error ${ErrorCode.InputOutOfDomain})`);
        // The row is answered by nothing: it goes to the engine as the domain's low corner.
        for (let k = 0; k < d; k++) xq[i * d + k] = net.domain.lo[k];
        break;
      }
      xq[i * d + j] = v;
    }
  }
  const out = model.release().evaluateBatch(xq, rows.count);
  const labels = Array.from(out, (c, i) => {
    if (errors[i] !== undefined) return undefined;
    if (c < 0) {
      // The reference walks the same path and names the coordinate that left the domain.
      const j = referenceEvaluate(net, xq, i * d).coordinate ?? 0;
      errors[i] = new DataError(name, rows.line[i], j + 1,
        `${rows.x[i * d + j]} lies outside the model's input domain [${net.domain.lo[j]}, ${net.domain.hi[j]}] on a coordinate the ${net.kind} reads (error ${-c})`);
      return undefined;
    }
    return net.classes[c];
  });
  return { labels, errors };
}
