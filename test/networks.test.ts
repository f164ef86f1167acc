// A packed or synthesized network answers what the trained network answers, in the network's
// own class names (issue 14). Two small trained networks (test/fixtures/small-mlp, tfjs; and
// test/fixtures/small-onnx, ONNX; both from scripts/train-small-mlps.mjs) label inputs drawn
// here, run by their own frameworks — TensorFlow.js and ONNX Runtime Web — and the labels are
// written as the dataset's last column with their first appearances out of order. `pack`,
// `synth`, `verify --against` and `eval` must give the framework's class text on every input.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { Prng } from '../host/data/prng.js';
import { classNames, floatClasses } from '../host/import/float-network.js';
import { loadFloatNetwork } from '../host/import/load.js';
import { NetworkImportError } from '../host/import/float-network.js';

ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';

const CLI = new URL('../host/cli/main.js', import.meta.url).pathname;
const FIXTURES = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
const TFJS = join(FIXTURES, 'small-mlp', 'model.json');
const ONNX = join(FIXTURES, 'small-onnx', 'model.onnx');
const dir = mkdtempSync(join(tmpdir(), 'condnet-networks-'));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** n inputs of d values, normal around 0 with spread 3, written with `digits` decimals (or
 *  every digit a double has, for undefined). */
function inputs(seed: number, n: number, d: number, digits?: number): number[][] {
  const rng = new Prng(seed);
  const u = () => (rng.u32() + 0.5) / 2 ** 32;
  return Array.from({ length: n }, () => Array.from({ length: d }, () => {
    const v = 3 * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
    return digits === undefined ? v : Number(v.toFixed(digits));
  }));
}

/** Rows moved so that the classes first appear in `order`: the case where a dataset's order of
 *  first appearance differs from the network's output order. */
function firstAppearing(rows: number[][], classes: number[], order: number[]): { rows: number[][]; classes: number[] } {
  const front = order.map((c) => classes.indexOf(c));
  assert.ok(front.every((i) => i >= 0), 'every class occurs');
  const rest = classes.map((_, i) => i).filter((i) => !front.includes(i));
  const idx = [...front, ...rest];
  return { rows: idx.map((i) => rows[i]), classes: idx.map((i) => classes[i]) };
}

function writeTable(name: string, rows: number[][], labels: string[]): { data: string; features: string } {
  const d = rows[0].length;
  const header = Array.from({ length: d }, (_, j) => `f${j}`).join(',');
  const data = join(dir, `${name}.csv`);
  const features = join(dir, `${name}-features.csv`);
  writeFileSync(data, `${header},label\n` + rows.map((r, i) => `${r.join(',')},${labels[i]}`).join('\n') + '\n');
  writeFileSync(features, `${header}\n` + rows.map((r) => r.join(',')).join('\n') + '\n');
  return { data, features };
}

/** pack, synth, verify --against and eval on one network and its table: each must answer the
 *  framework's class text on every row. */
function checkCommands(network: string, data: string, features: string, want: string[], extra: string[] = []) {
  const n = want.length;
  const pack = cli('pack', network, '--dataset', data, '-o', join(dir, 'p.cnb'), '--json', ...extra);
  assert.equal(pack.code, 0, pack.err);
  const p = JSON.parse(pack.out);
  assert.equal(p.changedPredictions, 0, `pack: ${pack.out}`);
  assert.deepEqual(p.agreement, { agree: n, n, share: 1 });
  const synth = cli('synth', network, data, '-o', join(dir, 'g.cnb'), '--json', ...extra);
  assert.equal(synth.code, 0, synth.err);
  const s = JSON.parse(synth.out);
  assert.equal(s.reproduced, n);
  assert.deepEqual([s.integerAgreement.agree, s.floatAgreement.agree], [n, n]);
  for (const model of ['p.cnb', 'g.cnb']) {
    const e = cli('eval', join(dir, model), '--input', features);
    assert.equal(e.code, 0, e.err);
    const got = e.out.trimEnd().split('\n');
    const agree = got.filter((g, i) => g === want[i]).length;
    assert.equal(agree, n, `${model}: eval answers the framework's class on ${agree} / ${n}`);
    // The label column holds the framework's class text: verify against the labels agrees too.
    assert.equal(cli('verify', join(dir, model), data).code, 0, model);
    const v = JSON.parse(cli('verify', join(dir, model), data, '--against', network, '--json', ...extra.filter((a) => a !== '--max-changed')).out);
    assert.deepEqual([v.correct, v.n, v.integerAgreement.agree], [n, n, n], `${model} verify --against`);
  }
}

test('a tfjs MLP whose labels first appear as 3, 1, 2, 0: pack, synth, verify and eval answer as TensorFlow.js on every row', async () => {
  await tf.setBackend('cpu');
  const json = JSON.parse(readFileSync(TFJS, 'utf8'));
  const bin = readFileSync(join(FIXTURES, 'small-mlp', 'weights.bin'));
  const model = await tf.loadLayersModel(tf.io.fromMemory(tf.io.getModelArtifactsForJSONSync(
    json, json.weightsManifest[0].weights, bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength))));
  const drawn = inputs(14, 2000, 8, 6);
  const predicted = tf.tidy(() => Array.from((model.predict(tf.tensor2d(drawn)) as tf.Tensor).argMax(-1).dataSync()));
  const { rows, classes } = firstAppearing(drawn, predicted, [3, 1, 2, 0]);
  const want = classes.map(String); // a tfjs model names no classes: output k is "k"
  const { data, features } = writeTable('tfjs', rows, want);
  // condnet's own float evaluation agrees with TensorFlow.js on every row.
  const net = loadFloatNetwork(TFJS);
  assert.deepEqual(Array.from(floatClasses(net, rows.flat(), rows.length)), classes);
  checkCommands(TFJS, data, features, want);
});

test('an ONNX MLP with class names, on inputs with every digit a double has: the commands answer as ONNX Runtime Web', async () => {
  const bytes = readFileSync(ONNX);
  const drawn = inputs(15, 1500, 6);
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from(drawn.flat()), [drawn.length, 6]) });
  await session.release();
  const scores = out.scores.data as Float32Array;
  const predicted = drawn.map((_, i) => {
    let best = 0;
    for (let k = 1; k < 3; k++) if (scores[3 * i + k] > scores[3 * i + best]) best = k;
    return best;
  });
  const { rows, classes } = firstAppearing(drawn, predicted, [2, 0, 1]);
  const net = loadFloatNetwork(ONNX);
  assert.deepEqual(net.classes, ['north', 'east', 'south'], 'the names the model carries');
  assert.deepEqual(Array.from(floatClasses(net, rows.flat(), rows.length)), classes);
  const want = classes.map((c) => net.classes![c]);
  const { data, features } = writeTable('onnx', rows, want);
  checkCommands(ONNX, data, features, want);
  // --class-names renames the outputs everywhere: the packed model answers in the new names.
  const renamed = cli('pack', ONNX, '--dataset', data, '--class-names', 'N,E,S', '-o', join(dir, 'r.cnb'));
  assert.equal(renamed.code, 0, renamed.err);
  const e = cli('eval', join(dir, 'r.cnb'), '--input', features);
  assert.deepEqual(e.out.trimEnd().split('\n'), classes.map((c) => 'NES'[c]));
});

test('class names: the model\'s own, --class-names over them, else the output index; never the dataset\'s labels', () => {
  const net = loadFloatNetwork(TFJS);
  assert.deepEqual(classNames(net), ['0', '1', '2', '3']);
  assert.deepEqual(classNames(net, ['a', 'b', 'c', 'd']), ['a', 'b', 'c', 'd']);
  assert.throws(() => classNames(net, ['a', 'b']), NetworkImportError);
  assert.throws(() => classNames(net, ['a', 'a', 'b', 'c']), NetworkImportError);
  assert.deepEqual(classNames({ ...net, classes: ['w', 'x', 'y', 'z'] }), ['w', 'x', 'y', 'z']);
});

test('a quantization that cannot keep every decision is refused unless --max-changed accepts it', () => {
  // Two-bit weights at a fixed width: the integer network changes some of the float network's
  // classes, and pack says so and writes nothing unless told how many changes it may keep.
  const drawn = inputs(16, 400, 8, 6);
  const net = loadFloatNetwork(TFJS);
  const labels = Array.from(floatClasses(net, drawn.flat(), drawn.length), String);
  const { data } = writeTable('coarse', drawn, labels);
  const out = join(dir, 'coarse.cnb');
  const r = cli('pack', TFJS, '--dataset', data, '--weight-bits', '2', '-o', out, '--json');
  assert.equal(r.code, 1);
  const changed = JSON.parse(r.out).changedPredictions;
  assert.ok(changed > 0);
  assert.match(r.err, new RegExp(`changes the float network's class on ${changed} of 400 inputs; nothing written \\(--max-changed ${changed} accepts that\\)`));
  assert.equal(cli('eval', out).code, 1, 'nothing was written');
  const ok = cli('pack', TFJS, '--dataset', data, '--weight-bits', '2', '-o', out, '--max-changed', String(changed));
  assert.equal(ok.code, 0, ok.err);
});
