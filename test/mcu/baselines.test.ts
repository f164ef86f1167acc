// The plain-C baselines of bench:mcu-baselines (bench/c-baselines.ts, mcu/baselines/) on QEMU's
// Cortex-M4, part of `npm run test:mcu` (same packages; fails, never skips, without them): on the
// mnist:1000 `tree` and `search` models, the C node walk, the nested if/else and the dot
// product + binary search give the engine's output on every digit; their tables are the blob's
// own (byte counts exact), and gcc turns the dot product into smlal. -Os only, a few seconds.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mismatches, runBaseline, searchC, sortedSearch, treeIfElseC, treeWalkC } from '../../bench/c-baselines.js';
import { Engine } from '../../host/engine/engine.js';
import type { SearchNetwork, TreeNetwork } from '../../host/network.js';
import { buildFrom } from '../helpers.js';

const work = mkdtempSync(join(tmpdir(), 'condnet-mcu-baselines-'));
after(() => rmSync(work, { recursive: true, force: true }));

function engineOutputs(blob: Uint8Array, xq: Int32Array, n: number): Int32Array {
  const e = new Engine('release');
  e.loadOrThrow(blob);
  return e.evaluateBatch(xq, n);
}

test('tree on mnist:1000: the C node walk and the nested if/else give the engine\'s class on every digit', () => {
  const b = buildFrom('mnist:1000', { construction: 'tree' });
  const net = b.net as TreeNetwork;
  const m = net.feature.length;
  assert.equal(net.fieldBytes ?? 2, 2, 'MNIST nodes fit 8 bytes');
  const expected = engineOutputs(b.blob, b.xq, b.ds.n);
  const walk = runBaseline(treeWalkC(net, b.blob), b.xq, b.ds.dim, b.ds.n, join(work, 'walk'));
  assert.deepEqual(mismatches(walk, expected), []);
  assert.equal(walk.sizes.tableBytes, 8 * m, 'the node array is the blob\'s m 8-byte TreeNodes elements');
  const ifelse = runBaseline(treeIfElseC(net), b.xq, b.ds.dim, b.ds.n, join(work, 'ifelse'));
  assert.deepEqual(mismatches(ifelse, expected), []);
  assert.equal(ifelse.sizes.tableBytes, 0, 'the if/else tree is all code');
  for (const r of [walk, ifelse]) {
    assert.equal(r.instructions.perInput.length, b.ds.n);
    assert.ok(r.instructions.min > 0 && r.instructions.min <= r.instructions.mean && r.instructions.mean <= r.instructions.max);
    assert.ok(r.sizes.stackUsed > 0 && r.sizes.stackUsed <= r.sizes.stack / 2);
  }
  assert.ok(ifelse.instructions.mean < walk.instructions.mean, 'immediates and branches beat loads from a table');
  console.log(`# mnist:1000 tree -Os: C node walk ${walk.instructions.mean.toFixed(2)}, if/else ${ifelse.instructions.mean.toFixed(2)} instructions per inference`);
});

test('search on mnist:1000: the C dot product (smlal) + binary search gives the engine\'s class on every digit', () => {
  const b = buildFrom('mnist:1000', { construction: 'search' });
  const net = b.net as SearchNetwork;
  const m = net.separators.length;
  const { keys, classes } = sortedSearch(net);
  assert.equal(keys.length, m);
  assert.equal(classes.length, m + 1);
  const expected = engineOutputs(b.blob, b.xq, b.ds.n);
  const src = searchC(net);
  const r = runBaseline(src, b.xq, b.ds.dim, b.ds.n, join(work, 'search'));
  assert.deepEqual(mismatches(r, expected), []);
  // i16 weights, i64 keys, u8 classes: the blob's projection and separators, the leaves reordered.
  assert.equal(r.sizes.tableBytes, 2 * b.ds.dim + 8 * m + (m + 1));
  const dis = spawnSync('arm-none-eabi-objdump', ['-d', join(work, 'search', 'fw-Os', 'fw.elf')], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(dis.status, 0, dis.stderr);
  const fn = dis.stdout.slice(dis.stdout.indexOf('<baseline_eval>:'));
  assert.match(fn.slice(0, fn.indexOf('\n\n')), /\bsmlal\b/, 'int16 × int32 into int64 is one smlal');
  console.log(`# mnist:1000 search -Os: C dot product + binary search ${r.instructions.mean.toFixed(2)} instructions per inference`);
});
