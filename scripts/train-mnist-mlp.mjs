// Train the demonstration network and save it as the test fixture test/fixtures/mnist-mlp/.
//
// Network: MLP 784-64-32-10 (Dense relu 64 → Dense relu 32 → Dense softmax 10), trained with
// @tensorflow/tfjs (pure JS, cpu backend) on the first 8,000 digits of the project's `mnist:10000`
// dataset, in the project's own order (loaded through dist/host/data/source.js). Inputs are the
// dataset's integer pixels / 255 (x_int = round(255·x), the scale the dataset declares), so the
// network sees floats in [0,1]. Targets are ds.y class indices; ds.classes gives the label text of
// each output unit. Digits 8,000–9,999 are held out and only evaluated.
//
// Determinism: SEED = 20240601. Each Dense kernel uses glorotUniform({ seed: SEED + layer }) (biases
// start at zero), the per-epoch shuffle comes from a mulberry32 PRNG seeded with SEED and fit() runs
// with shuffle: false on the pre-shuffled order. Adam (lr 1e-3), batch 64, 12 epochs, cpu backend.
//
// Output (tfjs layers format, exactly what tfjs-node's `file://` handler writes):
//   test/fixtures/mnist-mlp/model.json   { modelTopology, format, generatedBy, convertedBy,
//                                          weightsManifest: [{ paths: ['weights.bin'], weights }] }
//   test/fixtures/mnist-mlp/weights.bin  float32 little-endian, in weightsManifest order
// (pure @tensorflow/tfjs has no file:// handler in Node, hence the tf.io.withSaveHandler below).
//
// Run (after the TypeScript build has produced dist/):  node scripts/train-mnist-mlp.mjs

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { loadDataset } from '../dist/host/data/source.js';

const SEED = 20240601;
const TRAIN = 8000;
const EPOCHS = 12;
const BATCH = 64;
const LEARNING_RATE = 1e-3;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'test', 'fixtures', 'mnist-mlp');

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function permutation(n, rand) {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

await tf.setBackend('cpu');
await tf.ready();

const ds = loadDataset('mnist:10000');
if (ds.dim !== 784 || ds.n < TRAIN + 1) throw new Error(`unexpected dataset: dim ${ds.dim}, n ${ds.n}`);
const numClasses = ds.classes.length;
// ds.x holds k/255 rounded to 3 decimals; recover the integer pixel and divide by 255.
const xAll = new Float32Array(ds.n * ds.dim);
for (let i = 0; i < xAll.length; i++) xAll[i] = Math.round(ds.x[i] * 255) / 255;

const xTrain = tf.tensor2d(xAll.subarray(0, TRAIN * ds.dim), [TRAIN, ds.dim]);
const yTrainIdx = tf.tensor1d(Int32Array.from(ds.y.subarray(0, TRAIN)), 'int32');
const yTrain = tf.oneHot(yTrainIdx, numClasses).toFloat();
const nTest = ds.n - TRAIN;
const xTest = tf.tensor2d(xAll.subarray(TRAIN * ds.dim), [nTest, ds.dim]);

const model = tf.sequential();
model.add(tf.layers.dense({
  inputShape: [ds.dim], units: 64, activation: 'relu',
  kernelInitializer: tf.initializers.glorotUniform({ seed: SEED + 1 }), biasInitializer: 'zeros',
}));
model.add(tf.layers.dense({
  units: 32, activation: 'relu',
  kernelInitializer: tf.initializers.glorotUniform({ seed: SEED + 2 }), biasInitializer: 'zeros',
}));
model.add(tf.layers.dense({
  units: numClasses, activation: 'softmax',
  kernelInitializer: tf.initializers.glorotUniform({ seed: SEED + 3 }), biasInitializer: 'zeros',
}));
model.compile({ optimizer: tf.train.adam(LEARNING_RATE), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });

function accuracy(x, labels) {
  const pred = tf.tidy(() => model.predict(x).argMax(-1).dataSync());
  let ok = 0;
  for (let i = 0; i < labels.length; i++) if (pred[i] === labels[i]) ok++;
  return ok / labels.length;
}

const rand = mulberry32(SEED);
const started = performance.now();
for (let epoch = 0; epoch < EPOCHS; epoch++) {
  const order = tf.tensor1d(Int32Array.from(permutation(TRAIN, rand)), 'int32');
  const xs = tf.gather(xTrain, order);
  const ys = tf.gather(yTrain, order);
  const h = await model.fit(xs, ys, { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0 });
  tf.dispose([order, xs, ys]);
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`epoch ${epoch + 1}/${EPOCHS}  loss ${h.history.loss[0].toFixed(4)}  acc ${h.history.acc[0].toFixed(4)}  ${secs}s`);
}
const trainSeconds = (performance.now() - started) / 1000;

const trainAcc = accuracy(xTrain, ds.y.subarray(0, TRAIN));
const testAcc = accuracy(xTest, ds.y.subarray(TRAIN));
console.log(`training time ${trainSeconds.toFixed(1)}s`);
console.log(`accuracy on digits 0–${TRAIN - 1} (train): ${(100 * trainAcc).toFixed(2)}%`);
console.log(`accuracy on digits ${TRAIN}–${ds.n - 1} (held out): ${(100 * testAcc).toFixed(2)}%`);
console.log(`classes (output unit order): ${JSON.stringify(ds.classes)}`);

// Save exactly as tfjs-node's file:// handler (NodeFileSystem) does: model.json + weights.bin.
mkdirSync(outDir, { recursive: true });
await model.save(tf.io.withSaveHandler(async (artifacts) => {
  const weightData = Array.isArray(artifacts.weightData)
    ? tf.io.CompositeArrayBuffer.join(artifacts.weightData)
    : artifacts.weightData;
  const weightsManifest = [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }];
  // Same fields and order as tfjs-core's getModelJSONForModelArtifacts (not exported from tf.io).
  const modelJSON = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    weightsManifest,
  };
  for (const key of ['signature', 'userDefinedMetadata', 'modelInitializer', 'initializerSignature', 'trainingConfig']) {
    if (artifacts[key] != null) modelJSON[key] = artifacts[key];
  }
  writeFileSync(join(outDir, 'model.json'), JSON.stringify(modelJSON), 'utf8');
  writeFileSync(join(outDir, 'weights.bin'), Buffer.from(weightData));
  return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
}));

// Read the files back and check the reloaded model predicts exactly what the trained one does.
const savedJSON = JSON.parse(readFileSync(join(outDir, 'model.json'), 'utf8'));
const savedBin = readFileSync(join(outDir, 'weights.bin'));
const reloaded = await tf.loadLayersModel(tf.io.fromMemory(
  tf.io.getModelArtifactsForJSONSync(savedJSON, savedJSON.weightsManifest[0].weights,
    savedBin.buffer.slice(savedBin.byteOffset, savedBin.byteOffset + savedBin.byteLength)),
));
const same = tf.tidy(() => tf.max(tf.abs(tf.sub(model.predict(xTest), reloaded.predict(xTest)))).dataSync()[0]);
if (same !== 0) throw new Error(`reloaded model differs from the trained one (max |Δ| = ${same})`);
console.log(`saved ${join('test', 'fixtures', 'mnist-mlp')}/model.json and weights.bin (${savedBin.byteLength} bytes); reload check ok`);
