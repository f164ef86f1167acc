// DESIGN §3.1 as measured in the engine: worst-case cmp is exactly ⌈log₂ n⌉, the projection
// costs one mul per weight other than ±1 and d − 1 adds, and every pair is reproduced.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine } from '../host/engine/engine.js';
import { lineAlternatingBound } from '../host/data/line-alternating.js';
import { verify } from '../host/measure/verify.js';
import { buildFrom } from './helpers.js';

function counted(spec: string) {
  const b = buildFrom(spec);
  assert.ok(b.net.kind === 'search');
  const e = new Engine('counting');
  assert.equal(e.load(b.blob), 0);
  let maxCmp = 0;
  const nonUnit = b.net.projection.filter((w) => w !== 1 && w !== -1).length;
  for (let i = 0; i < b.ds.n; i++) {
    assert.equal(e.evaluate(b.xq, i * b.ds.dim), b.ds.y[i], `${spec}: input ${i}`);
    const c = e.counts();
    assert.equal(c.mul, nonUnit, `${spec}: mul of input ${i}`);
    assert.equal(c.add, b.ds.dim - 1, `${spec}: add of input ${i}`);
    maxCmp = Math.max(maxCmp, c.cmp);
  }
  return { ...b, maxCmp };
}

test('worst-case cmp is exactly ⌈log₂ n⌉ and the projection follows DESIGN §2', () => {
  for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 33, 100, 1000, 1025, 4096]) {
    for (const labels of ['distinct', '3']) {
      const { maxCmp } = counted(`synthetic:n=${n},d=${1 + (n % 7)},labels=${labels},seed=${n}`);
      assert.equal(maxCmp, Math.ceil(Math.log2(n)), `n = ${n}, labels = ${labels}`);
    }
  }
});

test('line-alternating: every worst case meets the bound ⌈log₂(n/2)⌉', () => {
  for (const n of [2, 3, 10, 64, 100, 1000, 4097]) {
    const { maxCmp } = counted(`line-alternating:n=${n}`);
    assert.ok(maxCmp >= lineAlternatingBound(n), `n = ${n}: max cmp ${maxCmp} < bound ${lineAlternatingBound(n)}`);
    assert.equal(maxCmp, Math.ceil(Math.log2(n)));
  }
});

test('verify is 100% up to n = 100,000 (distinct and few-class labels) and on line-alternating', () => {
  for (const spec of [
    'synthetic:n=100000,d=16,labels=distinct,seed=7',
    'synthetic:n=100000,d=16,labels=4,seed=8',
    'synthetic:n=30000,d=16,labels=2,seed=9',
    'line-alternating:n=100000',
  ]) {
    const b = buildFrom(spec);
    const r = verify(b.blob, b.ds);
    assert.equal(r.correct, r.n, spec);
    assert.equal(r.n, b.ds.n);
  }
});

test('the same seed gives the same blob; another seed another direction', () => {
  const a = buildFrom('synthetic:n=500,d=8,labels=5,seed=3', { seed: 11 }).blob;
  const b = buildFrom('synthetic:n=500,d=8,labels=5,seed=3', { seed: 11 }).blob;
  const c = buildFrom('synthetic:n=500,d=8,labels=5,seed=3', { seed: 12 }).blob;
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});
