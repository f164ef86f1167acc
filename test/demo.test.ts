// `npm start` as a user runs it, through the CLI with --json: both constructions memorize
// MNIST-10k and are verified in the engine, the report has its documented shape, stdout is
// JSON alone (no progress output), and `tree` meets the targets. These are op counts
// and bytes, deterministic, so they are asserted here; timings are not.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = new URL('../host/cli/main.js', import.meta.url).pathname;

test('demo --json: search and tree on MNIST-10k, verified; tree: mean ≤ 9.5, max ≤ 17, no mul, ≤ 16 KiB', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'condnet-demo-')), 'demo');
  const r = spawnSync(process.execPath, [CLI, 'demo', '--json', '--out', out], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', 'no progress output when piped');
  const report = JSON.parse(r.stdout);
  assert.deepEqual(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')), report);
  assert.equal(report.dataset, 'mnist:10000');
  assert.deepEqual(Object.keys(report.constructions), ['search', 'tree']);
  type Run = { verify: { correct: number }; model: string; buildSeconds: number; measure: { byClass: object } };
  for (const [name, c] of Object.entries(report.constructions as Record<string, Run>)) {
    assert.equal(c.verify.correct, 10000, name);
    assert.ok(existsSync(c.model), name);
    assert.equal(typeof c.buildSeconds, 'number');
    assert.equal(Object.keys(c.measure.byClass).length, 10);
  }
  const search = report.constructions.search.measure;
  assert.equal(search.ops.cmp.max, 14);
  assert.equal(search.ops.mul.max, 784);

  const tree = report.constructions.tree.measure;
  assert.ok(tree.ops.total.mean <= 9.5, `mean ops ${tree.ops.total.mean}`);
  assert.ok(tree.ops.total.max <= 17, `max ops ${tree.ops.total.max}`);
  assert.equal(tree.ops.mul.max, 0);
  assert.equal(tree.ops.add.max, 0);
  assert.equal(tree.wordOps.max, tree.ops.total.max, 'every test is one 32-bit word');
  assert.ok(tree.blobBytes <= 16384, `blob ${tree.blobBytes} bytes`);
  // 8-byte nodes (u16 fields): 64 header + 3×16 table + 8 shared domain + 56 labels + 8m
  const nodes = tree.sections.find((s: { name: string }) => s.name === 'TreeNodes');
  assert.equal(nodes.elemBytes, 8);
  assert.equal(tree.blobBytes, 64 + 48 + 8 + 56 + 8 * nodes.count);
});
