// DESIGN §3.3 in the engine: `interp` memorizes through a dense network whose cost is the same
// for every input and equals its documented closed form (interpCounts), with host/engine
// parity of outputs and counts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interpCounts } from '../host/construct/interp.js';
import { Engine } from '../host/engine/engine.js';
import { referenceEvaluate } from '../host/engine/reference.js';
import { readBlob } from '../host/format/reader.js';
import { verify } from '../host/measure/verify.js';
import { buildFrom } from './helpers.js';

for (const spec of ['synthetic:n=1024,d=16,labels=distinct', 'mnist:1000', 'synthetic:n=700,d=3,labels=4,seed=9', 'line-alternating:n=200']) {
  test(`interp on ${spec}: 100% in the engine, the closed-form count on every input, parity`, () => {
    const b = buildFrom(spec, { construction: 'interp' });
    assert.ok(b.net.kind === 'dense');
    assert.equal(verify(b.blob, b.ds).correct, b.ds.n);
    const want = interpCounts(b.net);
    const back = readBlob(b.blob).network;
    const engine = new Engine('counting');
    engine.loadOrThrow(b.blob);
    for (let i = 0; i < b.ds.n; i++) {
      const out = engine.evaluate(b.xq, i * b.ds.dim);
      const c = engine.counts();
      assert.deepEqual({ mul: c.mul, add: c.add, cmp: c.cmp }, want, `input ${i}`);
      assert.equal(c.wordOps, 2 * (c.mul + c.add + c.cmp));
      if (i % 17 === 0) {
        const ref = referenceEvaluate(back, b.xq, i * b.ds.dim);
        assert.equal(ref.output, out);
        assert.deepEqual(ref.counts, c);
      }
    }
  });
}

test('interp: distinct labels cost 2d + 8(n − 1) give or take the ±1 weights (DESIGN §3.3)', () => {
  const n = 1024;
  const d = 16;
  const b = buildFrom(`synthetic:n=${n},d=${d},labels=distinct`, { construction: 'interp' });
  assert.ok(b.net.kind === 'dense');
  const c = interpCounts(b.net);
  const ops = c.mul + c.add + c.cmp;
  assert.ok(Math.abs(ops - (2 * d + 8 * (n - 1))) < 0.01 * ops, `ops ${ops}`);
});

test('interp on one class is a constant: no operations', () => {
  const b = buildFrom('synthetic:n=30,d=2,labels=1,seed=2', { construction: 'interp' });
  assert.equal(verify(b.blob, b.ds).correct, 30);
  assert.ok(b.net.kind === 'dense');
  assert.deepEqual(interpCounts(b.net), { mul: 0, add: 0, cmp: 0 });
});
