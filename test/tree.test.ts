// DESIGN §3.2 as measured in the engine: `tree` memorizes every set it is given, with one i32
// comparison per level and no arithmetic. (Its MNIST-10k targets are asserted through the
// demo, test/demo.test.ts.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, QuantMode } from '../assembly/format.js';
import { lineAlternatingBound } from '../host/data/line-alternating.js';
import { Engine } from '../host/engine/engine.js';
import { referenceEvaluate } from '../host/engine/reference.js';
import { readBlob } from '../host/format/reader.js';
import { writeBlob } from '../host/format/writer.js';
import type { TreeNetwork } from '../host/network.js';
import { measure } from '../host/measure/measure.js';
import { verify } from '../host/measure/verify.js';
import { buildFrom } from './helpers.js';

const tree = { construction: 'tree' } as const;

test('verify is 100% up to n = 100,000 (distinct and few-class labels)', () => {
  for (const spec of [
    'synthetic:n=100000,d=16,labels=distinct,seed=7',
    'synthetic:n=100000,d=16,labels=4,seed=8',
    'synthetic:n=30000,d=16,labels=2,seed=9',
    'synthetic:n=2000,d=1,labels=3,seed=10',
  ]) {
    const b = buildFrom(spec, tree);
    const r = verify(b.blob, b.ds);
    assert.equal(r.n, b.ds.n, spec);
    assert.equal(r.correct, r.n, spec);
    const m = measure(b.blob, b.ds, { timing: false });
    assert.equal(m.ops.mul.max + m.ops.add.max, 0, spec);
    assert.equal(m.wordOps.max, m.ops.cmp.max, spec);
  }
});

test('line-alternating: 100%, and every worst case meets the bound ⌈log₂(n/2)⌉', () => {
  for (const n of [2, 3, 10, 64, 100, 1000, 4097, 100000]) {
    const b = buildFrom(`line-alternating:n=${n}`, tree);
    const r = measure(b.blob, b.ds, { timing: false });
    assert.equal(verify(b.blob, b.ds).correct, n, `n = ${n}`);
    assert.ok(r.ops.cmp.max >= lineAlternatingBound(n), `n = ${n}: max cmp ${r.ops.cmp.max}`);
    assert.ok(r.ops.cmp.mean >= Math.log2(n / 2), `n = ${n}: mean cmp ${r.ops.cmp.mean}`);
  }
});

test('one class needs no test: the root is the leaf', () => {
  const b = buildFrom('synthetic:n=50,d=3,labels=1,seed=1', tree);
  assert.ok(b.net.kind === 'tree');
  assert.equal(b.net.feature.length, 0);
  const r = measure(b.blob, b.ds, { timing: false });
  assert.equal(r.ops.total.max, 0);
  assert.equal(verify(b.blob, b.ds).correct, 50);
});

test('the build is deterministic', () => {
  const a = buildFrom('synthetic:n=3000,d=8,labels=5,seed=3', tree).blob;
  const b = buildFrom('synthetic:n=3000,d=8,labels=5,seed=3', tree).blob;
  assert.deepEqual(a, b);
});

test('the domain check is exact at the i32 extremes and on a one-value domain', () => {
  const engine = new Engine('counting');
  const I32_MIN = -0x80000000;
  const I32_MAX = 0x7fffffff;
  for (const [lo, hi] of [[I32_MIN, I32_MAX], [5, 5], [I32_MIN, I32_MIN], [I32_MAX, I32_MAX], [-1, 0]]) {
    // x0 ≥ θ ? 'b' : 'a', θ inside the domain.
    const net: TreeNetwork = {
      kind: 'tree', dim: 1, classes: ['a', 'b'], quant: { mode: QuantMode.FracBits, param: 0 },
      domain: { lo: Int32Array.of(lo), hi: Int32Array.of(hi) },
      feature: Uint32Array.of(0), threshold: Int32Array.of(hi), below: Uint32Array.of(1), above: Uint32Array.of(2),
      maxDepth: 1, pairs: 2,
    };
    const blob = writeBlob(net);
    engine.loadOrThrow(blob);
    const back = readBlob(blob).network;
    for (const x of [I32_MIN, I32_MIN + 1, lo - 1, lo, hi, hi + 1, -1, 0, I32_MAX - 1, I32_MAX]) {
      if (x < I32_MIN || x > I32_MAX) continue;
      const input = Int32Array.of(x);
      const want = x < lo || x > hi ? -ErrorCode.InputOutOfDomain : x >= hi ? 1 : 0;
      assert.equal(engine.evaluate(input), want, `[${lo}, ${hi}] x = ${x}`);
      assert.equal(referenceEvaluate(back, input).output, want, `reference [${lo}, ${hi}] x = ${x}`);
    }
  }
});
