// Train the second network of the fidelity benchmark (issue 18, docs/SYNTH.md "Fidelity"): a
// TensorFlow.js MLP 32-48-24-6 on six overlapping Gaussian clusters in 32 dimensions, saved
// with its table as test/fixtures/clusters-mlp/ (model.json, weights.bin, data.csv: 5,000
// rows, 32 features with two decimals and the label). The network is trained on rows 0–3,999;
// rows 4,000–4,999 are the held-out set.
//
// Determinism as scripts/train-small-mlps.mjs: mulberry32 seeds, tfjs cpu backend, seeded
// glorotUniform kernels, Adam (lr 1e-2), batch 32, fit() without shuffling on a pre-shuffled
// order. Run after the TypeScript build (dist/):  node scripts/train-clusters-mlp.mjs

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SEED = 20261207;
const DIM = 32;
const HIDDEN = [48, 24];
const CLASSES = 6;
const ROWS = 5000;
const TRAIN = 4000;
const EPOCHS = 40;

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
const gaussian = (rand) => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

await tf.setBackend('cpu');
await tf.ready();
const rand = mulberry32(SEED);
const centers = Array.from({ length: CLASSES }, () => Array.from({ length: DIM }, () => 0.8 * gaussian(rand)));
const x = new Float32Array(ROWS * DIM);
const y = new Int32Array(ROWS);
for (let i = 0; i < ROWS; i++) {
  y[i] = Math.floor(rand() * CLASSES);
  for (let j = 0; j < DIM; j++) x[i * DIM + j] = Math.round(100 * (centers[y[i]][j] + 1.5 * gaussian(rand))) / 100;
}
const model = tf.sequential();
HIDDEN.forEach((units, k) => model.add(tf.layers.dense({
  ...(k === 0 ? { inputShape: [DIM] } : {}), units, activation: 'relu',
  kernelInitializer: tf.initializers.glorotUniform({ seed: SEED + k + 1 }), biasInitializer: 'zeros',
})));
model.add(tf.layers.dense({ units: CLASSES, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: SEED + 9 }), biasInitializer: 'zeros' }));
model.compile({ optimizer: tf.train.adam(1e-2), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
const xs = tf.tensor2d(x.subarray(0, TRAIN * DIM), [TRAIN, DIM]);
const ys = tf.oneHot(tf.tensor1d(y.subarray(0, TRAIN), 'int32'), CLASSES).toFloat();
for (let e = 0; e < EPOCHS; e++) {
  const order = tf.tensor1d(Int32Array.from(Array.from({ length: TRAIN }, (_, i) => i).sort(() => rand() - 0.5)), 'int32');
  await model.fit(tf.gather(xs, order), tf.gather(ys, order), { epochs: 1, batchSize: 32, shuffle: false, verbose: 0 });
}
const acc = (a, b) => tf.tidy(() => model.predict(tf.tensor2d(x.subarray(a * DIM, b * DIM), [b - a, DIM])).argMax(-1)
  .equal(tf.tensor1d(y.subarray(a, b), 'int32')).mean().dataSync()[0]);
console.log(`${DIM}-${HIDDEN.join('-')}-${CLASSES}: accuracy ${(100 * acc(0, TRAIN)).toFixed(1)}% on the training rows, ${(100 * acc(TRAIN, ROWS)).toFixed(1)}% held out`);
const dir = join(root, 'test', 'fixtures', 'clusters-mlp');
mkdirSync(dir, { recursive: true });
await model.save(tf.io.withSaveHandler(async (artifacts) => {
  const weightData = Array.isArray(artifacts.weightData) ? tf.io.CompositeArrayBuffer.join(artifacts.weightData) : artifacts.weightData;
  const json = {
    modelTopology: artifacts.modelTopology, format: artifacts.format, generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
  };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json), 'utf8');
  writeFileSync(join(dir, 'weights.bin'), Buffer.from(weightData));
  return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
}));
const lines = [[...Array.from({ length: DIM }, (_, j) => `f${j}`), 'label'].join(',')];
for (let i = 0; i < ROWS; i++) lines.push([...Array.from(x.subarray(i * DIM, (i + 1) * DIM), (v) => v.toFixed(2)), `${y[i]}`].join(','));
writeFileSync(join(dir, 'data.csv'), lines.join('\n') + '\n');
console.log('saved test/fixtures/clusters-mlp/ (model.json, weights.bin, data.csv)');
