// ONNX models of dense ReLU MLPs, decoded with `onnx-proto` (the ONNX schema compiled by
// protobufjs): Gemm, or MatMul followed by Add, for each layer; Relu after it; Flatten or
// Reshape of an input that is already a flat vector; Softmax, Identity and Dropout pass
// through (argmax ignores a softmax). Anything else is refused naming the first such node.

import onnxProto from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';

// onnx-proto is CommonJS: its `onnx` namespace arrives on the default export.
const { onnx } = onnxProto;
import { NetworkImportError, checkFloatNetwork, type FloatLayer, type FloatNetwork } from './float-network.js';

const FLOAT = 1; // TensorProto.DataType.FLOAT

export function isOnnx(bytes: Uint8Array): boolean {
  // A ModelProto starts with field 1 (ir_version, varint): tag byte 0x08.
  return bytes.length > 0 && bytes[0] === 0x08;
}

export function readOnnxModel(bytes: Uint8Array, file: string): FloatNetwork {
  const fail = (m: string): never => { throw new NetworkImportError(file, m); };
  let model: Onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    return fail(`not an ONNX model: ${(e as Error).message}`);
  }
  const graph = model.graph ?? fail('the model has no graph');
  const tensors = new Map<string, { dims: number[]; data: Float64Array }>();
  for (const t of graph.initializer ?? []) {
    if (t.dataType !== FLOAT) fail(`initializer ${t.name}: data type ${t.dataType} (only float32 is read)`);
    const dims = (t.dims ?? []).map(Number);
    const count = dims.reduce((a, b) => a * b, 1);
    let data: Float64Array;
    if (t.rawData && t.rawData.length > 0) {
      const raw = t.rawData;
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      data = Float64Array.from({ length: count }, (_, k) => view.getFloat32(4 * k, true));
    } else {
      data = Float64Array.from(t.floatData ?? []);
    }
    if (data.length !== count) fail(`initializer ${t.name}: ${data.length} values for shape [${dims.join(', ')}]`);
    tensors.set(t.name ?? '', { dims, data });
  }
  const initialized = new Set(tensors.keys());
  const input = (graph.input ?? []).find((v) => !initialized.has(v.name ?? ''));
  const shape = input?.type?.tensorType?.shape?.dim?.map((d) => Number(d.dimValue ?? 0)) ?? [];
  const inputDim = shape.slice(1).reduce((a, b) => a * b, 1);

  const attr = (node: Onnx.INodeProto, name: string, fallback: number) => {
    const a = (node.attribute ?? []).find((x) => x.name === name);
    return a ? (a.type === onnx.AttributeProto.AttributeType.FLOAT ? a.f ?? fallback : Number(a.i ?? fallback)) : fallback;
  };
  const layers: FloatLayer[] = [];
  // A layer from weights W given as [inputs, outputs] (MatMul, Gemm without transB) or
  // [outputs, inputs] (Gemm with transB = 1), scaled by alpha, and a bias scaled by beta.
  const dense = (w: { dims: number[]; data: Float64Array }, transposed: boolean, bias: Float64Array | undefined, alpha = 1, beta = 1): FloatLayer => {
    const [rows, cols] = w.dims;
    const inputs = transposed ? cols : rows;
    const outputs = transposed ? rows : cols;
    const weights = new Float64Array(inputs * outputs);
    for (let o = 0; o < outputs; o++) {
      for (let i = 0; i < inputs; i++) weights[o * inputs + i] = alpha * (transposed ? w.data[o * cols + i] : w.data[i * cols + o]);
    }
    const biases = bias ? Float64Array.from(bias, (b) => beta * b) : new Float64Array(outputs);
    return { inputs, outputs, weights, biases, relu: false };
  };
  const nodes = graph.node ?? [];
  for (let k = 0; k < nodes.length; k++) {
    const node = nodes[k];
    const op = node.opType ?? '?';
    const operand = (i: number) => tensors.get(node.input?.[i] ?? '');
    switch (op) {
      case 'Gemm': {
        const w = operand(1) ?? fail(`node ${k} (Gemm): weights ${node.input?.[1]} are not an initializer`);
        if (attr(node, 'transA', 0) !== 0) fail(`node ${k} (Gemm): transA is not supported`);
        const c = operand(2);
        layers.push(dense(w, attr(node, 'transB', 0) === 1, c?.data, attr(node, 'alpha', 1), attr(node, 'beta', 1)));
        break;
      }
      case 'MatMul': {
        const w = operand(1) ?? fail(`node ${k} (MatMul): weights ${node.input?.[1]} are not an initializer`);
        layers.push(dense(w, false, undefined));
        break;
      }
      case 'Add': {
        const last = layers[layers.length - 1];
        const b = operand(1) ?? operand(0);
        if (!last || !b || nodes[k - 1]?.opType !== 'MatMul') fail(`node ${k} (Add) does not add a bias to a MatMul`);
        if (b!.data.length !== last.outputs) fail(`node ${k} (Add): ${b!.data.length} biases for ${last.outputs} outputs`);
        last.biases = Float64Array.from(b!.data);
        break;
      }
      case 'Relu': {
        const last = layers[layers.length - 1] ?? fail(`node ${k} (Relu) comes before any layer`);
        last.relu = true;
        break;
      }
      case 'Flatten':
      case 'Reshape':
        if (layers.length > 0) fail(`node ${k} (${op}) after a layer is not a flat input`);
        break;
      case 'Softmax':
        if (nodes.slice(k + 1).some((n) => !['Identity', 'Dropout'].includes(n.opType ?? ''))) fail(`node ${k} (Softmax) is not the last operation`);
        break;
      case 'Identity':
      case 'Dropout':
        break;
      default:
        fail(`node ${k} (${op}) is not supported: condnet imports dense ReLU MLPs (Gemm, MatMul + Add, Relu, Flatten/Reshape of a flat input)`);
    }
  }
  // Class names, when the file carries them as `condnet export-onnx` writes them.
  const named = model.metadataProps?.find((p) => p.key === 'condnet.classes')?.value;
  let classes: string[] | undefined;
  if (named) {
    try {
      classes = JSON.parse(named);
    } catch {
      fail('metadata condnet.classes is not JSON');
    }
    if (!Array.isArray(classes) || !classes.every((c) => typeof c === 'string')) fail('metadata condnet.classes must be an array of strings');
  }
  return checkFloatNetwork({ source: file, inputDim: inputDim || layers[0]?.inputs || 0, layers, ...(classes ? { classes } : {}) });
}
