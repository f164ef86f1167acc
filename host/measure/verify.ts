// Verification: every distinct pair of a dataset through the engine, compared with the
// dataset's label (matched by label text, so a blob answers in its own class numbering).

import type { Dataset } from '../data/dataset.js';
import { DatasetError } from '../data/errors.js';
import { quantizeInputs, quantizeValue } from '../data/quantize.js';
import { ErrorCode } from '../../assembly/format.js';
import { tableMetadata } from '../format/table-section.js';
import type { FloatNetwork } from '../import/float-network.js';
import { fitNetwork, type FitOptions } from '../import/pack.js';
import { asModel, type ModelInput } from '../engine/model.js';

export interface Mismatch {
  /** Source line of the input. */
  line: number;
  expected: string;
  /** Label text the engine answered, or the error it returned. */
  got: string;
}

export interface VerifyReport {
  dataset: string;
  n: number;
  /** Inputs on which the model answers the truth: the dataset's label, another model's
   *  answer, or (against a network file) the float network's class. */
  correct: number;
  rows: number;
  duplicates: number;
  /** The first few mismatches, for the message. */
  mismatches: Mismatch[];
  /** Against a network file: on how many inputs the integer network `pack` makes of it answers
   *  the float network's class (the model can only be as faithful as that network allows). */
  integerAgreement?: { agree: number; n: number; share: number };
  /** Inputs the model refused (outside its domain, or past i32 at its scale): counted apart
   *  from wrong answers, which are `n − correct − refused`. */
  refused?: number;
}

/** The dataset's class of each distinct input, in the blob's numbering (−1: unknown label). */
export function expectedClasses(ds: Dataset, blobClasses: string[]): Int32Array {
  const index = new Map(blobClasses.map((c, i) => [c, i]));
  const byDatasetClass = ds.classes.map((c) => index.get(c) ?? -1);
  return Int32Array.from(ds.y, (c) => byDatasetClass[c]);
}

/** A model and a dataset must agree on the number of features. */
export function checkDimensions(modelDim: number, ds: Dataset): void {
  if (modelDim !== ds.dim) throw new DatasetError(`the model takes ${modelDim} features per input, ${ds.name} has ${ds.dim}`);
}

/** Each input's class label text by a model ("error N" where it refuses one). */
export function classTexts(model: ModelInput, ds: Dataset): string[] {
  const { network, release } = asModel(model);
  checkDimensions(network.dim, ds);
  const out = release().evaluateBatch(quantizeInputs(ds, network.quant), ds.n);
  return Array.from(out, (c) => (c >= 0 ? network.classes[c] : `error ${-c}`));
}

/** Verification against another model instead of the labels: the dataset's inputs through
 *  both blobs in the engine, compared by class text (DESIGN §3.5: the network's outputs are the
 *  truth a synthesized model must reproduce). */
export function verifyAgainst(model: ModelInput, reference: ModelInput, ds: Dataset): VerifyReport {
  return compareTexts(classTexts(model, ds), classTexts(reference, ds), ds);
}

/** Verification against a trained network: the truth is the float network's class, in its
 *  class names (host/import/pack.ts), and the integer network `pack` makes of it is reported
 *  beside it. */
export function verifyAgainstNetwork(model: ModelInput, net: FloatNetwork, ds: Dataset, opts: FitOptions = {}): VerifyReport {
  const fit = fitNetwork(net, ds, opts);
  const names = fit.network.classes;
  const want = Array.from(fit.floatClass, (c) => names[c]);
  return { ...compareTexts(classTexts(model, ds), want, ds), integerAgreement: { agree: fit.agree, n: fit.n, share: fit.agree / fit.n } };
}

function compareTexts(got: string[], want: string[], ds: Dataset): VerifyReport {
  let correct = 0;
  const mismatches: Mismatch[] = [];
  for (let i = 0; i < ds.n; i++) {
    if (got[i] === want[i] && !want[i].startsWith('error ')) correct++;
    else if (mismatches.length < 5) mismatches.push({ line: ds.line[i], expected: want[i], got: got[i] });
  }
  return { dataset: ds.name, n: ds.n, correct, rows: ds.rows, duplicates: ds.duplicates, mismatches };
}

export function verify(model: ModelInput, ds: Dataset): VerifyReport {
  const opened = asModel(model);
  const { network, release } = opened;
  const clamp = tableMetadata(opened)?.outside === 'clamp';
  checkDimensions(network.dim, ds);
  // Unseen rows (a held-out set) may leave i32 at the model's scale: refused, not an error.
  const d = ds.dim;
  const xq = new Int32Array(ds.n * d);
  const unfit = new Uint8Array(ds.n);
  for (let i = 0; i < ds.x.length; i++) {
    const v = quantizeValue(ds.x[i], network.quant);
    if (clamp) {
      const lo = network.domain.lo[i % d];
      const hi = network.domain.hi[i % d];
      xq[i] = Number.isNaN(v) ? (ds.x[i] < 0 ? lo : hi) : Math.min(hi, Math.max(lo, v));
    } else if (Number.isNaN(v)) unfit[Math.floor(i / d)] = 1;
    else xq[i] = v;
  }
  for (let i = 0; i < ds.n; i++) if (unfit[i]) for (let k = 0; k < d; k++) xq[i * d + k] = network.domain.lo[k];
  const out = release().evaluateBatch(xq, ds.n);
  for (let i = 0; i < ds.n; i++) if (unfit[i]) out[i] = -ErrorCode.InputOutOfDomain;
  const want = expectedClasses(ds, network.classes);
  let correct = 0;
  let refused = 0;
  const mismatches: Mismatch[] = [];
  for (let i = 0; i < ds.n; i++) {
    if (out[i] < 0) refused++;
    if (out[i] === want[i]) correct++;
    else if (mismatches.length < 5) {
      mismatches.push({
        line: ds.line[i],
        expected: ds.classes[ds.y[i]],
        got: out[i] >= 0 ? network.classes[out[i]] : `error ${-out[i]}`,
      });
    }
  }
  return { dataset: ds.name, n: ds.n, correct, rows: ds.rows, duplicates: ds.duplicates, mismatches, refused };
}
