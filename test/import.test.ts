// Importing trained networks (DESIGN §3.5, §4): condnet JSON and the tfjs layers format read the
// same weights into the same network; unsupported layers are refused by name; exact
// quantization gives a dense blob whose engine outputs are the integer network's, with every
// accumulator bounded (a precision past i64 is refused with its bound).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QuantMode } from '../assembly/format.js';
import { Engine } from '../host/engine/engine.js';
import { referenceEvaluate } from '../host/engine/reference.js';
import { writeBlob } from '../host/format/writer.js';
import { loadFloatNetwork } from '../host/import/load.js';
import { floatClassify } from '../host/import/float-network.js';
import { quantizeNetwork } from '../host/import/quantize-network.js';
import onnxProto from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';

const { onnx } = onnxProto;

const dir = mkdtempSync(join(tmpdir(), 'condnet-import-'));
const CLI = new URL('../host/cli/main.js', import.meta.url).pathname;

// A 3-4-2 network with known weights, rows = neurons.
const W1 = [[0.5, -1.25, 0.75], [1.5, 0.25, -0.5], [-0.75, 1.0, 0.125], [0.0, -0.5, 1.75]];
const B1 = [0.125, -0.25, 0.5, 0.0];
const W2 = [[1.0, -0.5, 0.25, 0.75], [-1.5, 1.25, 0.5, -0.25]];
const B2 = [0.0, 0.0625];

function writeJson(name: string, extra: object = {}): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify({
    format: 'condnet-network', version: 1, inputDim: 3,
    layers: [{ weights: W1, biases: B1, activation: 'relu' }, { weights: W2, biases: B2, activation: 'linear' }],
    ...extra,
  }));
  return file;
}

/** The same network as tfjs `model.save` writes it: kernels [inputs, outputs], float32. */
function writeTfjs(name: string, layers: object[] = [
  { class_name: 'Dense', config: { name: 'dense_Dense1', units: 4, activation: 'relu', use_bias: true, batch_input_shape: [null, 3] } },
  { class_name: 'Dense', config: { name: 'dense_Dense2', units: 2, activation: 'softmax', use_bias: true } },
]): string {
  const kernel = (w: number[][]) => w[0].flatMap((_, i) => w.map((row) => row[i]));
  const values = [...kernel(W1), ...B1, ...kernel(W2), ...B2];
  const bin = Buffer.alloc(4 * values.length);
  values.forEach((v, k) => bin.writeFloatLE(v, 4 * k));
  writeFileSync(join(dir, `${name}.bin`), bin);
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({
    format: 'layers-model',
    modelTopology: { class_name: 'Sequential', config: { name: 'sequential_1', layers } },
    weightsManifest: [{
      paths: [`${name}.bin`],
      weights: [
        { name: 'dense_Dense1/kernel', shape: [3, 4], dtype: 'float32' }, { name: 'dense_Dense1/bias', shape: [4], dtype: 'float32' },
        { name: 'dense_Dense2/kernel', shape: [4, 2], dtype: 'float32' }, { name: 'dense_Dense2/bias', shape: [2], dtype: 'float32' },
      ],
    }],
  }));
  return file;
}

/** The same network in ONNX: Gemm (transB = 1, weights as rows) + Relu, then MatMul + Add
 *  (weights [inputs, outputs]) + Softmax, encoded with onnx-proto. */
function writeOnnx(name: string, extra: Onnx.INodeProto[] = []): string {
  const tensor = (tname: string, dims: number[], values: number[]) => ({ name: tname, dims, dataType: 1, floatData: values });
  const model = onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'mlp',
      node: [
        { opType: 'Gemm', input: ['x', 'W1', 'B1'], output: ['h'], attribute: [{ name: 'transB', i: 1, type: onnx.AttributeProto.AttributeType.INT }] },
        { opType: 'Relu', input: ['h'], output: ['r'] },
        ...extra,
        { opType: 'MatMul', input: ['r', 'W2'], output: ['m'] },
        { opType: 'Add', input: ['m', 'B2'], output: ['z'] },
        { opType: 'Softmax', input: ['z'], output: ['y'] },
      ],
      initializer: [
        tensor('W1', [4, 3], W1.flat()), tensor('B1', [4], B1),
        tensor('W2', [4, 2], W2[0].flatMap((_, i) => W2.map((row) => row[i]))), tensor('B2', [2], B2),
      ],
      input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }, { dimValue: 3 }] } } } }],
      output: [{ name: 'y' }],
    },
  });
  const file = join(dir, `${name}.onnx`);
  writeFileSync(file, onnx.ModelProto.encode(model).finish());
  return file;
}

test('condnet JSON, the tfjs layers format and ONNX import the same weights to the same network', () => {
  const a = loadFloatNetwork(writeJson('net.json'));
  const b = loadFloatNetwork(writeTfjs('model'));
  const c = loadFloatNetwork(writeOnnx('model'));
  for (const n of [a, b, c]) assert.equal(n.inputDim, 3);
  assert.deepEqual(a.layers, b.layers); // the weights are exact in float32 by choice
  assert.deepEqual(c.layers, b.layers);
  assert.throws(() => loadFloatNetwork(writeOnnx('conv', [{ opType: 'Conv', input: ['r', 'K'], output: ['r2'] }])),
    /conv\.onnx: node 2 \(Conv\) is not supported/);
});

test('unsupported layers and activations are refused by name', () => {
  const conv = writeTfjs('conv', [
    { class_name: 'Conv2D', config: { name: 'conv2d_1', filters: 4, batch_input_shape: [null, 3] } },
  ]);
  assert.throws(() => loadFloatNetwork(conv), /conv\.json: layer 0 \(Conv2D\) is not supported/);
  const tanh = writeTfjs('tanh', [
    { class_name: 'Dense', config: { name: 'dense_Dense1', units: 4, activation: 'tanh', batch_input_shape: [null, 3] } },
    { class_name: 'Dense', config: { name: 'dense_Dense2', units: 2, activation: 'linear' } },
  ]);
  assert.throws(() => loadFloatNetwork(tanh), /layer 0 \(Dense dense_Dense1\): activation "tanh" is not supported/);
  assert.throws(() => loadFloatNetwork(writeJson('sig.json', { layers: [{ weights: [[1, 2, 3]], biases: [0], activation: 'sigmoid' }] })),
    /sig\.json: layer 0: activation "sigmoid" is not supported/);
  assert.throws(() => loadFloatNetwork(writeJson('shape.json', { layers: [{ weights: [[1, 2]], biases: [0], activation: 'relu' }] })),
    /shape\.json: layer 0 takes 2 inputs, but the layer before gives 3/);
});

test('exact quantization: the engine gives the integer network, close to the float one', () => {
  const net = loadFloatNetwork(writeJson('q.json'));
  const quant = { mode: QuantMode.FracBits, param: 8 };
  const domain = { lo: new Int32Array(3).fill(0), hi: new Int32Array(3).fill(256) };
  const q = quantizeNetwork(net, quant, domain, ['a', 'b'], 8);
  assert.deepEqual(q.shifts, [6, 6]); // 127 / 1.75 and 127 / 1.5 → 2^6
  const blob = writeBlob(q.network);
  const engine = new Engine('counting');
  engine.loadOrThrow(blob);
  let agree = 0;
  for (let i = 0; i < 300; i++) {
    const x = Int32Array.of((i * 37) % 257, (i * 101) % 257, (i * 13) % 257);
    const out = engine.evaluate(x);
    assert.equal(out, referenceEvaluate(q.network, x).output);
    if (out === floatClassify(net, Array.from(x, (v) => v / 256))) agree++;
  }
  assert.ok(agree >= 290, `${agree} of 300 agree with the float network`);
  // 24-bit weights on full-range i32 inputs pass i64 in the second layer: refused, bound named.
  const wide = { lo: new Int32Array(3).fill(-(2 ** 31)), hi: new Int32Array(3).fill(2 ** 31 - 1) };
  assert.throws(() => quantizeNetwork(net, { mode: QuantMode.FracBits, param: 8 }, wide, ['a', 'b'], 24),
    /accumulators can reach \d+ over the input domain, past i64/);
});

test('condnet pack writes a dense blob that verifies and reports changed predictions', () => {
  const csv = join(dir, 'd.csv');
  let text = 'a,b,c,label\n';
  for (let i = 0; i < 120; i++) text += `${((i * 7) % 97) / 97},${((i * 13) % 89) / 89},${i / 120},${i % 2 ? 'x' : 'y'}\n`;
  writeFileSync(csv, text);
  const out = join(dir, 'packed.cnb');
  const r = spawnSync(process.execPath, [CLI, 'pack', writeJson('p.json'), '--dataset', csv, '-o', out, '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.equal(s.inputs, 120);
  assert.equal(typeof s.changedPredictions, 'number');
  assert.deepEqual(s.layers, ['3→4 relu', '4→2']);
  const m = spawnSync(process.execPath, [CLI, 'measure', out, csv, '--json', '--no-timing'], { encoding: 'utf8' });
  assert.equal(m.status, 0, m.stderr);
  assert.equal(JSON.parse(m.stdout).construction, 'dense');
  const bad = spawnSync(process.execPath, [CLI, 'pack', writeTfjs('c2', [{ class_name: 'LSTM', config: { name: 'lstm', batch_input_shape: [null, 3] } }]), '-o', join(dir, 'never.cnb')], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /^condnet: .*c2\.json: layer 0 \(LSTM\) is not supported/);
});

test('the demonstration network (tfjs fixture) packs with no changed class on mnist:10000', () => {
  const file = new URL('../../test/fixtures/mnist-mlp/model.json', import.meta.url).pathname;
  const net = loadFloatNetwork(file);
  assert.deepEqual(net.layers.map((l) => [l.inputs, l.outputs, l.relu]), [[784, 64, true], [64, 32, true], [32, 10, false]]);
  const r = spawnSync(process.execPath, [CLI, 'pack', file, '--dataset', 'mnist:10000', '-o', join(dir, 'mlp.cnb'), '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  // Inputs at ×1000 hold MNIST's 3-decimal pixels exactly; 8-bit weights change 6 classes, 11
  // bits none (docs/NETWORKS.md), within the i64 bound.
  assert.equal(s.changedPredictions, 0);
  assert.deepEqual(s.agreement, { agree: 10000, n: 10000, share: 1 });
  assert.equal(s.quantization, 'inputs ×1000, 11-bit weights');
  assert.deepEqual(s.steps.map((x: { agree: number }) => x.agree), [9994, 9994, 9998, 10000]);
});

test("verify --against compares with a network's outputs, not the labels", () => {
  const csv = join(dir, 'against.csv');
  let text = 'a,b,c,label\n';
  for (let i = 0; i < 90; i++) text += `${((i * 7) % 97) / 97},${((i * 13) % 89) / 89},${i / 90},${i % 3 ? 'a' : 'b'}\n`;
  writeFileSync(csv, text);
  const net = writeJson('against.json', { classes: ['a', 'b'] });
  const packed = join(dir, 'against.cnb');
  assert.equal(spawnSync(process.execPath, [CLI, 'pack', net, '--dataset', csv, '-o', packed], { encoding: 'utf8' }).status, 0);
  const self = spawnSync(process.execPath, [CLI, 'verify', packed, csv, '--against', net, '--json'], { encoding: 'utf8' });
  assert.equal(self.status, 0, self.stderr);
  assert.equal(JSON.parse(self.stdout).correct, 90);
  // A tree memorizes the labels, which the network does not reproduce everywhere.
  const tree = join(dir, 'labels-tree.cnb');
  assert.equal(spawnSync(process.execPath, [CLI, 'build', csv, '-c', 'tree', '-o', tree], { encoding: 'utf8' }).status, 0);
  const labels = spawnSync(process.execPath, [CLI, 'verify', tree, csv, '--json'], { encoding: 'utf8' });
  assert.equal(JSON.parse(labels.stdout).correct, 90);
  const other = spawnSync(process.execPath, [CLI, 'verify', tree, csv, '--against', packed, '--json'], { encoding: 'utf8' });
  const r = JSON.parse(other.stdout);
  assert.ok(r.correct < 90, `${r.correct} of 90`);
  assert.equal(other.status, 1);
});
