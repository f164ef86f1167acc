// Dense layers, the part two kinds share: a `dense` blob is its layers, and a `graph` with net
// leaves holds its base network as the same DenseLayers section. Their writer, their reader
// (assembly/validate.ts walkLayers, check for check) and their evaluation (assembly/evaluate.ts
// runLayers, count for count).

import {
  ErrorCode, D_OUTPUT, D_RESERVED, DENSE_PREFIX_BYTES, DenseOutput, I64_WORDS, L_FLAGS, L_INPUTS, L_OUTPUTS,
  L_RESERVED, LAYER_HEADER_BYTES, LayerFlag, MAX_DENSE_LAYERS, MAX_DENSE_WIDTH, NeuronState, SectionId,
} from '../../assembly/format.js';
import { fail, type BlobView } from '../format/blob-view.js';
import { align, check, U32_MAX, type Section } from '../format/section.js';
import { dot, i64, type Evaluation } from '../engine/evaluation.js';
import type { OpCounts } from '../measure/counts.js';
import type { DenseLayer, DenseNetwork } from '../network.js';

export type Layers = Pick<DenseNetwork, 'layers' | 'output'>;

/** Scratch the layers evaluate in: two i64 buffers as wide as the widest layer or the input. */
export function denseBufferBytes(dim: number, layers: DenseLayer[]): number {
  return 16 * Math.max(dim, ...layers.map((l) => l.outputs));
}

export function writeLayers(net: Layers & Pick<DenseNetwork, 'dim' | 'classes'>): Section {
  check('dense layer count', net.layers.length, 1, MAX_DENSE_LAYERS);
  let bytes = DENSE_PREFIX_BYTES;
  for (const l of net.layers) bytes += LAYER_HEADER_BYTES + align(4 * l.weights.length) + 8 * l.outputs;
  const payload = new Uint8Array(check('dense layers size', bytes, 0, U32_MAX));
  const v = new DataView(payload.buffer);
  v.setUint32(D_OUTPUT, net.output === 'argmax' ? DenseOutput.Argmax : DenseOutput.ScalarClass, true);
  let at = DENSE_PREFIX_BYTES;
  let inputs = net.dim;
  net.layers.forEach((l, k) => {
    check(`layer ${k} inputs`, l.inputs, inputs, inputs);
    check(`layer ${k} outputs`, l.outputs, 1, MAX_DENSE_WIDTH);
    const rows = l.sharedRow ? 1 : l.outputs;
    check(`layer ${k} weight count`, l.weights.length, rows * l.inputs, rows * l.inputs);
    check(`layer ${k} bias count`, l.biases.length, l.outputs, l.outputs);
    v.setUint32(at + L_OUTPUTS, l.outputs, true);
    v.setUint32(at + L_INPUTS, l.inputs, true);
    v.setUint32(at + L_FLAGS, (l.relu ? LayerFlag.Relu : 0) | (l.sharedRow ? LayerFlag.SharedRow : 0), true);
    at += LAYER_HEADER_BYTES;
    l.weights.forEach((w, j) => v.setInt32(at + 4 * j, w, true));
    at += align(4 * l.weights.length);
    l.biases.forEach((b, o) => v.setBigInt64(at + 8 * o, b, true));
    at += 8 * l.outputs;
    inputs = l.outputs;
  });
  const want = net.output === 'argmax' ? net.classes.length : 1;
  check('output width', inputs, want, want);
  return { id: SectionId.DenseLayers, elemBytes: 0, count: net.layers.length, payload };
}

/** The engine's walkLayers, check for check: each layer framed like a wasm section, its
 *  lengths compared with what is left of the payload before they are used. */
export function readLayers(b: BlobView): Layers & { widest: number } {
  const { d, classes } = b;
  const ds = b.sec(SectionId.DenseLayers);
  const count = ds.count;
  if (ds.elemBytes !== 0 || count === 0 || count > MAX_DENSE_LAYERS || ds.bytes < DENSE_PREFIX_BYTES) b.shapeError(SectionId.DenseLayers);
  const base = ds.offset;
  const output = b.u32(base + D_OUTPUT);
  if (output > DenseOutput.ScalarClass || b.u32(base + D_RESERVED) !== 0) fail(ErrorCode.BadLayer, { offset: base, value: output, what: 'output mode or reserved word' });
  let at = DENSE_PREFIX_BYTES;
  let inputs = d;
  let widest = d;
  const layers: DenseLayer[] = [];
  for (let k = 0; k < count; k++) {
    if (LAYER_HEADER_BYTES > ds.bytes - at) fail(ErrorCode.BadSection, { offset: base + at, value: ds.bytes - at, limit: LAYER_HEADER_BYTES, what: `layer ${k} header` });
    const h = base + at;
    const outputs = b.u32(h + L_OUTPUTS);
    const flags = b.u32(h + L_FLAGS);
    if (outputs === 0 || outputs > MAX_DENSE_WIDTH || b.u32(h + L_INPUTS) !== inputs
      || (flags & ~(LayerFlag.Relu | LayerFlag.SharedRow)) !== 0 || b.u32(h + L_RESERVED) !== 0) {
      fail(ErrorCode.BadLayer, { offset: h, value: outputs, what: `layer ${k} header (outputs, inputs ${b.u32(h + L_INPUTS)} vs ${inputs}, flags ${flags})` });
    }
    at += LAYER_HEADER_BYTES;
    const sharedRow = (flags & LayerFlag.SharedRow) !== 0;
    const nWeights = sharedRow ? inputs : outputs * inputs;
    const weightBytes = Math.ceil((nWeights * 4) / 8) * 8;
    if (weightBytes > ds.bytes - at) fail(ErrorCode.BadSection, { offset: base + at, value: weightBytes, limit: ds.bytes - at, what: `layer ${k} weights` });
    const weights = new Int32Array(nWeights);
    for (let j = 0; j < nWeights; j++) weights[j] = b.i32(base + at + 4 * j);
    at += weightBytes;
    if (outputs * 8 > ds.bytes - at) fail(ErrorCode.BadSection, { offset: base + at, value: outputs * 8, limit: ds.bytes - at, what: `layer ${k} biases` });
    const biases = new BigInt64Array(outputs);
    for (let o = 0; o < outputs; o++) biases[o] = b.i64(base + at + 8 * o);
    at += 8 * outputs;
    layers.push({ inputs, outputs, relu: (flags & LayerFlag.Relu) !== 0, sharedRow, weights, biases });
    inputs = outputs;
    widest = Math.max(widest, outputs);
  }
  if (at !== ds.bytes) fail(ErrorCode.BadSection, { offset: base + at, value: ds.bytes - at, what: 'bytes after the last layer' });
  const want = output === DenseOutput.Argmax ? classes : 1;
  if (inputs !== want) fail(ErrorCode.BadLayer, { value: inputs, limit: want, what: 'outputs of the last layer' });
  return { layers, output: output === DenseOutput.Argmax ? 'argmax' : 'scalar', widest };
}

/** Every neuron of every layer in i64 with wrap-around, except those a graph's mask (one
 *  NeuronState per neuron) skips or passes without their ReLU; each op counts 2 words. */
export function runLayers(net: Layers, classes: number, h: bigint[], c: OpCounts, mask?: Uint8Array): Evaluation {
  let k = 0;
  for (const l of net.layers) {
    let shared: bigint | undefined;
    const next: bigint[] = new Array(l.outputs);
    for (let o = 0; o < l.outputs; o++, k++) {
      const state = mask ? mask[k] : NeuronState.Compute;
      if (state === NeuronState.Inactive) {
        next[o] = 0n;
        continue;
      }
      if (l.sharedRow && shared === undefined) shared = dot(c, l.weights, 0, l.inputs, h);
      let z = shared ?? dot(c, l.weights, o * l.inputs, l.inputs, h);
      const b = l.biases[o];
      c.loads += 8;
      if (b !== 0n) {
        z = i64(z + b);
        c.add++;
      }
      if (l.relu && state === NeuronState.Compute) {
        if (z < 0n) z = 0n;
        c.cmp++;
      }
      next[o] = z;
    }
    h = next;
  }
  let output: number;
  if (net.output === 'scalar') {
    const v = h[0];
    if (v < 0n || v >= BigInt(classes)) return { output: -ErrorCode.OutputOutOfRange, counts: c };
    output = Number(v);
  } else {
    output = 0;
    for (let k = 1; k < h.length; k++) {
      if (h[k] > h[output]) output = k;
      c.cmp++;
    }
  }
  c.wordOps = I64_WORDS * (c.mul + c.add + c.cmp);
  return { output, counts: c };
}
