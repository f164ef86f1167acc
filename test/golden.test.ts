// Golden blobs: the writer still produces them byte for byte, and the engine and the reference
// evaluator give the outputs and counts derived by hand in test/golden/cases.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { GOLDEN_CASES } from './golden/cases.js';
import { goldenDir } from './golden/paths.js';
import { writeBlob } from '../host/format/writer.js';
import { readBlob } from '../host/format/reader.js';
import { Engine } from '../host/engine/engine.js';
import { referenceEvaluate } from '../host/engine/reference.js';
import { zeroCounts } from '../host/measure/counts.js';

for (const c of GOLDEN_CASES) {
  test(`golden ${c.name}: ${c.explanation}`, () => {
    const stored = new Uint8Array(readFileSync(`${goldenDir()}/${c.name}.cnb`));
    assert.deepEqual(writeBlob(c.network), stored, 'the writer changed: regenerate with --update only if intended');
    const expected = JSON.parse(readFileSync(`${goldenDir()}/${c.name}.json`, 'utf8'));
    // The .json is what another implementation checks itself against: it must say what the
    // hand derivation in cases.ts says.
    assert.deepEqual([expected.inputs, expected.outputs, expected.counts], [c.inputs, c.outputs, c.counts], 'stale golden .json');
    const net = readBlob(stored).network;
    const engine = new Engine('counting');
    assert.equal(engine.load(stored), 0);
    const release = new Engine('release');
    assert.equal(release.load(stored), 0);
    c.inputs.forEach((row, i) => {
      const x = Int32Array.from(row);
      assert.equal(engine.evaluate(x), c.outputs[i], `engine output, input ${i}`);
      assert.equal(release.evaluate(x), c.outputs[i], `release output, input ${i}`);
      const ref = referenceEvaluate(net, x);
      assert.equal(ref.output, c.outputs[i], `reference output, input ${i}`);
      // Refused inputs are listed with zero counts in cases.ts: compared as written, so a
      // refusal that kept counts would fail here.
      if (c.outputs[i] < 0) assert.deepEqual(c.counts[i], zeroCounts(), `case ${i}: a refused input has no counts`);
      assert.deepEqual(engine.counts(), c.counts[i], `engine counts, input ${i}`);
      assert.deepEqual(ref.counts, c.counts[i], `reference counts, input ${i}`);
    });
  });
}
