// `condnet mcu` end to end with energy (docs/ENERGY.md, "On the device"), part of `npm run
// test:mcu`: a small model on QEMU's Cortex-M4, its --json keeps every key scripts read and adds
// the model's SHA-256 and the energy per inference (instructions × CPI × pJ per cycle, beside the
// 45 nm estimate), and `measure --mcu` reads that file back. One small firmware, a few seconds.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDeviceEnergyModel, DEFAULT_DEVICE_ENERGY_MODEL } from '../../host/measure/energy.js';
import { modelSha256 } from '../../host/mcu/energy.js';
import { buildFrom } from '../helpers.js';

const CLI = fileURLToPath(new URL('../../host/cli/main.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'condnet-mcu-energy-'));
after(() => rmSync(work, { recursive: true, force: true }));

function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: work });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('condnet mcu --json: the existing keys, the model\'s SHA-256, energy per inference; measure --mcu reads it back', () => {
  const spec = 'synthetic:n=60,d=5,labels=4,seed=3';
  const { blob } = buildFrom(spec, { construction: 'tree' });
  const model = join(work, 'small.cnb');
  writeFileSync(model, blob);
  const m = run(['mcu', model, spec, '--json', '--work', join(work, 'fw')]);
  assert.equal(m.code, 0, m.err);
  const r = JSON.parse(m.out);
  for (const v of [r.instructions.mean, r.sizes.ram, r.sizes.flash, r.sizes.modelBytes]) assert.equal(typeof v, 'number');
  assert.equal(r.outputs.match, 60);
  assert.equal(r.modelSha256, modelSha256(blob));
  const device = loadDeviceEnergyModel(DEFAULT_DEVICE_ENERGY_MODEL);
  const perInstruction = device.cyclesPerInstruction.value * device.pJPerCycle.value;
  assert.ok(Math.abs(r.energy.device.perInference.mean - r.instructions.mean * perInstruction) <= 1e-9 * r.energy.device.perInference.mean);
  assert.equal(r.energy.device.perInference.max, r.instructions.max * perInstruction);
  assert.equal(r.energy.operations.model, 'horowitz-45nm');
  assert.ok(r.energy.operations.integer.total.mean > 0);
  // Whole-chip active current per instruction against the arithmetic and reads alone: far above.
  assert.ok(r.energy.device.perInference.mean > 100 * r.energy.operations.integer.total.mean);

  const text = run(['mcu', model, spec, '--work', join(work, 'fw')]);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /energy per inference on the device \(cortex-m4-pic32cx-sg; derived, docs\/ENERGY\.md\): mean [\d.]+ nJ/);
  assert.match(text.out, /45 nm estimate of the same inferences \(horowitz-45nm/);

  const saved = join(work, 'mcu.json');
  writeFileSync(saved, m.out);
  const back = run(['measure', model, spec, '--no-timing', '--json', '--mcu', saved]);
  assert.equal(back.code, 0, back.err);
  assert.deepEqual(JSON.parse(back.out).device.perInference, r.energy.device.perInference);
  assert.equal(readFileSync(saved, 'utf8'), m.out);
});
