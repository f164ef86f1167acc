// Train the two small networks the network-identity tests use (test/networks.test.ts) and save
// them as fixtures: a TensorFlow.js MLP 8-24-16-4 (test/fixtures/small-mlp/, tfjs layers format)
// and an MLP 6-16-3 exported to ONNX by condnet's own exporter (test/fixtures/small-onnx/).
//
// Each learns K Gaussian clusters in d dimensions (centers and points from a mulberry32 PRNG).
// What the tests need is a trained network with real decision boundaries, not accuracy: they
// label their own inputs with the network run by its framework, and check condnet against that.
//
// Determinism: seeds below; tfjs cpu backend, glorotUniform kernels seeded per layer, Adam
// (lr 1e-2), batch 32, fit() with shuffle: false on a pre-shuffled order. Reruns give the same
// files. Run after the TypeScript build (dist/):  node scripts/train-small-mlps.mjs

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { loadFloatNetwork } from '../dist/host/import/load.js';
import { floatNetworkToOnnx } from '../dist/host/export/onnx.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

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

function gaussian(rand) {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

async function train({ seed, dim, hidden, classes, points, epochs }) {
  const rand = mulberry32(seed);
  const centers = Array.from({ length: classes }, () => Array.from({ length: dim }, () => 2 * gaussian(rand)));
  const x = new Float32Array(points * dim);
  const y = new Int32Array(points);
  for (let i = 0; i < points; i++) {
    y[i] = i % classes;
    for (let j = 0; j < dim; j++) x[i * dim + j] = centers[y[i]][j] + 1.2 * gaussian(rand);
  }
  const model = tf.sequential();
  hidden.forEach((units, k) => model.add(tf.layers.dense({
    ...(k === 0 ? { inputShape: [dim] } : {}), units, activation: 'relu',
    kernelInitializer: tf.initializers.glorotUniform({ seed: seed + k + 1 }), biasInitializer: 'zeros',
  })));
  model.add(tf.layers.dense({
    units: classes, activation: 'softmax',
    kernelInitializer: tf.initializers.glorotUniform({ seed: seed + hidden.length + 1 }), biasInitializer: 'zeros',
  }));
  model.compile({ optimizer: tf.train.adam(1e-2), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const xs = tf.tensor2d(x, [points, dim]);
  const ys = tf.oneHot(tf.tensor1d(y, 'int32'), classes).toFloat();
  for (let e = 0; e < epochs; e++) {
    const order = tf.tensor1d(Int32Array.from(Array.from({ length: points }, (_, i) => i).sort(() => rand() - 0.5)), 'int32');
    await model.fit(tf.gather(xs, order), tf.gather(ys, order), { epochs: 1, batchSize: 32, shuffle: false, verbose: 0 });
  }
  const acc = tf.tidy(() => model.predict(xs).argMax(-1).equal(tf.tensor1d(y, 'int32')).mean().dataSync()[0]);
  console.log(`${dim}-${hidden.join('-')}-${classes}: training accuracy ${(100 * acc).toFixed(1)}%`);
  return model;
}

async function saveTfjs(model, dir) {
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
}

await tf.setBackend('cpu');
await tf.ready();

const mlp = await train({ seed: 20261201, dim: 8, hidden: [24, 16], classes: 4, points: 2000, epochs: 30 });
await saveTfjs(mlp, join(root, 'test', 'fixtures', 'small-mlp'));
console.log('saved test/fixtures/small-mlp/model.json and weights.bin');

// The ONNX network: trained the same way, saved as tfjs in a scratch folder, read by condnet's
// importer and written by its exporter (float32 weights as they are, class names in metadata).
const second = await train({ seed: 20261202, dim: 6, hidden: [16], classes: 3, points: 1500, epochs: 30 });
const scratch = join(root, 'build', 'small-onnx-tfjs');
await saveTfjs(second, scratch);
const onnxDir = join(root, 'test', 'fixtures', 'small-onnx');
mkdirSync(onnxDir, { recursive: true });
const net = loadFloatNetwork(join(scratch, 'model.json'));
writeFileSync(join(onnxDir, 'model.onnx'), floatNetworkToOnnx({ ...net, classes: ['north', 'east', 'south'] }).bytes);
console.log('saved test/fixtures/small-onnx/model.onnx (classes north, east, south)');
