// Energy on the device (docs/ENERGY.md, "On the device"): the built-in Cortex-M4 model's
// datasheet figures written out by hand, the one loader's two kinds and its errors, and
// `measure --mcu` / `report --mcu` on a saved `condnet mcu --json` result. No QEMU here: the
// result file is made by hand with known instruction counts (the MCU suite runs the device).

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_DEVICE_ENERGY_MODEL, deviceEnergyOf, ENERGY_DIR, EnergyModelError, loadAnyEnergyModel, loadDeviceEnergyModel, loadEnergyModel,
} from '../host/measure/energy.js';
import { deviceEnergyReport, formatEnergy, modelSha256 } from '../host/mcu/energy.js';
import { buildFrom } from './helpers.js';

const CLI = new URL('../host/cli/main.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'condnet-energy-device-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Relative agreement to 1e-12 (the hand products and the code's mean differ only in rounding). */
function close(actual: number, expected: number, what: string) {
  assert.ok(Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)), `${what}: ${actual} ≠ ${expected}`);
}

function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// Microchip PIC32CX SG41/SG60/SG61 Family Data Sheet, Table 55-8, APWR_1 (LDO, FDPLL 120 MHz,
// VDD = 3.3 V), max: written out by hand, not read from the file.
const UA_PER_MHZ = 164;
const VDD = 3.3;
const PJ_PER_CYCLE = 541.2; // derived: 164e-12 C per cycle × 3.3 V
const CPI = 1; // assumed

test('the built-in device model: the datasheet figure, its citation, the derived pJ per cycle and the assumed CPI', () => {
  const m = loadDeviceEnergyModel(DEFAULT_DEVICE_ENERGY_MODEL);
  assert.equal(m.name, 'cortex-m4-pic32cx-sg');
  assert.equal(m.kind, 'device');
  assert.equal(m.file, join(ENERGY_DIR, 'cortex-m4-pic32cx-sg.json'));
  assert.equal(m.core, 'Cortex-M4');
  assert.deepEqual([m.currentPerMHz.value, m.currentPerMHz.unit, m.supply.value, m.supply.unit], [UA_PER_MHZ, 'uA/MHz', VDD, 'V']);
  assert.match(m.sources[m.currentPerMHz.source], /PIC32CX SG41\/SG60\/SG61 Family Data Sheet.*Table 55-8/);
  assert.match(m.currentPerMHz.what ?? '', /APWR_1.*LDO.*120 MHz.*3\.3 V.*maximum/);
  assert.equal(m.pJPerCycle.value, PJ_PER_CYCLE);
  assert.equal(m.pJPerCycle.derived, true);
  assert.ok(Math.abs(UA_PER_MHZ * VDD - PJ_PER_CYCLE) < 1e-9, 'µA/MHz × V = pJ per cycle');
  assert.equal(m.cyclesPerInstruction.value, CPI);
  assert.equal(m.cyclesPerInstruction.assumed, true);
  assert.match(m.cyclesPerInstruction.how, /counts instructions, not cycles/);
  // 619 instructions (the MNIST tree's mean at -Os when issue 15 was filed) by hand.
  assert.equal(deviceEnergyOf(m, 619), 619 * CPI * PJ_PER_CYCLE);
  assert.equal(formatEnergy(619 * PJ_PER_CYCLE), '335.00 nJ');
  assert.equal(formatEnergy(44_400 * PJ_PER_CYCLE), '24.03 µJ');
  assert.equal(formatEnergy(66.11), '66.11 pJ');
});

test('one loader, two kinds: each command gets the kind it needs, or a clear error', () => {
  assert.equal(loadAnyEnergyModel('horowitz-45nm').name, 'horowitz-45nm');
  assert.equal((loadAnyEnergyModel('cortex-m4-pic32cx-sg') as { kind: string }).kind, 'device');
  assert.throws(() => loadEnergyModel('cortex-m4-pic32cx-sg'), /cortex-m4-pic32cx-sg\.json: is a device model .* an operations model is needed here, e\.g\. horowitz-45nm/);
  assert.throws(() => loadDeviceEnergyModel('horowitz-45nm'), /horowitz-45nm\.json: is an operations model .* e\.g\. cortex-m4-pic32cx-sg/);
  assert.throws(() => loadDeviceEnergyModel('no-such'), /no-such: neither a built-in device model \(cortex-m4-pic32cx-sg\) nor an existing file/);
  assert.throws(() => loadEnergyModel('no-such-model'), /no-such-model: neither a built-in model \(horowitz-45nm\) nor an existing file/);

  const base = JSON.parse(readFileSync(join(ENERGY_DIR, 'cortex-m4-pic32cx-sg.json'), 'utf8'));
  const cases: [string, (m: any) => unknown, RegExp][] = [
    ['kind.json', (m) => { m.kind = 'chip'; }, /"kind" must be "operations" \(the default\) or "device" \(got "chip"\)/],
    ['product.json', (m) => { m.pJPerCycle.value = 500; }, /pJPerCycle\.value 500 is not currentPerMHz × supply = 164 × 3\.3/],
    ['assumed.json', (m) => { delete m.cyclesPerInstruction.assumed; }, /cyclesPerInstruction\.assumed must be true/],
    ['derived.json', (m) => { m.pJPerCycle.derived = false; }, /pJPerCycle\.derived must be true/],
    ['unit.json', (m) => { m.currentPerMHz.unit = 'mA'; }, /currentPerMHz\.unit must be "uA\/MHz" or "µA\/MHz" \(got "mA"\)/],
    ['source.json', (m) => { m.supply.source = 'nobody'; }, /supply\.source "nobody" is not one of "sources"/],
    ['conditions.json', (m) => { delete m.currentPerMHz.conditions; }, /currentPerMHz\.conditions must be a non-empty string/],
    ['cpi.json', (m) => { m.cyclesPerInstruction.value = 0; }, /cyclesPerInstruction\.value must be a finite number > 0/],
  ];
  for (const [name, edit, message] of cases) {
    const m = structuredClone(base);
    edit(m);
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(m));
    assert.throws(() => loadAnyEnergyModel(file), (e: unknown) => e instanceof EnergyModelError && e.message.startsWith(file + ': ') && message.test(e.message), name);
  }
  // A µA/MHz spelled with the micro sign is the same unit.
  const micro = structuredClone(base);
  micro.currentPerMHz.unit = 'µA/MHz';
  writeFileSync(join(dir, 'micro.json'), JSON.stringify(micro));
  assert.equal(loadDeviceEnergyModel(join(dir, 'micro.json')).pJPerCycle.value, PJ_PER_CYCLE);
});

test('a device model prices its own core only', () => {
  const m = loadDeviceEnergyModel(DEFAULT_DEVICE_ENERGY_MODEL);
  const run1 = { dataset: 'd', inputs: 2, opt: 'Os' as const, target: 'Cortex-M4 (QEMU)', instructions: { mean: 15, min: 10, max: 20, calibration: 3, perInput: [10, 20] } };
  const e = deviceEnergyReport(m, run1);
  close(e.perInference.min, 10 * PJ_PER_CYCLE, 'min');
  close(e.perInference.mean, 15 * PJ_PER_CYCLE, 'mean');
  close(e.perInference.max, 20 * PJ_PER_CYCLE, 'max');
  assert.throws(() => deviceEnergyReport(m, { ...run1, target: 'Cortex-M0+ (QEMU)' }), /prices Cortex-M4 instructions; the run was on Cortex-M0\+/);
});

test('measure and report --mcu: energy per inference from a saved device run, checked to be this model on these inputs', () => {
  const spec = 'synthetic:n=40,d=4,labels=3,seed=5';
  const { blob, ds } = buildFrom(spec, { construction: 'tree' });
  const model = join(dir, 'm.cnb');
  writeFileSync(model, blob);
  const perInput = Array.from({ length: ds.n }, (_, i) => 100 + i); // mean 119.5 for n = 40
  const result = {
    model, dataset: ds.name, kind: 'tree', inputs: ds.n, target: 'Cortex-M4 (QEMU 7.2 mps2-an386), wasm2c + arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb',
    opt: 'Os', instructions: { mean: 119.5, min: 100, max: 139, calibration: 3, perInput }, modelSha256: modelSha256(blob),
  };
  const mcuJson = join(dir, 'mcu.json');
  writeFileSync(mcuJson, JSON.stringify(result));

  const m = run(['measure', model, spec, '--no-timing', '--json', '--energy', '--mcu', mcuJson]);
  assert.equal(m.code, 0, m.err);
  const r = JSON.parse(m.out);
  assert.ok(r.energy, 'the 45 nm estimate stays');
  assert.equal(r.device.model, 'cortex-m4-pic32cx-sg');
  close(r.device.perInference.mean, 119.5 * CPI * PJ_PER_CYCLE, 'mean');
  close(r.device.perInference.max, 139 * CPI * PJ_PER_CYCLE, 'max');
  assert.equal(r.device.run.inputs, ds.n);

  const text = run(['measure', model, spec, '--no-timing', '--energy', '--mcu', mcuJson]);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /energy \(horowitz-45nm/);
  assert.match(text.out, /energy per inference on the device \(cortex-m4-pic32cx-sg; derived, docs\/ENERGY\.md\): mean 64\.67 nJ, min 54\.12 nJ, max 75\.23 nJ/);
  assert.match(text.out, /CPI 1 \(assumed: QEMU counts instructions, not cycles\) × 541\.2 pJ per cycle \(164 µA\/MHz × 3\.3 V/);
  // Without a device run: the 45 nm estimate, and what it takes to get the device's.
  const none = run(['measure', model, spec, '--no-timing', '--energy']);
  assert.equal(none.code, 0, none.err);
  assert.match(none.out, /energy on the Cortex-M4: needs a device run \(npx condnet mcu <model> <dataset> --json > mcu\.json, then --mcu mcu\.json/);

  // Another model file, another dataset, an old result without the hash: refused, one line each.
  const other = join(dir, 'other.cnb');
  writeFileSync(other, buildFrom(spec, { construction: 'search' }).blob);
  const wrongModel = run(['measure', other, spec, '--no-timing', '--mcu', mcuJson]);
  assert.equal(wrongModel.code, 1);
  assert.match(wrongModel.err, /^condnet: --mcu .*mcu\.json measured another model file \(.*m\.cnb, SHA-256 [0-9a-f]{12}…\) than .*other\.cnb\n$/);
  const wrongData = run(['measure', model, `${spec}[0:20]`, '--no-timing', '--mcu', mcuJson]);
  assert.equal(wrongData.code, 1);
  assert.match(wrongData.err, /ran 40 inputs of .*; this command measures 20 of .*\[0:20\]: run condnet mcu on the same dataset/);
  const old = join(dir, 'old.json');
  writeFileSync(old, JSON.stringify({ ...result, modelSha256: undefined }));
  assert.match(run(['measure', model, spec, '--no-timing', '--mcu', old]).err, /no "modelSha256" \(a result written before condnet mcu recorded it: run condnet mcu again\)/);
  const short = join(dir, 'short.json');
  writeFileSync(short, JSON.stringify({ ...result, instructions: { ...result.instructions, perInput: perInput.slice(1) } }));
  assert.match(run(['measure', model, spec, '--no-timing', '--mcu', short]).err, /"instructions\.perInput" must hold one non-negative integer per input/);

  // The report: the device table beside the 45 nm one, or the note that a device run is needed.
  const page = join(dir, 'page.html');
  const rep = run(['report', model, spec, '-o', page, '--mcu', mcuJson]);
  assert.equal(rep.code, 0, rep.err);
  const html = readFileSync(page, 'utf8');
  assert.match(html, /<p id="device-energy">On the Cortex-M4/);
  assert.match(html, /<tr><td>energy \(derived\)<\/td><td>54\.12 nJ<\/td><td>64\.67 nJ<\/td><td>75\.23 nJ<\/td><\/tr>/);
  assert.match(html, /Table 55-8/);
  const bare = join(dir, 'bare.html');
  assert.equal(run(['report', model, spec, '-o', bare]).code, 0);
  assert.match(readFileSync(bare, 'utf8'), /<p class="note" id="device-energy">Energy on the Cortex-M4: needs a device run\./);
});
