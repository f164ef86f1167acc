// ONNX export (host/export/onnx.ts, `condnet export-onnx`): the MNIST MLP fixture goes out and
// comes back through condnet's own ONNX importer with the same weights, and ONNX Runtime Web
// (WebAssembly backend, in Node) gives floatClassify's class on a few hundred digits. A dense
// blob's integer network goes out exactly when its proven bounds allow (the same classes and
// the same integer scores as the engine), and is refused in float32 when they do not.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { QuantMode } from '../assembly/format.js';
import { loadDataset } from '../host/data/source.js';
import { Engine } from '../host/engine/engine.js';
import {
  denseExactness, denseNetworkToOnnx, floatNetworkToOnnx, OnnxExportError, ONNX_OPSET,
} from '../host/export/onnx.js';
import { writeBlob } from '../host/format/writer.js';
import { floatClassify, type FloatNetwork } from '../host/import/float-network.js';
import { loadFloatNetwork } from '../host/import/load.js';
import { readOnnxModel } from '../host/import/onnx.js';
import { fitNetwork } from '../host/import/pack.js';
import { quantizeNetwork } from '../host/import/quantize-network.js';
import type { DenseNetwork } from '../host/network.js';
import { buildFrom } from './helpers.js';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';

const MODEL = fileURLToPath(new URL('../../test/fixtures/mnist-mlp/model.json', import.meta.url));
const CLI = fileURLToPath(new URL('../host/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'condnet-export-'));
// 300 digits: 100 the MLP was trained on (0–7,999), 200 it was not.
const DIGITS = 'mnist:10000[7900:8200]';

const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir });

function argmaxRows(scores: ArrayLike<number>, rows: number, cols: number): Int32Array {
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    for (let k = 1; k < cols; k++) if (scores[i * cols + k] > scores[i * cols + best]) best = k;
    out[i] = best;
  }
  return out;
}

async function runOrt(model: Uint8Array, x: Float32Array | Float64Array, rows: number, dim: number): Promise<{ scores: ArrayLike<number>; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
  try {
    const type = x instanceof Float32Array ? 'float32' : 'float64';
    const out = await session.run({ x: new ort.Tensor(type, x, [rows, dim]) });
    const t = out.scores;
    return { scores: t.data as Float32Array | Float64Array, dims: t.dims };
  } finally {
    await session.release();
  }
}

test('the MNIST MLP goes out as ONNX and comes back through the importer with the same weights', () => {
  const net = loadFloatNetwork(MODEL);
  const { bytes, rounded } = floatNetworkToOnnx(net);
  assert.equal(rounded, 0, 'tfjs weights are float32 already');
  const model = onnx.ModelProto.decode(bytes);
  assert.equal(Number(model.opsetImport[0].version), ONNX_OPSET);
  assert.deepEqual(model.graph!.node!.map((n) => n.opType), ['Gemm', 'Relu', 'Gemm', 'Relu', 'Gemm']);
  assert.deepEqual(model.graph!.input!.map((v) => v.name), ['x']);
  assert.deepEqual(model.graph!.output!.map((v) => v.name), ['scores']);
  const back = readOnnxModel(bytes, 'mlp.onnx');
  assert.equal(back.inputDim, net.inputDim);
  assert.equal(back.layers.length, net.layers.length);
  back.layers.forEach((l, k) => {
    const o = net.layers[k];
    assert.deepEqual([l.inputs, l.outputs, l.relu], [o.inputs, o.outputs, o.relu], `layer ${k} shape`);
    assert.deepEqual(l.weights, o.weights, `layer ${k} weights`);
    assert.deepEqual(l.biases, o.biases, `layer ${k} biases`);
  });
});

test('ONNX Runtime Web gives floatClassify\'s class on 300 MNIST digits (pixel / 255, as trained)', async () => {
  const net = loadFloatNetwork(MODEL);
  const ds = loadDataset(DIGITS);
  // ds.x holds pixel/255 rounded to 3 decimals; the network was trained on pixel/255.
  const x = Float32Array.from(ds.x, (v) => Math.round(v * 255) / 255);
  const { scores, dims } = await runOrt(floatNetworkToOnnx(net).bytes, x, ds.n, ds.dim);
  assert.deepEqual(dims, [ds.n, 10]);
  const got = argmaxRows(scores, ds.n, 10);
  const want = Int32Array.from({ length: ds.n }, (_, i) => floatClassify(net, x, i * ds.dim));
  assert.deepEqual(got, want);
});

test('a packed MLP is refused in float32 (accumulators past 2^24) and exact in float64: the engine\'s classes', async () => {
  const net = loadFloatNetwork(MODEL);
  const ds = loadDataset(DIGITS);
  const { network, xq } = fitNetwork(net, ds);
  assert.throws(() => denseNetworkToOnnx(network, { source: 'mlp.cnb' }),
    (e: Error) => e instanceof OnnxExportError && /layer 1: accumulators can reach \d+ .*past 2\^24.*--float64 exports it exactly/.test(e.message));
  const r = denseNetworkToOnnx(network, { element: 'float64' });
  assert.ok(r.exact);
  assert.ok(r.exactness.largest <= 1n << 53n);
  const engine = new Engine('release');
  engine.loadOrThrow(writeBlob(network));
  const { scores } = await runOrt(r.bytes, Float64Array.from(xq), ds.n, ds.dim);
  assert.deepEqual(argmaxRows(scores, ds.n, 10), engine.evaluateBatch(xq, ds.n));
  // --inexact writes float32 anyway, and says so in the model.
  const loose = denseNetworkToOnnx(network, { inexact: true });
  assert.equal(loose.exact, false);
  assert.match(onnx.ModelProto.decode(loose.bytes).docString ?? '', /NOT EXACT/);
});

// The 3-4-2 network of import.test.ts over inputs 0…15 (frac bits 4 of [0, 1)): every value
// stays far below 2^24, so float32 is exact and ORT's scores are the integer network's.
function smallDense(): DenseNetwork {
  const float: FloatNetwork = {
    source: 'small', inputDim: 3,
    layers: [
      { inputs: 3, outputs: 4, relu: true, weights: Float64Array.from([0.5, -1.25, 0.75, 1.5, 0.25, -0.5, -0.75, 1.0, 0.125, 0.0, -0.5, 1.75]), biases: Float64Array.from([0.125, -0.25, 0.5, 0.0]) },
      { inputs: 4, outputs: 2, relu: false, weights: Float64Array.from([1.0, -0.5, 0.25, 0.75, -1.5, 1.25, 0.5, -0.25]), biases: Float64Array.from([0.0, 0.0625]) },
    ],
  };
  const domain = { lo: new Int32Array(3), hi: new Int32Array(3).fill(15) };
  return quantizeNetwork(float, { mode: QuantMode.FracBits, param: 4 }, domain, ['a', 'b']).network;
}

function integerScores(net: DenseNetwork, x: Int32Array, offset: number): bigint[] {
  let h = Array.from(x.subarray(offset, offset + net.dim), BigInt);
  for (const l of net.layers) {
    h = Array.from({ length: l.outputs }, (_, o) => {
      let z = l.biases[o];
      for (let j = 0; j < l.inputs; j++) z += BigInt(l.weights[o * l.inputs + j]) * h[j];
      return l.relu && z < 0n ? 0n : z;
    });
  }
  return h;
}

test('a dense network within 2^24 exports exactly in float32: ORT\'s scores are the integer scores', async () => {
  const net = smallDense();
  const e = denseExactness(net);
  assert.ok(e.largest <= 1n << 24n);
  const r = denseNetworkToOnnx(net);
  assert.ok(r.exact);
  const rows = 16 * 16 * 16;
  const xq = new Int32Array(rows * 3);
  for (let i = 0; i < rows; i++) xq.set([i & 15, (i >> 4) & 15, i >> 8], 3 * i);
  const { scores } = await runOrt(r.bytes, Float32Array.from(xq), rows, 3);
  const want = Array.from({ length: rows }, (_, i) => integerScores(net, xq, 3 * i)).flat().map(Number);
  assert.deepEqual(Array.from(scores), want);
  const engine = new Engine('release');
  engine.loadOrThrow(writeBlob(net));
  assert.deepEqual(argmaxRows(scores, rows, 2), engine.evaluateBatch(xq, rows));
});

test('a scalar-output (interp) blob is refused: its output is the class index, not scores', () => {
  const { net } = buildFrom('synthetic:n=40,d=4,labels=3', { construction: 'interp' });
  assert.throws(() => denseNetworkToOnnx(net as DenseNetwork, { source: 'interp.cnb' }),
    (e: Error) => e instanceof OnnxExportError && /class index itself.*argmax models only/.test(e.message));
});

test('condnet export-onnx: network files and dense blobs out, other blobs refused in one line, nothing half-written', async () => {
  const ok = cli('export-onnx', MODEL, '-o', 'mlp.onnx');
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /wrote mlp\.onnx/);
  assert.deepEqual(readOnnxModel(readFileSync(join(dir, 'mlp.onnx')), 'mlp.onnx').layers.map((l) => l.outputs), [64, 32, 10]);

  const small = join(dir, 'small.cnb');
  writeFileSync(small, writeBlob(smallDense()));
  const dense = cli('export-onnx', small, '-o', 'small.onnx', '--json');
  assert.equal(dense.status, 0, dense.stderr);
  const summary = JSON.parse(dense.stdout) as { exact: boolean; element: string };
  assert.deepEqual([summary.exact, summary.element], [true, 'float32']);

  writeFileSync(join(dir, 'tree.cnb'), buildFrom('synthetic:n=40,d=4,labels=3', { construction: 'tree' }).blob);
  const tree = cli('export-onnx', 'tree.cnb', '-o', 'tree.onnx');
  assert.equal(tree.status, 1);
  assert.match(tree.stderr, /^condnet: tree\.cnb: a tree blob; export-onnx takes an unconditional dense blob/);
  assert.equal(tree.stderr.trim().split('\n').length, 1);
  assert.equal(existsSync(join(dir, 'tree.onnx')), false);

  const help = cli('export-onnx', '--help');
  assert.match(help.stdout, /Example[\s\S]*condnet export-onnx test\/fixtures\/mnist-mlp\/model\.json -o mlp\.onnx/);
});
