// A trained unconditional ReLU network as its importers read it (DESIGN §3.5, §4): float
// weights, one row per neuron, each layer with or without ReLU, an argmax over the outputs.
// Quantization turns it into the exact integer network condnet runs (quantize-network.ts).

import { CondnetError } from '../errors.js';

export interface FloatLayer {
  inputs: number;
  outputs: number;
  /** `outputs` rows of `inputs` weights, row-major. */
  weights: Float64Array;
  biases: Float64Array;
  relu: boolean;
}

export interface FloatNetwork {
  /** Where it came from, for messages. */
  source: string;
  inputDim: number;
  layers: FloatLayer[];
  /** Label text of each output, when the file names them (condnet JSON `classes`, tfjs
   *  `userDefinedMetadata.classNames`, ONNX metadata `condnet.classes`). */
  classes?: string[];
}

/** A network file that cannot be imported; the message names the file and the place. */
export class NetworkImportError extends CondnetError {
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'NetworkImportError';
  }
}

/** The float network's class on input x, as its framework computes it: float32 inputs,
 *  weights and layer outputs. Each neuron's sum runs in float64 and is rounded to float32 once
 *  with its bias (TensorFlow.js's CPU kernel sums blocks of 48 products in float64, ONNX Runtime
 *  in float32 with fused multiply-adds: both stay within a few float32 ulps of this), then the
 *  ReLU, then argmax, the first largest winning. test/networks.test.ts holds it to both
 *  frameworks' own answers. */
export function floatClassify(net: FloatNetwork, x: ArrayLike<number>, offset = 0): number {
  let h = Float64Array.from({ length: net.inputDim }, (_, j) => Math.fround(x[offset + j]));
  for (const l of net.layers) {
    const next = new Float64Array(l.outputs);
    for (let o = 0; o < l.outputs; o++) {
      let z = 0;
      for (let j = 0, r = o * l.inputs; j < l.inputs; j++) z += l.weights[r + j] * h[j];
      z = Math.fround(Math.fround(z) + l.biases[o]);
      next[o] = l.relu && z < 0 ? 0 : z;
    }
    h = next;
  }
  let best = 0;
  for (let k = 1; k < h.length; k++) if (h[k] > h[best]) best = k;
  return best;
}

/** floatClassify on the n rows of x (row-major, inputDim values each). */
export function floatClasses(net: FloatNetwork, x: ArrayLike<number>, n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => floatClassify(net, x, i * net.inputDim));
}

/** Output k of a network is class k; its text is the network's own name for it, the user's
 *  (`--class-names`), or `k`. A dataset's label column never names outputs: it is only
 *  compared against (docs/NETWORKS.md, "Classes"). */
export function classNames(net: FloatNetwork, given?: string[]): string[] {
  const outputs = net.layers[net.layers.length - 1].outputs;
  const names = given ?? net.classes;
  if (names && names.length !== outputs) {
    throw new NetworkImportError(net.source, `${names.length} class names for ${outputs} outputs${given ? ' (--class-names)' : ''}`);
  }
  if (names && new Set(names).size !== names.length) throw new NetworkImportError(net.source, 'class names must differ from each other');
  return names ?? Array.from({ length: outputs }, (_, k) => String(k));
}

/** Checks shapes and finiteness once, so quantization can trust the network. */
export function checkFloatNetwork(net: FloatNetwork): FloatNetwork {
  let inputs = net.inputDim;
  if (!Number.isInteger(inputs) || inputs < 1) throw new NetworkImportError(net.source, `input width ${inputs} is not a positive integer`);
  if (net.layers.length === 0) throw new NetworkImportError(net.source, 'the network has no layers');
  net.layers.forEach((l, k) => {
    if (l.inputs !== inputs) throw new NetworkImportError(net.source, `layer ${k} takes ${l.inputs} inputs, but the layer before gives ${inputs}`);
    if (l.weights.length !== l.inputs * l.outputs) throw new NetworkImportError(net.source, `layer ${k} has ${l.weights.length} weights, expected ${l.inputs} × ${l.outputs}`);
    if (l.biases.length !== l.outputs) throw new NetworkImportError(net.source, `layer ${k} has ${l.biases.length} biases, expected ${l.outputs}`);
    const bad = [...l.weights, ...l.biases].findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new NetworkImportError(net.source, `layer ${k} holds a value that is not a finite number`);
    inputs = l.outputs;
  });
  if (net.classes && net.classes.length !== inputs) {
    throw new NetworkImportError(net.source, `${net.classes.length} class names for ${inputs} outputs`);
  }
  return net;
}
