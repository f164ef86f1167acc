// System suite (npm run test:cart; needs Debian's python3-sklearn, fails loudly without it):
// scikit-learn's CART trees, packed as condnet blobs, give sklearn's own labels and decision-
// path depths in the counting engine, and `tree` needs fewer tests per input than either.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cartToNetwork, CRITERIA, runCart } from '../../bench/cart.js';
import { Engine } from '../../host/engine/engine.js';
import { writeBlob } from '../../host/format/writer.js';
import { measure } from '../../host/measure/measure.js';
import { buildFrom } from '../helpers.js';

for (const spec of ['mnist:1000', 'synthetic:n=800,d=6,labels=3,seed=4']) {
  test(`${spec}: CART packed as a condnet tree reproduces sklearn; tree beats it`, () => {
    const b = buildFrom(spec, { construction: 'tree' });
    assert.ok(b.net.kind === 'tree');
    const out = runCart(b.ds, b.xq);
    const engine = new Engine('counting');
    const treeMean = measure(b.blob, b.ds, { timing: false }).ops.total.mean;
    for (const c of CRITERIA) {
      const res = out.criteria[c];
      assert.equal(res.trainAccuracy, 1, `${c}: grown to purity`);
      engine.loadOrThrow(writeBlob(cartToNetwork(res.tree, b.net)));
      let sum = 0;
      for (let i = 0; i < b.ds.n; i++) {
        assert.equal(engine.evaluate(b.xq, i * b.ds.dim), b.ds.y[i], `${c} input ${i}`);
        assert.equal(engine.counts().cmp, res.depth[i], `${c} input ${i}: tests vs sklearn depth`);
        sum += res.depth[i];
      }
      assert.ok(treeMean < sum / b.ds.n, `${c}: tree mean ${treeMean} vs CART ${sum / b.ds.n}`);
    }
  });
}
