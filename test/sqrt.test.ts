// DESIGN §3.4 in the engine: `sqrt` memorizes through a straight-line multi-limb program whose
// measured count equals its documented closed form (sqrtCounts) on every input, at every n
// tested, with host/engine parity of outputs and counts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSqrt, sqrtCounts } from '../host/construct/sqrt.js';
import { loadDataset } from '../host/data/source.js';
import { chooseQuantization, inputDomain, quantize } from '../host/data/quantize.js';
import { Engine } from '../host/engine/engine.js';
import { referenceEvaluate } from '../host/engine/reference.js';
import { readBlob } from '../host/format/reader.js';
import { writeBlob } from '../host/format/writer.js';
import { verify } from '../host/measure/verify.js';

function check(spec: string, referenceEvery: number) {
  const ds = loadDataset(spec);
  const quant = chooseQuantization(ds);
  const xq = quantize(ds, quant);
  const { network, shape } = buildSqrt(ds, xq, quant, inputDomain(ds, xq));
  const blob = writeBlob(network);
  assert.equal(verify(blob, ds).correct, ds.n, `${spec}: verified`);
  const want = sqrtCounts(shape);
  const back = readBlob(blob).network;
  const engine = new Engine('counting');
  engine.loadOrThrow(blob);
  for (let i = 0; i < ds.n; i++) {
    const out = engine.evaluate(xq, i * ds.dim);
    const c = engine.counts();
    assert.equal(out, ds.y[i], `${spec} input ${i}`);
    assert.deepEqual({ mul: c.mul, add: c.add, cmp: c.cmp }, want, `${spec} input ${i}: closed form`);
    if (i % referenceEvery === 0) {
      const ref = referenceEvaluate(back, xq, i * ds.dim);
      assert.equal(ref.output, out, `${spec} input ${i}: reference`);
      assert.deepEqual(ref.counts, c, `${spec} input ${i}: reference counts`);
    }
  }
  return { shape, ops: want.mul + want.add + want.cmp };
}

test('sqrt on synthetic:n=1024,d=16,labels=distinct and mnist:1000: 100%, closed form, parity', () => {
  check('synthetic:n=1024,d=16,labels=distinct', 16);
  const mnist = check('mnist:1000', 50);
  assert.equal(mnist.shape.classes, 10);
});

test('sqrt: the closed form holds at every n from 2^6 to 2^12, and the count grows like √(n log n)', () => {
  const ops: number[] = [];
  for (let k = 6; k <= 12; k++) ops.push(check(`synthetic:n=${2 ** k},d=16,labels=distinct,seed=${k}`, 64).ops);
  // Doubling n multiplies √(n·(B + c)) by about √2 … √2.2: between 1.2× and 1.7× per step.
  for (let k = 1; k < ops.length; k++) assert.ok(ops[k] / ops[k - 1] > 1.2 && ops[k] / ops[k - 1] < 1.7, `step ${k}: ${ops[k - 1]} → ${ops[k]}`);
});

test('sqrt edge cases: one class, few classes, a single group, n = 1', () => {
  for (const spec of ['synthetic:n=40,d=3,labels=1,seed=1', 'synthetic:n=300,d=2,labels=2,seed=3', 'synthetic:n=3,d=2,labels=3,seed=4', 'synthetic:n=1,d=2,labels=1,seed=5', 'line-alternating:n=50']) {
    check(spec, 1);
  }
});
