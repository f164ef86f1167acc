// A float network → the exact integer dense network that answers what the float network
// answers on a dataset's inputs (docs/NETWORKS.md, "Quantization that keeps the network's
// decisions"). Shared by `pack`, `synth` and `verify --against`, so all three mean the same
// integer network.
//
// The input scale and the weight bits are searched, finest last: a dataset's scale (the
// coarsest at which its inputs stay distinct) is right for memorizing a table and wrong for a
// trained network, whose answers move with every rounding of its inputs. Each step of the
// search adds one bit to the inputs (or, when a decimal scale holds every input exactly,
// keeps that scale) and one to the weights, quantizes, and counts in the engine the inputs
// whose integer class is the float network's; it stops at the first that agrees on all of
// them, or where the proven accumulator bound would pass i64, keeping the best step.

import { MAX_FRAC_BITS, QuantMode } from '../../assembly/format.js';
import type { Dataset } from '../data/dataset.js';
import { inputDomain, quantizeValues, type Quantization } from '../data/quantize.js';
import { Engine } from '../engine/engine.js';
import { writeBlob } from '../format/writer.js';
import { classNames, floatClasses, NetworkImportError, type FloatNetwork } from './float-network.js';
import { DEFAULT_WEIGHT_BITS, MAX_WEIGHT_BITS, quantizeNetwork, type NetworkQuantization } from './quantize-network.js';

const I32_MAX = 0x7fffffff;
/** Decimal scales tried for exactness: 10^1 … 10^9 (10^9 < 2^31). */
const MAX_DECIMALS = 9;

export interface FitOptions {
  /** Fixed weight bits (the search then moves the input scale only). */
  weightBits?: number;
  /** Names of the outputs, overriding the network's own. */
  classNames?: string[];
  /** Progress: steps done, most steps. */
  onStep?: (done: number, total: number) => void;
}

/** One step of the search: what it tried and how many inputs agreed (or why it could not). */
export interface FitStep {
  quant: Quantization;
  weightBits: number;
  /** Inputs whose integer class is the float network's, or undefined when refused. */
  agree?: number;
  /** Why the step could not be built (the i64 bound, an input past i32). */
  refused?: string;
}

export interface NetworkFit extends NetworkQuantization {
  /** The dataset's inputs in the chosen quantization (repeats allowed: a network needs none). */
  xq: Int32Array;
  weightBits: number;
  /** The float network's class of each input (floatClassify), and the integer network's. */
  floatClass: Int32Array;
  intClass: Int32Array;
  /** Inputs on which the two agree. */
  agree: number;
  n: number;
  steps: FitStep[];
  /** When agree < n: what stopped the search from going finer. */
  limit?: string;
}

/** The smallest 10^k (k ≤ MAX_DECIMALS) at which every value is an integer, if any: inputs
 *  written with k decimals are then exact. */
function exactDecimalScale(ds: Dataset): number | undefined {
  let maxAbs = 0;
  for (const v of ds.x) maxAbs = Math.max(maxAbs, Math.abs(v));
  for (let k = 0, s = 1; k <= MAX_DECIMALS && maxAbs * s <= I32_MAX; k++, s *= 10) {
    let exact = true;
    for (let i = 0; i < ds.x.length && exact; i++) {
      const v = ds.x[i] * s;
      exact = Math.abs(v - Math.round(v)) <= 1e-9 * Math.max(1, Math.abs(v));
    }
    if (exact) return s;
  }
  return undefined;
}

/** The input scales the search walks, coarse to fine: an exact decimal scale alone when
 *  there is one (finer would add nothing), else 2^f from about as many integer bits as the
 *  weights get, one bit a step. */
function inputScales(ds: Dataset, startBits: number): Quantization[] {
  const decimal = exactDecimalScale(ds);
  if (decimal !== undefined) return [decimal === 1 ? { mode: QuantMode.FracBits, param: 0 } : { mode: QuantMode.Scale, param: decimal }];
  let maxAbs = 0;
  for (const v of ds.x) maxAbs = Math.max(maxAbs, Math.abs(v));
  const top = maxAbs === 0 ? 0 : Math.ceil(Math.log2(maxAbs));
  const first = Math.max(0, Math.min(MAX_FRAC_BITS, startBits - 1 - top));
  return Array.from({ length: MAX_FRAC_BITS - first + 1 }, (_, k) => ({ mode: QuantMode.FracBits, param: first + k }));
}

export function fitNetwork(net: FloatNetwork, ds: Dataset, opts: FitOptions = {}): NetworkFit {
  if (ds.dim !== net.inputDim) throw new NetworkImportError(net.source, `takes ${net.inputDim} inputs; ${ds.name} has ${ds.dim}`);
  const names = classNames(net, opts.classNames);
  const floatClass = floatClasses(net, ds.x, ds.n);
  const scales = inputScales(ds, opts.weightBits ?? DEFAULT_WEIGHT_BITS);
  // Step t: the t-th input scale (the last once they run out) and t more weight bits (unless
  // fixed); the walk ends when neither can grow.
  const stepAt = (t: number) => ({
    quant: scales[Math.min(t, scales.length - 1)],
    weightBits: opts.weightBits ?? Math.min(MAX_WEIGHT_BITS, DEFAULT_WEIGHT_BITS + t),
  });
  const total = opts.weightBits === undefined ? Math.max(scales.length, MAX_WEIGHT_BITS - DEFAULT_WEIGHT_BITS + 1) : scales.length;
  const engine = new Engine('release');
  const steps: FitStep[] = [];
  let best: NetworkFit | undefined;
  let limit: string | undefined;
  for (let t = 0; t < total; t++) {
    const { quant, weightBits } = stepAt(t);
    const xq = quantizeValues(ds, quant);
    if (typeof xq === 'number') {
      steps.push({ quant, weightBits, refused: `input ${ds.x[xq]} passes i32` });
      limit = `finer inputs pass i32 (${ds.x[xq]} on line ${ds.line[Math.floor(xq / ds.dim)]})`;
      break;
    }
    let q: NetworkQuantization;
    try {
      q = quantizeNetwork(net, quant, inputDomain(ds, xq, quant), names, weightBits);
    } catch (e) {
      if (!(e instanceof NetworkImportError)) throw e;
      steps.push({ quant, weightBits, refused: e.message });
      limit = `the next finer step passes the engine's i64 accumulators (${e.message})`;
      break;
    }
    engine.loadOrThrow(writeBlob(q.network));
    const intClass = engine.evaluateBatch(xq, ds.n);
    let agree = 0;
    for (let i = 0; i < ds.n; i++) if (intClass[i] === floatClass[i]) agree++;
    steps.push({ quant, weightBits, agree });
    opts.onStep?.(t + 1, total);
    if (!best || agree > best.agree) best = { ...q, xq, weightBits, floatClass, intClass, agree, n: ds.n, steps };
    if (agree === ds.n) break;
  }
  if (!best) throw new NetworkImportError(net.source, `no quantization fits: ${limit}`);
  const finest = opts.weightBits !== undefined ? `the weights are fixed at ${opts.weightBits} bits (--weight-bits) and no finer input scale is left`
    : `no finer step is left (${MAX_WEIGHT_BITS}-bit weights${scales.length === 1 ? ', exact inputs' : ''})`;
  return { ...best, steps, ...(best.agree < ds.n ? { limit: limit ?? finest } : {}) };
}

/** A step as a user reads it: "inputs ×2^12, 14-bit weights". */
export function describeFit(s: Pick<FitStep, 'quant' | 'weightBits'>): string {
  const inputs = s.quant.mode === QuantMode.Scale ? `×${s.quant.param}` : `×2^${s.quant.param}`;
  return `inputs ${inputs}, ${s.weightBits}-bit weights`;
}
