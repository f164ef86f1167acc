// Energy estimates (DESIGN §7, docs/ENERGY.md): the built-in 45 nm table, the rules, and
// `measure --energy` figures recomputed by hand from one input's counts and the table's
// numbers written out here — a change to the table or to the rules fails this file.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { energyOf, loadEnergyModel, EnergyModelError, ENERGY_DIR } from '../host/measure/energy.js';
import { buildFrom } from './helpers.js';

const CLI = new URL('../host/cli/main.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'condnet-energy-'));

function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Relative agreement to 1e-12 (the hand sums and the code's sums differ only in rounding). */
function close(actual: number, expected: number, what: string) {
  assert.ok(Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)), `${what}: ${actual} ≠ ${expected}`);
}

// Horowitz, ISSCC 2014 (45 nm, 0.9 V), pJ — written out by hand, not read from the file.
const INT_ADD_32 = 0.1;
const INT_MULT_32 = 3.1;
const FLOAT_ADD_32 = 0.9;
const FLOAT_MULT_32 = 3.7;
const SRAM_8KB = 10;
const SRAM_32KB = 20;
const SRAM_1MB = 100;
const DRAM = 1950; // derived: midpoint of 1.3–2.6 nJ

test('the built-in model: Horowitz figures with their source, derived figures marked with how', () => {
  const m = loadEnergyModel('horowitz-45nm');
  assert.equal(m.version, 1);
  assert.equal(m.name, 'horowitz-45nm');
  assert.equal(m.file, join(ENERGY_DIR, 'horowitz-45nm.json'));
  const v = (k: string) => m.operations[k].value;
  assert.deepEqual(
    ['int-add-8', 'int-add-32', 'int-mult-8', 'int-mult-32', 'float-add-16', 'float-add-32', 'float-mult-16', 'float-mult-32'].map(v),
    [0.03, INT_ADD_32, 0.2, INT_MULT_32, 0.4, FLOAT_ADD_32, 1.1, FLOAT_MULT_32],
  );
  for (const [k, f] of Object.entries(m.operations)) {
    assert.match(m.sources[f.source], /Horowitz.*ISSCC.*2014/, k);
    if (f.derived) assert.ok(f.how && f.how.length > 10, `${k} is derived and says how`);
  }
  // Printed in the source: not derived. Not printed (comparisons, wide ops, DRAM's one value): derived.
  for (const k of ['int-add-32', 'int-mult-32', 'float-add-32', 'float-mult-32']) assert.notEqual(m.operations[k].derived, true, k);
  for (const k of ['int-cmp-32', 'float-cmp-32', 'int-add-64', 'int-mult-64x32']) assert.equal(m.operations[k].derived, true, k);
  assert.deepEqual(m.memory.map((c) => [c.name, c.maxBytes, c.pJPer64BitRead, c.derived === true]), [
    ['SRAM 8 KB', 8192, SRAM_8KB, false], ['SRAM 32 KB', 32768, SRAM_32KB, false],
    ['SRAM 1 MB', 1048576, SRAM_1MB, false], ['DRAM', null, DRAM, true],
  ]);
  assert.deepEqual(m.rules, {
    integer: { mul: 'int-mult-32', add: 'int-add-32', cmp: 'int-cmp-32', perWord: true },
    float32: { mul: 'float-mult-32', add: 'float-add-32', cmp: 'float-cmp-32', perWord: false },
    bytesPerRead: 8,
  });
});

test('energyOf: the rules by hand, mixed word widths, and the memory class by size', () => {
  const m = loadEnergyModel('horowitz-45nm');
  // 12 ops over 30 words: 2.5 words per op.
  const e = energyOf(m, { mul: 3, add: 4, cmp: 5, wordOps: 30, loads: 20 }, 8192);
  close(e.integer.arithmetic, (30 / 12) * (3 * INT_MULT_32 + 4 * INT_ADD_32 + 5 * INT_ADD_32), 'integer arithmetic');
  close(e.integer.memory, (20 / 8) * SRAM_8KB, 'integer memory');
  close(e.integer.total, e.integer.arithmetic + e.integer.memory, 'integer total');
  close(e.float32.arithmetic, 3 * FLOAT_MULT_32 + 4 * FLOAT_ADD_32 + 5 * FLOAT_ADD_32, 'float32 arithmetic');
  close(e.float32.memory, (20 / 8) * SRAM_8KB, 'float32 memory (the same bytes, the same class)');
  assert.deepEqual(e.sram, { name: 'SRAM 8 KB', maxBytes: 8192, pJPer64BitRead: SRAM_8KB });
  const cls = (bytes: number) => energyOf(m, { mul: 0, add: 0, cmp: 0, wordOps: 0, loads: 8 }, bytes);
  assert.deepEqual([8193, 32768, 32769, 1048576, 1048577].map((b) => [cls(b).sram.name, cls(b).integer.memory]), [
    ['SRAM 32 KB', SRAM_32KB], ['SRAM 32 KB', SRAM_32KB], ['SRAM 1 MB', SRAM_1MB], ['SRAM 1 MB', SRAM_1MB], ['DRAM', DRAM],
  ]);
  assert.deepEqual(energyOf(m, { mul: 0, add: 0, cmp: 0, wordOps: 0, loads: 0 }, 10).integer, { arithmetic: 0, memory: 0, total: 0 });
  assert.throws(() => energyOf(m, { mul: -1, add: 0, cmp: 0, wordOps: 0, loads: 0 }, 10), /mul must be a finite number/);
});

for (const construction of ['search', 'tree'] as const) {
  test(`measure --energy (${construction}): one input's figures recomputed by hand from its counts and the table`, () => {
    const spec = 'synthetic:n=200,d=6,labels=5,seed=11';
    const { blob } = buildFrom(spec, { construction });
    const model = join(dir, `${construction}.cnb`);
    writeFileSync(model, blob);
    // Input 37 alone: its min = mean = max are its own counts and figures.
    const m = run(['measure', model, `${spec}[37:38]`, '--json', '--no-timing', '--energy']);
    assert.equal(m.code, 0, m.err);
    const r = JSON.parse(m.out);
    assert.equal(r.n, 1);
    const one = (s: { min: number; mean: number; max: number }) => {
      assert.ok(s.min === s.mean && s.mean === s.max);
      return s.max;
    };
    const mul = one(r.ops.mul), add = one(r.ops.add), cmp = one(r.ops.cmp), wordOps = one(r.wordOps), loads = one(r.loads);
    const bytes = readFileSync(model).length;
    assert.ok(bytes <= 8192, 'a small model sits in the 8 KB SRAM');
    assert.equal(r.energy.model, 'horowitz-45nm');
    assert.equal(r.energy.modelBytes, bytes);
    assert.deepEqual(r.energy.sram, { name: 'SRAM 8 KB', maxBytes: 8192, pJPer64BitRead: SRAM_8KB });
    if (construction === 'tree') assert.equal(wordOps, cmp, 'tree: coordinate tests, 1 word each, nothing else');
    else assert.equal(wordOps, 2 * (mul + add + cmp), 'search: i64, 2 words per op');
    const ops = mul + add + cmp;
    const intArith = (wordOps / ops) * (mul * INT_MULT_32 + add * INT_ADD_32 + cmp * INT_ADD_32);
    const floatArith = mul * FLOAT_MULT_32 + add * FLOAT_ADD_32 + cmp * FLOAT_ADD_32;
    const memory = (loads / 8) * SRAM_8KB;
    for (const s of ['mean', 'max'] as const) {
      close(r.energy.integer.arithmetic[s], intArith, `integer arithmetic ${s}`);
      close(r.energy.integer.memory[s], memory, `integer memory ${s}`);
      close(r.energy.integer.total[s], intArith + memory, `integer total ${s}`);
      close(r.energy.float32.arithmetic[s], floatArith, `float32 arithmetic ${s}`);
      close(r.energy.float32.memory[s], memory, `float32 memory ${s}`);
      close(r.energy.float32.total[s], floatArith + memory, `float32 total ${s}`);
    }
    // Over all inputs, mean and max bracket the single input's figure, and the text output shows them.
    const all = run(['measure', model, spec, '--no-timing', '--energy', 'horowitz-45nm']);
    assert.equal(all.code, 0, all.err);
    assert.match(all.out, /energy \(horowitz-45nm, .*horowitz-45nm\.json.*SRAM 8 KB/);
    assert.match(all.out, /integer \(engine\) total/);
    assert.match(all.out, /float32 \(same ops\) total/);
  });
}

test('bad energy models: a clear error naming the file and what is wrong', () => {
  const base = JSON.parse(readFileSync(join(ENERGY_DIR, 'horowitz-45nm.json'), 'utf8'));
  const cases: [string, (m: any) => unknown, RegExp][] = [
    ['version.json', (m) => { m.version = 2; }, /"version" must be 1/],
    ['value.json', (m) => { m.operations['int-add-32'].value = -1; }, /operations\.int-add-32\.value must be a finite number/],
    ['source.json', (m) => { m.operations['int-add-32'].source = 'nobody'; }, /operations\.int-add-32\.source "nobody" is not one of "sources"/],
    ['how.json', (m) => { delete m.operations['int-cmp-32'].how; }, /operations\.int-cmp-32 \(derived\)\.how must be a non-empty string/],
    ['rule.json', (m) => { m.rules.integer.mul = 'int-mult-64'; }, /rules\.integer\.mul names "int-mult-64", which is not in "operations"/],
    ['order.json', (m) => { m.memory[1].maxBytes = 4096; }, /memory\[1\] \(SRAM 32 KB\)\.maxBytes must exceed/],
    ['null.json', (m) => { m.memory[0].maxBytes = null; }, /memory\[0\] \(SRAM 8 KB\)\.maxBytes is null .* not the last class/],
  ];
  for (const [name, edit, message] of cases) {
    const m = structuredClone(base);
    edit(m);
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(m));
    assert.throws(() => loadEnergyModel(file), (e: unknown) => e instanceof EnergyModelError && e.message.startsWith(file + ': ') && message.test(e.message), name);
  }
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{"version": 1,');
  assert.throws(() => loadEnergyModel(broken), (e: unknown) => e instanceof EnergyModelError && e.message.startsWith(`${broken}: not valid JSON`));
  assert.throws(() => loadEnergyModel('no-such-model'), /no-such-model: neither a built-in model \(horowitz-45nm\) nor an existing file/);

  // The CLI: exit 1, one line, the file and the problem, before any counting.
  const model = join(dir, 'small.cnb');
  writeFileSync(model, buildFrom('synthetic:n=20,d=2,labels=2,seed=1').blob);
  const bad = join(dir, 'version.json');
  const r = run(['measure', model, 'synthetic:n=20,d=2,labels=2,seed=1', '--no-timing', '--energy', bad]);
  assert.equal(r.code, 1);
  assert.equal(r.out, '');
  assert.equal(r.err, `condnet: energy model ${bad}: "version" must be 1 (got 2); this condnet reads version 1 only\n`);
});
