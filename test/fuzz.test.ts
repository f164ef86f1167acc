// Bounded fuzz run of both blob readers (the long run is bench/fuzz.ts). Fixed, printed seed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzz } from './fuzz/run.js';

const SEED = 1123;
const COUNT = 10000;

test(`fuzz: ${COUNT} structure-aware mutated blobs through both readers (seed ${SEED})`, (t) => {
  const s = fuzz(SEED, COUNT);
  t.diagnostic(`verdicts: ${JSON.stringify(s.verdicts)}; accepted ${s.accepted}`);
  assert.equal(s.tried, COUNT);
  assert.deepEqual(s.failures.map((f) => `#${f.index} ${f.mutation}: ${f.problem}`), []);
  // The mutations must reach deep checks, not just the checksum.
  for (const code of ['BadSection', 'OverLimit', 'BadLeaf', 'BadDomain', 'Truncated', 'BadChecksum']) {
    assert.ok((s.verdicts[code] ?? 0) > 0, `no mutation reached ${code}`);
  }
  assert.ok(s.accepted > 0, 'no mutated blob was accepted, so accepted-blob checks never ran');
});
