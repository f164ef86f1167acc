// Networks out as ONNX models, encoded with `onnx-proto` (the same schema host/import/onnx.ts
// decodes). One `Gemm` per layer (transB = 1: the weights are stored [outputs, inputs], one row
// per neuron, as condnet keeps them), a `Relu` after each ReLU layer, opset 13, initializers
// as raw little-endian floats. Input `x` [N, d], output `scores` [N, C]; the class is the
// argmax of a row of scores, the lowest index winning ties (as floatClassify and the engine).
//
// Two sources:
// - a float network (condnet JSON, tfjs model.json, ONNX): its weights as they are, rounded to
//   float32 (tfjs and ONNX weights are float32 already, so nothing changes);
// - an integer dense network (a dense blob from `pack`): its i32 weights and i64 biases as
//   floats, on the network's integer inputs x_int (the engine's inputs). The export is exact —
//   the same scores as the engine, hence the same class — when every input, weight, bias and
//   accumulator is an integer of magnitude ≤ 2^24 (float32) or ≤ 2^53 (float64): each product
//   and each partial sum, in whatever order a runtime adds them, is then an integer no larger
//   than the proven bound Σ|w|·max|h| + |b|, so no rounding ever happens. That is checked from
//   the blob's declared input domain before anything is written; an export that would round is
//   refused unless asked for (`inexact`).

import onnxProto from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';
import { describeQuantization } from '../data/quantize.js';
import { CondnetError } from '../errors.js';
import type { FloatNetwork } from '../import/float-network.js';
import type { DenseNetwork } from '../network.js';

// onnx-proto is CommonJS: its `onnx` namespace arrives on the default export.
const { onnx } = onnxProto;

export const ONNX_OPSET = 13;
/** IR version 7 goes with opset 13. */
export const ONNX_IR_VERSION = 7;
export const INPUT_NAME = 'x';
export const OUTPUT_NAME = 'scores';

export type OnnxElement = 'float32' | 'float64';
const DATA_TYPE: Record<OnnxElement, number> = { float32: 1, float64: 11 }; // TensorProto.DataType
/** Every integer of magnitude up to this is exactly representable. */
export const EXACT_INTEGER_LIMIT: Record<OnnxElement, bigint> = { float32: 1n << 24n, float64: 1n << 53n };

/** A network that cannot be exported as asked; the message says why and what would work. */
export class OnnxExportError extends CondnetError {
  constructor(message: string) {
    super(message);
    this.name = 'OnnxExportError';
  }
}

export interface OnnxLayerSpec {
  inputs: number;
  outputs: number;
  /** `outputs` rows of `inputs` weights, row-major. */
  weights: ArrayLike<number>;
  biases: ArrayLike<number>;
  relu: boolean;
}

export interface OnnxModelSpec {
  inputDim: number;
  layers: OnnxLayerSpec[];
  element: OnnxElement;
  docString: string;
  /** Written as the model's metadata_props. */
  metadata: Record<string, string>;
}

function tensor(name: string, dims: number[], values: ArrayLike<number>, element: OnnxElement): Onnx.ITensorProto {
  const data = element === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
  // rawData is little-endian; typed arrays are too on every platform Node runs on.
  return { name, dims, dataType: DATA_TYPE[element], rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

function valueInfo(name: string, columns: number, element: OnnxElement): Onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType: DATA_TYPE[element], shape: { dim: [{ dimParam: 'N' }, { dimValue: columns }] } } },
  };
}

/** The ModelProto bytes of an MLP: Gemm (+ Relu) per layer. */
export function encodeOnnxMlp(spec: OnnxModelSpec): Uint8Array {
  const nodes: Onnx.INodeProto[] = [];
  const initializer: Onnx.ITensorProto[] = [];
  let current = INPUT_NAME;
  const last = spec.layers.length - 1;
  spec.layers.forEach((l, k) => {
    const w = `layer${k}.weight`;
    const b = `layer${k}.bias`;
    initializer.push(tensor(w, [l.outputs, l.inputs], l.weights, spec.element), tensor(b, [l.outputs], l.biases, spec.element));
    const z = k === last && !l.relu ? OUTPUT_NAME : `layer${k}.z`;
    nodes.push({
      name: `layer${k}.gemm`, opType: 'Gemm', input: [current, w, b], output: [z],
      attribute: [{ name: 'transB', type: onnx.AttributeProto.AttributeType.INT, i: 1 }],
    });
    current = z;
    if (l.relu) {
      const h = k === last ? OUTPUT_NAME : `layer${k}.h`;
      nodes.push({ name: `layer${k}.relu`, opType: 'Relu', input: [z], output: [h] });
      current = h;
    }
  });
  const outputs = spec.layers[last].outputs;
  const model = onnx.ModelProto.create({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'condnet',
    docString: spec.docString,
    metadataProps: Object.entries(spec.metadata).map(([key, value]) => ({ key, value })),
    graph: {
      name: 'condnet-mlp',
      node: nodes,
      initializer,
      input: [valueInfo(INPUT_NAME, spec.inputDim, spec.element)],
      output: [valueInfo(OUTPUT_NAME, outputs, spec.element)],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

const CLASS_RULE = 'class = argmax of a row of scores, the lowest index winning ties';

export interface FloatExport {
  bytes: Uint8Array;
  /** Weights and biases that float32 could not hold exactly (0 for tfjs and ONNX networks). */
  rounded: number;
}

/** A float network as it is (the float32 MLP users deploy). */
export function floatNetworkToOnnx(net: FloatNetwork): FloatExport {
  let rounded = 0;
  for (const l of net.layers) {
    for (const v of l.weights) if (Math.fround(v) !== v) rounded++;
    for (const v of l.biases) if (Math.fround(v) !== v) rounded++;
  }
  const classes = net.classes ?? [];
  const bytes = encodeOnnxMlp({
    inputDim: net.inputDim,
    layers: net.layers,
    element: 'float32',
    docString: `condnet export of ${net.source}: the float network's own weights (float32); ${CLASS_RULE}` +
      (classes.length ? ` (classes in metadata condnet.classes)` : ''),
    metadata: {
      'condnet.source': 'float-network',
      'condnet.class_rule': CLASS_RULE,
      ...(classes.length ? { 'condnet.classes': JSON.stringify(classes) } : {}),
    },
  });
  return { bytes, rounded };
}

export interface DenseExactness {
  /** Largest |x_int| over the declared input domain. */
  input: bigint;
  /** Largest |weight| and |bias| of each layer. */
  weights: bigint[];
  biases: bigint[];
  /** Proven bound on |accumulator| of each layer over the domain: Σ|w|·max|h| + |b|. */
  bounds: bigint[];
  /** The largest of all of these: every value the exported model computes is an integer of
   *  at most this magnitude. */
  largest: bigint;
}

const abs = (v: bigint) => (v < 0n ? -v : v);

/** Magnitudes of everything an integer dense network computes over its input domain. */
export function denseExactness(net: DenseNetwork): DenseExactness {
  let maxAbs = Array.from(net.domain.lo, (lo, j) => BigInt(Math.max(Math.abs(lo), Math.abs(net.domain.hi[j]))));
  const input = maxAbs.reduce((m, v) => (v > m ? v : m), 0n);
  const weights: bigint[] = [];
  const biases: bigint[] = [];
  const bounds: bigint[] = [];
  for (const l of net.layers) {
    let wMax = 0n;
    let bMax = 0n;
    let worst = 0n;
    const next: bigint[] = new Array(l.outputs);
    for (let o = 0; o < l.outputs; o++) {
      const b = abs(l.biases[o]);
      if (b > bMax) bMax = b;
      let acc = b;
      const r = l.sharedRow ? 0 : o * l.inputs;
      for (let j = 0; j < l.inputs; j++) {
        const w = BigInt(Math.abs(l.weights[r + j]));
        if (w > wMax) wMax = w;
        acc += w * maxAbs[j];
      }
      next[o] = acc;
      if (acc > worst) worst = acc;
    }
    maxAbs = next;
    weights.push(wMax);
    biases.push(bMax);
    bounds.push(worst);
  }
  const largest = [input, ...weights, ...biases, ...bounds].reduce((m, v) => (v > m ? v : m), 0n);
  return { input, weights, biases, bounds, largest };
}

export interface DenseExportOptions {
  element?: OnnxElement;
  /** Export even when the element type cannot hold every value exactly. */
  inexact?: boolean;
  /** For messages. */
  source?: string;
}

export interface DenseExport {
  bytes: Uint8Array;
  element: OnnxElement;
  exactness: DenseExactness;
  /** Same scores as the engine on every input of the declared domain. */
  exact: boolean;
}

const pow2 = (v: bigint) => `2^${Math.log2(Number(v)).toFixed(1)}`;

/** Why `element` is not exact for this network, or undefined when it is. */
export function inexactReason(e: DenseExactness, element: OnnxElement): string | undefined {
  const limit = EXACT_INTEGER_LIMIT[element];
  if (e.largest <= limit) return undefined;
  let where = e.input > limit ? `inputs reach ${e.input}` : '';
  for (let k = 0; !where && k < e.bounds.length; k++) {
    if (e.weights[k] > limit) where = `layer ${k}: weights reach ${e.weights[k]}`;
    else if (e.biases[k] > limit) where = `layer ${k}: biases reach ${e.biases[k]} (≈ ${pow2(e.biases[k])})`;
    else if (e.bounds[k] > limit) where = `layer ${k}: accumulators can reach ${e.bounds[k]} (≈ ${pow2(e.bounds[k])}) over the declared input domain`;
  }
  return `${where}, past ${element === 'float32' ? '2^24' : '2^53'}, the largest integer range ${element} holds exactly`;
}

/** An integer dense network (a `pack` blob) as an ONNX model on its integer inputs. */
export function denseNetworkToOnnx(net: DenseNetwork, opts: DenseExportOptions = {}): DenseExport {
  const source = opts.source ?? 'the network';
  if (net.output !== 'argmax') {
    throw new OnnxExportError(`${source}: its last layer is a single score that is the class index itself (${net.construction ?? 'scalar output'}, DESIGN §3.3), ` +
      'not class scores to argmax; export-onnx writes argmax models only');
  }
  const element = opts.element ?? 'float32';
  const exactness = denseExactness(net);
  const reason = inexactReason(exactness, element);
  if (reason && !opts.inexact) {
    const f64 = element === 'float32' && !inexactReason(exactness, 'float64');
    throw new OnnxExportError(`${source}: ${reason}, so ${element} would round and the class could differ from the engine's; ` +
      (f64 ? '--float64 exports it exactly, ' : '') + `--inexact exports ${element} anyway`);
  }
  const layers = net.layers.map((l) => ({
    inputs: l.inputs,
    outputs: l.outputs,
    relu: l.relu,
    weights: l.sharedRow ? Array.from({ length: l.outputs * l.inputs }, (_, k) => l.weights[k % l.inputs]) : l.weights,
    biases: Array.from(l.biases, Number),
  }));
  const quant = describeQuantization(net.quant);
  const bytes = encodeOnnxMlp({
    inputDim: net.dim,
    layers,
    element,
    docString: `condnet export of the integer dense network ${source} as ${element}. Input: the engine's integers, ` +
      `x_int = round(${quant}), within the declared domain. ` +
      (reason ? `NOT EXACT: ${reason}; scores are rounded. ` : `Exact: every value it computes is an integer of magnitude ≤ ${exactness.largest}, the same scores as the engine. `) +
      `${CLASS_RULE} (classes in metadata condnet.classes).`,
    metadata: {
      'condnet.source': 'dense-blob',
      'condnet.class_rule': CLASS_RULE,
      'condnet.classes': JSON.stringify(net.classes),
      'condnet.input': `x_int = round(${quant})`,
      'condnet.domain_lo': JSON.stringify(Array.from(net.domain.lo)),
      'condnet.domain_hi': JSON.stringify(Array.from(net.domain.hi)),
      'condnet.exact': String(!reason),
      'condnet.largest_value': String(exactness.largest),
    },
  });
  return { bytes, element, exactness, exact: !reason };
}
