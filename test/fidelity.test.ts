// `synth --target-fidelity F` (issue 18, docs/SYNTH.md "Fidelity"): on a small trained network
// the chosen graph is exact on every synthesis input in both engine builds and its validation
// fidelity meets the target; bad targets are a CliError (exit 2) before any work.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset } from '../host/data/source.js';
import { writeBlob } from '../host/format/writer.js';
import { checkSynthesis } from '../host/synth/check.js';
import { chooseSetting, synthesizeForFidelity } from '../host/synth/fidelity.js';
import { prepareSynthesis } from '../host/synth/prepare.js';

const CLI = new URL('../host/cli/main.js', import.meta.url).pathname;
const FIXTURE = new URL('../../test/fixtures/clusters-mlp/', import.meta.url).pathname;
const MODEL = join(FIXTURE, 'model.json');
const DATA = join(FIXTURE, 'data.csv');
const dir = mkdtempSync(join(tmpdir(), 'condnet-fidelity-'));

function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, out: r.stdout, err: r.stderr.slice(-2000) };
}

const GRID = [{ epsilon: 0.005, minLeaf: 1000, context: false }, { epsilon: 0.03, minLeaf: 100, context: false }, { epsilon: 0.03, minLeaf: 100, context: true }];

test('--target-fidelity: exact on the synthesis inputs in the engine, validation fidelity ≥ the target', () => {
  const ds = loadDataset(`${DATA}[0:300]`);
  const holdout = loadDataset(`${DATA}[4000:4300]`);
  const input = prepareSynthesis(MODEL, ds, { holdout });
  for (const target of [0.9, 0.97]) {
    const r = synthesizeForFidelity(input.network, input.xq, ds.n, { target, grid: GRID });
    assert.equal(r.stats.tried.length, GRID.length);
    assert.equal(r.stats.targetMet, r.stats.tried.some((t) => t.fidelity >= target));
    if (r.stats.targetMet) assert.ok(r.stats.validation.fidelity >= target, `validation fidelity ${r.stats.validation.fidelity} < ${target}`);
    // the chosen setting is the cheapest that meets the target
    const { pick } = chooseSetting(r.stats.tried, target);
    assert.deepEqual(r.stats.setting, { epsilon: pick.epsilon, minLeaf: pick.minLeaf, context: pick.context });
    const c = checkSynthesis(input.blob, writeBlob(r.graph), input.network.classes, ds, input.xq, { ds: holdout, xq: input.holdoutXq! });
    assert.equal(c.reproduced, ds.n, JSON.stringify(c.mismatches));
    assert.ok(c.holdout!.fidelity > 0.5);
  }
  // a target no setting reaches: the most faithful one, reported as not met
  const r = synthesizeForFidelity(input.network, input.xq, ds.n, { target: 1, grid: [{ epsilon: 0.5, minLeaf: 1000, context: false }] });
  if (r.stats.validation.fidelity < 1) assert.equal(r.stats.targetMet, false);
});

test('synth --target-fidelity: bad values are a CliError (exit 2)', () => {
  for (const bad of ['0', '1.5', 'abc']) {
    const r = run(['synth', MODEL, `${DATA}[0:200]`, '--target-fidelity', bad, '-o', 'g.cnb']);
    assert.equal(r.code, 2, `${bad}: ${r.err}`);
    assert.match(r.err, /--target-fidelity must be a share in \(0, 1\]/);
    assert.equal(existsSync(join(dir, 'g.cnb')), false);
  }
  const r = run(['synth', MODEL, `${DATA}[0:200]`, '--target-fidelity', '0.9', '--max-depth', '4', '-o', 'g.cnb']);
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, /drop --max-depth/);
});

test('synth --target-fidelity end to end: writes a graph exact on its inputs, fidelity on held-out inputs', () => {
  const r = run(['synth', MODEL, `${DATA}[0:400]`, '--holdout', `${DATA}[4000:4200]`, '--target-fidelity', '0.95', '-o', 'g.cnb', '--json']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.reproduced, 400);
  assert.equal(j.targetFidelity, 0.95);
  assert.equal(typeof j.holdout.fidelity, 'number');
  assert.equal(typeof j.holdout.outsideDomain, 'number');
  assert.ok(existsSync(join(dir, 'g.cnb')));
});
