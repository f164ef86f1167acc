// What synthesis starts from: the exact integer network and the quantized inputs it must serve.
// A dense blob is taken as it is (its quantization and domain); a float network file is
// quantized exactly as `pack` does (host/import/pack.ts: searched until the integer network
// answers the float network's class). Held-out inputs never shape the graph: the input domain
// is the declared one (MNIST 0–255) or the synthesis inputs' observed and widened one, and a
// held-out input outside it is refused by both blobs (InputOutOfDomain) and counted as a
// disagreement in the fidelity (docs/SYNTH.md, "The held-out domain rule").

import { readFileSync } from 'node:fs';
import { MAGIC } from '../../assembly/format.js';
import type { Dataset } from '../data/dataset.js';
import { DataError, DatasetError } from '../data/errors.js';
import { quantizeInputs } from '../data/quantize.js';
import { readBlob } from '../format/reader.js';
import { writeBlob } from '../format/writer.js';
import { NetworkImportError } from '../import/float-network.js';
import { loadFloatNetwork } from '../import/load.js';
import { fitNetwork, type NetworkFit } from '../import/pack.js';
import type { DenseNetwork } from '../network.js';

export interface SynthInput {
  network: DenseNetwork;
  /** The dense network's blob (the file's own bytes when it was one). */
  blob: Uint8Array;
  /** The dataset's inputs in the network's quantization, all within its domain. */
  xq: Int32Array;
  /** The held-out inputs, likewise. */
  holdoutXq?: Int32Array;
  /** `blob`: a dense .cnb; `float`: a network file quantized here. */
  source: 'blob' | 'float';
  /** Float networks: the search's result — the quantization, and the float and integer
   *  networks' classes on the synthesis inputs. */
  fit?: NetworkFit;
}

export interface PrepareOptions {
  holdout?: Dataset;
  /** Float networks only: fixed weight bits (default: searched). */
  weightBits?: number;
  /** Float networks only: the text of the outputs (default: the file's names, else 0, 1, …). */
  classNames?: string[];
}

function isBlob(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) === MAGIC;
}

export function prepareSynthesis(file: string, ds: Dataset, opts: PrepareOptions = {}): SynthInput {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(file));
  } catch (e) {
    throw new NetworkImportError(file, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const holdout = opts.holdout;
  if (isBlob(bytes)) {
    if (opts.weightBits !== undefined) throw new NetworkImportError(file, 'a blob is already quantized: --weight-bits applies to float networks only');
    const { network } = readBlob(bytes);
    if (network.kind !== 'dense') throw new NetworkImportError(file, `a ${network.kind} blob; synth needs an unconditional network (a dense blob, e.g. from \`condnet pack\` or \`build -c interp\`)`);
    const xq = inputsFor(network, ds);
    return { network, blob: bytes, xq, ...(holdout ? { holdoutXq: heldOut(network, holdout) } : {}), source: 'blob' };
  }
  const float = loadFloatNetwork(file);
  const fit = fitNetwork(float, ds, { weightBits: opts.weightBits, classNames: opts.classNames });
  const network = fit.network;
  let holdoutXq: Int32Array | undefined;
  if (holdout) {
    if (holdout.dim !== ds.dim) throw new DatasetError(`${holdout.name} has ${holdout.dim} features per input, ${ds.name} has ${ds.dim}`);
    holdoutXq = heldOut(network, holdout);
  }
  checkDomain(network, ds, fit.xq);
  return { network, blob: writeBlob(network), xq: fit.xq, ...(holdoutXq ? { holdoutXq } : {}), source: 'float', fit };
}

/** Held-out inputs in the network's quantization, not checked against its domain: one outside
 *  it is refused in the engine and counts as a disagreement. */
export function heldOut(net: DenseNetwork, ds: Dataset): Int32Array {
  if (ds.dim !== net.dim) throw new DatasetError(`the network takes ${net.dim} features per input, ${ds.name} has ${ds.dim}`);
  return quantizeInputs(ds, net.quant);
}

/** Held-out inputs with a coordinate outside the network's domain. */
export function outsideDomain(net: DenseNetwork, xq: Int32Array, n: number): number {
  const d = net.dim;
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = xq[i * d + j];
      if (v < net.domain.lo[j] || v > net.domain.hi[j]) { k++; break; }
    }
  }
  return k;
}

/** A dataset in a network's quantization, every value checked against its domain. */
export function inputsFor(net: DenseNetwork, ds: Dataset): Int32Array {
  if (ds.dim !== net.dim) throw new DatasetError(`the network takes ${net.dim} features per input, ${ds.name} has ${ds.dim}`);
  const xq = quantizeInputs(ds, net.quant);
  checkDomain(net, ds, xq);
  return xq;
}

/** Synthesis serves inputs within the network's declared domain only (its bounds are proven
 *  there): a value outside is an error naming its line and column. */
export function checkDomain(net: DenseNetwork, ds: Dataset, xq: Int32Array): void {
  const d = net.dim;
  for (let i = 0; i < ds.n; i++) {
    for (let j = 0; j < d; j++) {
      const v = xq[i * d + j];
      if (v < net.domain.lo[j] || v > net.domain.hi[j]) {
        throw new DataError(ds.name, ds.line[i], j + 1,
          `value ${ds.x[i * d + j]} (${v} quantized) is outside the network's input domain ${net.domain.lo[j]} … ${net.domain.hi[j]}`);
      }
    }
  }
}
