// `condnet sweep` end to end at small n: the documented JSON shape, every point verified, and
// the slopes that tell O(log n) from O(n) (issue targets, checked here on n = 2^6 … 2^11).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logSlope } from '../host/measure/sweep.js';

const CLI = new URL('../host/cli/main.js', import.meta.url).pathname;

test('logSlope is the least-squares slope on log axes', () => {
  const ns = [64, 128, 256, 512];
  assert.ok(Math.abs(logSlope(ns, ns.map((n) => 3 * n)) - 1) < 1e-12);
  assert.ok(Math.abs(logSlope(ns, ns.map((n) => Math.sqrt(n))) - 0.5) < 1e-12);
  assert.equal(logSlope(ns, ns.map(() => 7)), 0);
});

test('sweep --json --plot: shape, verification, slopes, ratios, line-alternating bound', () => {
  const plot = join(mkdtempSync(join(tmpdir(), 'condnet-sweep-')), 'sweep.svg');
  const r = spawnSync(process.execPath, [CLI, 'sweep', '--constructions', 'search,tree,interp,sqrt', '--n-max', '2048', '--json', '--plot', plot], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  const report = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(report.constructions), ['search', 'tree', 'interp', 'sqrt']);
  for (const [name, e] of Object.entries<{ rows: any[]; slope: { max: number; mean: number }; lineAlternating: any[] }>(report.constructions)) {
    assert.deepEqual(e.rows.map((row) => row.n), [64, 128, 256, 512, 1024, 2048], name);
    for (const row of e.rows) {
      for (const k of ['min', 'mean', 'max']) assert.equal(typeof row.ops.total[k], 'number');
      assert.equal(typeof row.wordOps.mean, 'number');
      assert.equal(typeof row.wordOps.max, 'number');
      assert.equal(typeof row.blobBytes, 'number');
      assert.equal(typeof row.buildSeconds, 'number');
      assert.deepEqual(row.verified, { checked: row.n, correct: row.n }, `${name} n = ${row.n}`);
    }
    for (const la of e.lineAlternating) assert.ok(la.cmpMax >= la.bound, `${name}: line-alternating n = ${la.n}`);
  }
  const slope = (c: string) => report.constructions[c].slope.max;
  assert.ok(slope('search') < 0.2, `search ${slope('search')}`);
  assert.ok(slope('tree') < 0.2, `tree ${slope('tree')}`);
  assert.ok(slope('interp') >= 0.9 && slope('interp') <= 1.1, `interp ${slope('interp')}`);
  assert.ok(slope('sqrt') >= 0.4 && slope('sqrt') <= 0.65, `sqrt ${slope('sqrt')}`);
  // sqrt's operations are multi-limb: its wordOps outgrow its ops.
  const last = (c: string) => report.constructions[c].rows.at(-1);
  assert.ok(last('sqrt').wordOps.max > 2 * last('sqrt').ops.total.max);
  assert.deepEqual(report.ratios['interp/search'].map((x: { n: number }) => x.n), [64, 128, 256, 512, 1024, 2048]);
  assert.ok(report.ratios['interp/search'].every((x: { ops: number }) => x.ops > 1));
  const svg = readFileSync(plot, 'utf8');
  assert.match(svg, /^<svg/);
  for (const s of ['search', 'tree', 'interp', 'sqrt', 'log₂ n', '√n']) assert.ok(svg.includes(s), s);
  assert.deepEqual(Object.keys(report.ratios), ['interp/search', 'sqrt/search']);
});
