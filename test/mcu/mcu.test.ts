// System suite (npm run test:mcu; needs Debian's wabt, gcc-arm-none-eabi, libnewlib-arm-none-eabi,
// qemu-system-arm and gcc, and fails loudly without them, never a skip): the engine through wasm2c
// and arm-none-eabi-gcc as bare-metal firmware, run on QEMU's Cortex-M4 (mps2-an386). A `search`
// and a `tree` model and every golden blob give the same outputs, and in the counting build the
// same counts, as the engine in Node; instruction counts and sizes meet docs/MCU.md's budgets.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { MCU_ROOT, runMcuInputs, STACK_MARGIN, type McuReport } from '../../host/mcu/run.js';
import { countsText, type OpCounts } from '../../host/measure/counts.js';
import { goldenDir } from '../golden/paths.js';
import { buildFrom } from '../helpers.js';

const work = mkdtempSync(join(tmpdir(), 'condnet-mcu-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Budgets (docs/MCU.md): the firmware without the model fits 64 KiB of flash; `tree` on
 *  MNIST-10k runs in at most 2.5× the plain C walk over the same node array (96 instructions
 *  per inference, bench:mcu-baselines) on average, in at most the blob, the input row and
 *  8 KiB of RAM. */
const FLASH_WITHOUT_MODEL_BUDGET = 64 * 1024;
const TREE_MNIST_10K_INSNS_BUDGET = 240;

test('the tools are installed (a missing one fails this suite, never skips it)', () => {
  const missing: string[] = [];
  for (const [tool, pkg] of [['wasm2c', 'wabt'], ['arm-none-eabi-gcc', 'gcc-arm-none-eabi'], ['qemu-system-arm', 'qemu-system-arm'], ['gcc', 'gcc']]) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) missing.push(`${tool} (apt-get install --no-install-recommends ${pkg})`);
  }
  const newlib = spawnSync('sh', ['-c', 'echo "#include <string.h>" | arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -E -x c - >/dev/null']);
  if (newlib.status !== 0) missing.push('newlib for arm-none-eabi (apt-get install --no-install-recommends libnewlib-arm-none-eabi)');
  assert.deepEqual(missing, [], `missing: ${missing.join(', ')}`);
});

function checkParity(r: McuReport): void {
  assert.equal(r.outputs.match, r.outputs.total, `outputs differ from Node: ${JSON.stringify(r.outputs.mismatches)}`);
  assert.ok(r.counting, 'the counting build ran');
  assert.equal(r.counting.match, r.counting.total, `counts differ from Node: ${JSON.stringify(r.counting.mismatches)}`);
  assert.equal(r.instructions.perInput.length, r.inputs);
  assert.ok(r.instructions.min > 0 && r.instructions.min <= r.instructions.mean && r.instructions.mean <= r.instructions.max);
  assert.ok(r.sizes.flashWithoutModel <= FLASH_WITHOUT_MODEL_BUDGET, `flash without the model ${r.sizes.flashWithoutModel} > ${FLASH_WITHOUT_MODEL_BUDGET}`);
  assert.equal(r.sizes.flash - r.sizes.flashWithoutModel, r.sizes.modelBytes);
  assert.ok(r.sizes.wasmMemory >= r.sizes.modelBytes, 'the model is copied into linear memory (RAM)');
  assert.equal(r.sizes.ram, r.sizes.data + r.sizes.bss + r.sizes.wasmMemory + r.sizes.stack);
  // The stack is reserved at the measured high-water mark plus the stated margin.
  assert.ok(r.sizes.stackUsed > 0, 'the stack high-water mark was measured');
  assert.equal(r.sizes.stack, (r.sizes.stackUsed + STACK_MARGIN + 7) & ~7, `stack ${r.sizes.stack} for ${r.sizes.stackUsed} used`);
}

for (const construction of ['search', 'tree'] as const) {
  test(`${construction} on mnist:1000 in QEMU's Cortex-M4: outputs and counts as in Node`, () => {
    const b = buildFrom('mnist:1000', { construction });
    const model = join(work, `mnist-1k-${construction}.cnb`);
    writeFileSync(model, b.blob);
    const r = runMcuInputs(model, b.xq, b.ds.n, 'mnist:1000', { counting: true, workDir: join(work, `fw-${construction}`) });
    checkParity(r);
    console.log(`# ${construction} mnist:1000: insns/inference mean ${r.instructions.mean.toFixed(2)} min ${r.instructions.min} max ${r.instructions.max}; ` +
      `flash ${r.sizes.flash} (${r.sizes.flashWithoutModel} without the model), RAM ${r.sizes.ram}`);
  });
}

test('every golden blob in QEMU\'s Cortex-M4: the golden outputs and counts', () => {
  const dir = goldenDir();
  const names = readdirSync(dir).filter((f) => f.endsWith('.cnb')).map((f) => f.slice(0, -4)).sort();
  assert.ok(names.length > 0, `no golden blobs in ${dir}`);
  for (const name of names) {
    const c = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as {
      dim: number; inputs: number[][]; outputs: number[]; counts: OpCounts[];
    };
    const xq = Int32Array.from(c.inputs.flat());
    const r = runMcuInputs(join(dir, `${name}.cnb`), xq, c.inputs.length, name, { counting: true, workDir: join(work, `golden-${name}`) });
    checkParity(r);
    // Node agreed with the firmware; the golden file's own outputs and counts close the loop.
    const out = readFileSync(join(work, `golden-${name}`, 'counting', 'out.txt'), 'utf8');
    c.outputs.forEach((y, i) => {
      assert.ok(out.includes(`\ny ${i} ${y}\n`), `${name} input ${i}: golden output ${y}`);
      assert.ok(out.includes(`\nc ${i} ${countsText(c.counts[i])}\n`), `${name} input ${i}: golden counts`);
    });
  }
});

test(`tree on mnist:10000: at most ${TREE_MNIST_10K_INSNS_BUDGET} Cortex-M4 instructions per inference (mean)`, () => {
  const b = buildFrom('mnist:10000', { construction: 'tree' });
  const model = join(work, 'mnist-10k-tree.cnb');
  writeFileSync(model, b.blob);
  const r = runMcuInputs(model, b.xq, b.ds.n, 'mnist:10000', { workDir: join(work, 'fw-tree-10k') });
  assert.equal(r.outputs.match, r.outputs.total, `outputs differ from Node: ${JSON.stringify(r.outputs.mismatches)}`);
  assert.equal(r.outputs.total, b.ds.n, 'every digit ran');
  console.log(`# tree mnist:10000: insns/inference mean ${r.instructions.mean.toFixed(2)} min ${r.instructions.min} max ${r.instructions.max}`);
  assert.ok(r.instructions.mean <= TREE_MNIST_10K_INSNS_BUDGET, `mean ${r.instructions.mean} > ${TREE_MNIST_10K_INSNS_BUDGET}`);
  assert.ok(r.sizes.flashWithoutModel <= FLASH_WITHOUT_MODEL_BUDGET);
  const ramBudget = b.blob.length + 4 * b.ds.dim + 8192;
  assert.ok(r.sizes.ram <= ramBudget, `RAM ${r.sizes.ram} > the blob, the row and 8 KiB (${ramBudget})`);
});

test('a short inputs file stops the firmware with status 2 and a message, not a partial success', () => {
  const fw = join(work, 'golden-four-points', 'release');
  const bad = join(work, 'short-inputs.bin');
  const h = Buffer.alloc(12 + 4 * 2);
  h.write('CNMI', 0, 'latin1');
  h.writeUInt32LE(2, 4); // dim 2 (four-points)
  h.writeUInt32LE(5, 8); // says 5 rows, holds 1
  writeFileSync(bad, h);
  const r = spawnSync('bash', [join(MCU_ROOT, 'mcu', 'run.sh'), fw, bad, '--no-plugin', '--timeout', '60'], { encoding: 'utf8' });
  assert.equal(r.status, 2, `run.sh exit status ${r.status}: ${r.stderr}`);
  const out = readFileSync(join(fw, 'out.txt'), 'utf8');
  assert.match(out, /mcu: FATAL inputs file shorter than its header says/);
  assert.doesNotMatch(out, /mcu: done/);
});
