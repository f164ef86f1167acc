// The C library for firmware (npm run test:mcu; docs/C-LIBRARY.md): `condnet export --format
// c-lib -o DIR` for a tree and a search model. (a) Every file of DIR/lib/ compiles with the
// host's gcc -std=gnu11 -Wall -Wextra -Werror, the generated model included, and a host program
// linked against lib/ gives the engine's output for every row; (b) a copy of DIR alone builds
// its QEMU firmware with its own Makefile (arm-none-eabi-gcc), which runs every row on the
// emulated Cortex-M4 with the engine's outputs. Every golden blob and a limb program (every
// kind) the same, the QEMU firmware for one model of each kind. Needs wasm2c (wabt), gcc, make,
// arm-none-eabi-gcc + newlib and qemu-system-arm: a missing one fails the suite, never skips it.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLibExportError, C_LIB_MARKER, exportCLib, fixupGeneratedC } from '../../host/export/c-lib.js';
import { Engine } from '../../host/engine/engine.js';
import { inputsFile, MCU_ROOT } from '../../host/mcu/run.js';
import { goldenDir } from '../golden/paths.js';
import { buildFrom } from '../helpers.js';

const work = mkdtempSync(join(tmpdir(), 'condnet-clib-'));
after(() => rmSync(work, { recursive: true, force: true }));
const CLI = join(MCU_ROOT, 'dist', 'host', 'cli', 'main.js');
const WFLAGS = ['-std=gnu11', '-Wall', '-Wextra', '-Werror'];

function run(cmd: string, args: string[], opts: { cwd?: string } = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: opts.cwd, maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return r;
}
/** Run and require exit status 0, with the tail of its output in the message otherwise. */
function ok(cmd: string, args: string[], opts: { cwd?: string } = {}): string {
  const r = run(cmd, args, opts);
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} exited ${r.status}:\n${(r.stdout + r.stderr).slice(-2000)}`);
  return r.stdout;
}
function cli(args: string[]) {
  return run('node', [CLI, ...args]);
}
/** The project's instruction-counting QEMU plugin (mcu/insn-plugin.c), built for the host. */
let plugin: string | undefined;
function insnPlugin(): string {
  if (!plugin) {
    plugin = join(work, 'libinsn.so');
    ok('gcc', ['-O2', '-shared', '-fPIC', '-Wall', '-o', plugin, join(MCU_ROOT, 'mcu', 'insn-plugin.c')]);
  }
  return plugin;
}
/** Tree on MNIST-10k: at most this many instructions per inference, mean (docs/MCU.md's budget). */
const TREE_MNIST_10K_INSNS_BUDGET = 1000;

test('the tools are installed (a missing one fails this suite, never skips it)', () => {
  const missing: string[] = [];
  for (const [tool, pkg] of [['wasm2c', 'wabt'], ['gcc', 'gcc'], ['make', 'make'], ['arm-none-eabi-gcc', 'gcc-arm-none-eabi'],
    ['arm-none-eabi-size', 'binutils-arm-none-eabi'], ['qemu-system-arm', 'qemu-system-arm']]) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) missing.push(`${tool} (apt-get install --no-install-recommends ${pkg})`);
  }
  const newlib = spawnSync('sh', ['-c', 'echo "#include <string.h>" | arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -E -x c - >/dev/null']);
  if (newlib.status !== 0) missing.push('newlib for arm-none-eabi (apt-get install --no-install-recommends libnewlib-arm-none-eabi)');
  assert.deepEqual(missing, [], `missing: ${missing.join(', ')}`);
});

/** A host program over lib/: the calls before condnet_init() and with NULL, then one result
 *  per row of an inputs file, through condnet_evaluate() and, the same, written at
 *  condnet_input() and evaluated in place ("CNMI", dim, count, rows), as the QEMU example reads it. */
const HOST_MAIN = `#include <stdio.h>
#include <string.h>
#include "condnet.h"
int main(int argc, char **argv) {
  static int32_t row[CONDNET_DIM];
  char magic[4];
  uint32_t dim, count;
  if (argc != 2) return 2;
  FILE *f = fopen(argv[1], "rb");
  if (!f || fread(magic, 1, 4, f) != 4 || fread(&dim, 4, 1, f) != 1 || fread(&count, 4, 1, f) != 1 || dim != CONDNET_DIM) return 2;
  printf("before-init %d %d\\n", (int)condnet_evaluate(row), condnet_input() == NULL);
  int32_t r = condnet_init();
  if (r != CONDNET_OK) { printf("init %d %s\\n", (int)r, condnet_strerror(r)); return 1; }
  printf("null %d\\n", (int)condnet_evaluate(NULL));
  for (uint32_t i = 0; i < count; i++) {
    if (fread(row, 4, CONDNET_DIM, f) != CONDNET_DIM) return 2;
    int32_t y = condnet_evaluate(row);
    memcpy(condnet_input(), row, sizeof row);
    if (condnet_evaluate_input() != y) { printf("in place %u differs\\n", (unsigned)i); return 1; }
    printf("y %u %d\\n", (unsigned)i, (int)y);
    if (i == 0 && condnet_init() != CONDNET_OK) return 1; /* init again: starts over, same answers */
  }
  return 0;
}
`;

interface Case { name: string; spec: string; construction: 'tree' | 'search' }
const CASES: Case[] = [
  { name: 'tree-mnist-1k', spec: 'mnist:1000', construction: 'tree' },
  { name: 'search-mnist-1k', spec: 'mnist:1000', construction: 'search' },
  { name: 'tree-mnist-10k', spec: 'mnist:10000', construction: 'tree' },
];

function parseY(text: string, n: number, what: string): Int32Array {
  const y = new Int32Array(n);
  const seen = new Uint8Array(n);
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    if (f[0] === 'y' && f.length === 3) {
      const i = Number(f[1]);
      assert.ok(Number.isInteger(i) && i >= 0 && i < n && !seen[i], `${what}: bad line "${line}"`);
      y[i] = Number(f[2]);
      seen[i] = 1;
    }
  }
  assert.ok(seen.every((s) => s === 1), `${what}: not every row reported`);
  return y;
}

function sameOutputs(got: Int32Array, want: Int32Array, what: string): void {
  const bad: string[] = [];
  for (let i = 0; i < want.length; i++) if (got[i] !== want[i] && bad.length < 10) bad.push(`row ${i}: ${got[i]}, engine ${want[i]}`);
  assert.deepEqual(bad, [], `${what}: outputs differ from the engine in Node`);
}

for (const c of CASES) {
  test(`c-lib of a ${c.construction} on ${c.spec}: lib/ warning-free with host gcc, the host program and the QEMU firmware built from the folder alone give the engine's outputs`, () => {
    const b = buildFrom(c.spec, { construction: c.construction });
    const model = join(work, `${c.name}.cnb`);
    writeFileSync(model, b.blob);
    const dir = join(work, `${c.name}-clib`);
    const r = cli(['export', model, '--format', 'c-lib', '-o', dir]);
    assert.equal(r.status, 0, `export exited ${r.status}: ${r.stderr.slice(-2000)}`);
    assert.match(r.stdout, /wrote .*C library/);

    // The rows, then two the domain refuses (a value above and one below every pixel's range).
    const { dim } = b.ds;
    const n = b.ds.n + 2;
    const xq = new Int32Array(n * dim);
    xq.set(b.xq.subarray(0, b.ds.n * dim));
    xq.fill(1 << 30, b.ds.n * dim, (b.ds.n + 1) * dim);
    xq.fill(-(1 << 30), (b.ds.n + 1) * dim);
    const inputs = join(work, `${c.name}-inputs.bin`);
    writeFileSync(inputs, inputsFile(xq, dim, n));
    const engine = new Engine('release');
    engine.loadOrThrow(b.blob);
    const want = new Int32Array(n);
    for (let i = 0; i < n; i++) want[i] = engine.evaluate(xq, i * dim);
    assert.ok(want[b.ds.n] < 0 && want[b.ds.n + 1] < 0, 'the engine refuses the out-of-domain rows');

    // The folder: lib/ with the API, the generated model, the runtime and wabt's headers (its
    // own copies: no file of the wabt install is used), examples/qemu/.
    const lib = join(dir, 'lib');
    for (const f of ['condnet.h', 'condnet_config.h', 'condnet.c', 'condnet_model.c', 'condnet_model.h', 'condnet_rt.c', 'wasm-rt.h', 'wasm-rt-impl.h', 'LICENSE-wabt.txt']) {
      assert.ok(existsSync(join(lib, f)), `lib/${f}`);
    }
    assert.match(readFileSync(join(lib, 'wasm-rt.h'), 'utf8'), /Licensed under the Apache License, Version 2\.0/);
    assert.match(readFileSync(join(lib, 'condnet_config.h'), 'utf8'), new RegExp(`#define CONDNET_DIM ${dim}u`));
    assert.ok(existsSync(join(dir, 'examples', 'qemu', 'Makefile')) && existsSync(join(dir, C_LIB_MARKER)));

    // (a) The host's gcc: every .c of lib/ on its own, warnings as errors; its headers are lib's.
    const cfiles = readdirSync(lib).filter((f) => f.endsWith('.c')).sort();
    assert.deepEqual(cfiles, ['condnet.c', 'condnet_model.c', 'condnet_rt.c']);
    const objDir = join(work, `${c.name}-obj`);
    mkdirSync(objDir);
    for (const f of cfiles) {
      ok('gcc', [...WFLAGS, '-O2', '-I', lib, '-c', join(lib, f), '-o', join(objDir, f.replace(/\.c$/, '.o'))]);
      const deps = ok('gcc', [...WFLAGS, '-I', lib, '-M', join(lib, f)]);
      assert.doesNotMatch(deps, /\/usr\/include\/wasm-rt|\/wabt\//, `${f} must use lib/'s wasm-rt headers, not the wabt install's`);
    }
    writeFileSync(join(objDir, 'main.c'), HOST_MAIN);
    const prog = join(objDir, 'host-prog');
    ok('gcc', [...WFLAGS, '-O0', '-I', lib, join(objDir, 'main.c'), ...cfiles.map((f) => join(lib, f)), '-o', prog]);
    const hostOut = ok(prog, [inputs]);
    assert.match(hostOut, /^before-init -32 1\nnull -36\n/, 'CONDNET_ERR_NOT_INITIALIZED before init, CONDNET_ERR_INPUT_LENGTH on NULL');
    sameOutputs(parseY(hostOut, n, 'host program'), want, 'host program');

    // (b) The QEMU firmware, from a copy of the folder alone (nothing of the repository).
    const alone = join(work, `${c.name}-alone`);
    cpSync(dir, alone, { recursive: true });
    const qemuDir = join(alone, 'examples', 'qemu');
    const built = ok('make', ['-C', qemuDir]);
    // Run with the instruction-counting plugin between the example's markers (the first pair
    // empty, for calibration).
    const nm = ok('arm-none-eabi-nm', [join(qemuDir, 'build', 'fw.elf')]);
    const mark = (name: string) => new RegExp(`^([0-9a-f]+) T ${name}$`, 'm').exec(nm)?.[1];
    const [begin, end] = [mark('mcu_mark_begin'), mark('mcu_mark_end')];
    assert.ok(begin && end, 'the example has its marker functions');
    const counts = join(qemuDir, 'build', 'counts.txt');
    const runR = run('make', ['-C', qemuDir, 'run', `INPUTS=${inputs}`, 'TIMEOUT=900',
      `QEMU_FLAGS=-plugin ${insnPlugin()},begin=0x${begin},end=0x${end},out=${counts}`]);
    const out = readFileSync(join(qemuDir, 'build', 'out.txt'), 'utf8');
    assert.equal(runR.status, 0, `make run exited ${runR.status}: ${(runR.stderr + out).slice(-2000)}`);
    assert.match(out, new RegExp(`mcu: done ${n}\\n`));
    sameOutputs(parseY(out, n, 'QEMU firmware'), want, 'QEMU firmware');
    const raw = readFileSync(counts, 'utf8').trim().split('\n').map(Number);
    assert.equal(raw.length, n + 1, 'one count per row and the calibration pair');
    const perRow = raw.slice(1).map((v) => v - raw[0]);
    const mean = perRow.reduce((a, v) => a + v, 0) / n;
    const insns = `instructions per condnet_evaluate_input() mean ${mean.toFixed(2)} min ${Math.min(...perRow)} max ${Math.max(...perRow)}`;
    if (c.name === 'tree-mnist-10k') assert.ok(mean <= TREE_MNIST_10K_INSNS_BUDGET, `${insns} > ${TREE_MNIST_10K_INSNS_BUDGET}`);

    const sec = (name: string) => Number(new RegExp(`^\\${name}\\s+(\\d+)`, 'm').exec(built)?.[1] ?? 0);
    const flash = sec('.isr_vector') + sec('.text') + sec('.rodata') + sec('.ARM.exidx') + sec('.data');
    const ram = sec('.data') + sec('.bss') + sec('.stack');
    const stackUsed = Number(/mcu: stackUsed=(\d+)/.exec(out)?.[1]);
    const memoryBytes = Number(/#define CONDNET_MEMORY_BYTES (\d+)u/.exec(readFileSync(join(lib, 'condnet_config.h'), 'utf8'))?.[1]);
    assert.ok(flash > 0 && sec('.bss') >= memoryBytes, `sizes: flash ${flash}, .bss ${sec('.bss')}, linear memory ${memoryBytes}`);
    assert.ok(stackUsed > 0 && stackUsed < sec('.stack'), `stack used ${stackUsed} of ${sec('.stack')}`);
    if (c.construction === 'search') {
      // Too small a stack fails the run (main.c's check, or a fault), never a quiet success.
      const small = Math.max(64, (stackUsed >> 1) & ~7);
      ok('make', ['-C', qemuDir, '-B', `STACK=${small}`]);
      const over = run('make', ['-C', qemuDir, 'run', `INPUTS=${inputs}`, 'TIMEOUT=900']);
      const overOut = readFileSync(join(qemuDir, 'build', 'out.txt'), 'utf8');
      assert.notEqual(over.status, 0, `a ${small}-byte stack for ${stackUsed} used: the run must fail`);
      assert.doesNotMatch(overOut, /mcu: done/);
    }
    console.log(`# ${c.name}: ${n} rows identical (host and QEMU); QEMU firmware flash ${flash} (text ${sec('.isr_vector') + sec('.text')}, ` +
      `rodata ${sec('.rodata')}), RAM ${ram} (.bss ${sec('.bss')} of which linear memory ${memoryBytes}, stack ${sec('.stack')}, ${stackUsed} used); ` +
      `${insns}; lib/*.c ${cfiles.map((f) => statSync(join(lib, f)).size).reduce((s, v) => s + v, 0)} bytes of C`);
  });
}

test('c-lib of every golden blob and a limb program (every kind): the host program gives the engine\'s outputs, and the QEMU firmware too (one model of each kind)', () => {
  const gdir = goldenDir();
  const models: Array<{ name: string; blob: Uint8Array; dim: number; rows: Int32Array; golden?: number[] }> = [];
  for (const f of readdirSync(gdir).filter((f) => f.endsWith('.cnb')).sort()) {
    const name = f.slice(0, -4);
    const g = JSON.parse(readFileSync(join(gdir, `${name}.json`), 'utf8')) as { dim: number; inputs: number[][]; outputs: number[] };
    models.push({ name, blob: new Uint8Array(readFileSync(join(gdir, f))), dim: g.dim, rows: Int32Array.from(g.inputs.flat()), golden: g.outputs });
  }
  assert.ok(models.length > 0, `no golden blobs in ${gdir}`);
  // No golden is a program: the sqrt construction's limb program, on its rows and two refused ones.
  const p = buildFrom('synthetic:n=300,d=4,labels=5,seed=3', { construction: 'sqrt' });
  const rows = new Int32Array(p.xq.length + 2 * p.ds.dim);
  rows.set(p.xq);
  rows.fill(2 ** 31 - 1, p.xq.length, p.xq.length + p.ds.dim);
  rows.fill(-(2 ** 31), p.xq.length + p.ds.dim);
  models.push({ name: 'synthetic-sqrt', blob: p.blob, dim: p.ds.dim, rows });

  const onDevice = new Set<string>();
  for (const m of models) {
    const n = m.rows.length / m.dim;
    const engine = new Engine('release');
    engine.loadOrThrow(m.blob);
    const want = engine.evaluateBatch(m.rows, n);
    if (m.golden) assert.deepEqual(Array.from(want), m.golden, `${m.name}: the engine gives the golden outputs`);
    const model = join(work, `${m.name}.cnb`);
    writeFileSync(model, m.blob);
    const inputs = join(work, `${m.name}-inputs.bin`);
    writeFileSync(inputs, inputsFile(m.rows, m.dim, n));
    const dir = join(work, `${m.name}-clib`);
    const r = cli(['export', model, '--format', 'c-lib', '-o', dir]);
    assert.equal(r.status, 0, `${m.name}: export exited ${r.status}: ${r.stderr.slice(-2000)}`);
    const kind = /^#define CONDNET_KIND "(\w+)"/m.exec(readFileSync(join(dir, 'lib', 'condnet_config.h'), 'utf8'))?.[1] ?? '?';
    const lib = join(dir, 'lib');
    const objDir = join(work, `${m.name}-obj`);
    mkdirSync(objDir);
    writeFileSync(join(objDir, 'main.c'), HOST_MAIN);
    const prog = join(objDir, 'host-prog');
    ok('gcc', [...WFLAGS, '-O1', '-I', lib, join(objDir, 'main.c'), join(lib, 'condnet.c'), join(lib, 'condnet_model.c'), join(lib, 'condnet_rt.c'), '-o', prog]);
    sameOutputs(parseY(ok(prog, [inputs]), n, `${m.name} host`), want, `${m.name} (${kind}) host program`);
    if (onDevice.has(kind)) continue;
    onDevice.add(kind);
    const qemuDir = join(dir, 'examples', 'qemu');
    ok('make', ['-C', qemuDir]);
    const runR = run('make', ['-C', qemuDir, 'run', `INPUTS=${inputs}`, 'TIMEOUT=300']);
    const out = readFileSync(join(qemuDir, 'build', 'out.txt'), 'utf8');
    assert.equal(runR.status, 0, `${m.name}: make run exited ${runR.status}: ${(runR.stderr + out).slice(-2000)}`);
    sameOutputs(parseY(out, n, `${m.name} QEMU`), want, `${m.name} (${kind}) QEMU firmware`);
  }
  assert.deepEqual([...onDevice].sort(), ['dense', 'graph', 'program', 'search', 'tree'], 'every kind ran on the device');
});

test('c-lib misuse: no -o, flags of other formats, an output that cannot be used; a new export replaces an old one', () => {
  const b = buildFrom('mnist:100', { construction: 'tree' });
  const model = join(work, 'small.cnb');
  writeFileSync(model, b.blob);
  const noOut = cli(['export', model, '--format', 'c-lib']);
  assert.equal(noOut.status, 2);
  assert.match(noOut.stderr, /c-lib writes a folder: give it with -o DIR/);
  const sym = cli(['export', model, '--format', 'c-lib', '--symbol', 'm', '-o', join(work, 'x')]);
  assert.equal(sym.status, 2);
  assert.match(sym.stderr, /do not apply to --format c-lib/);
  const noParent = cli(['export', model, '--format', 'c-lib', '-o', join(work, 'no', 'such', 'dir')]);
  assert.equal(noParent.status, 2);
  assert.match(noParent.stderr, /parent folder .* does not exist/);
  const file = join(work, 'a-file');
  writeFileSync(file, 'keep');
  const onFile = cli(['export', model, '--format', 'c-lib', '-o', file]);
  assert.equal(onFile.status, 2);
  assert.match(onFile.stderr, /not a folder/);
  const busy = join(work, 'busy');
  mkdirSync(busy);
  writeFileSync(join(busy, 'mine.txt'), 'keep');
  const onBusy = cli(['export', model, '--format', 'c-lib', '-o', busy]);
  assert.equal(onBusy.status, 2);
  assert.match(onBusy.stderr, /not empty and not an earlier c-lib export/);
  assert.deepEqual(readdirSync(busy), ['mine.txt'], 'the folder is left as it was');
  assert.equal(readFileSync(file, 'utf8'), 'keep');

  const dir = join(work, 'again');
  assert.equal(cli(['export', model, '--format', 'c-lib', '-o', dir]).status, 0);
  writeFileSync(join(dir, 'lib', 'stale.c'), 'old');
  assert.equal(cli(['export', model, '--format', 'c-lib', '-o', dir]).status, 0);
  assert.ok(!existsSync(join(dir, 'lib', 'stale.c')), 'the earlier export is replaced as a whole');
  assert.deepEqual(readdirSync(work).filter((f) => f.includes('.tmp')), [], 'no temporary folder left behind');
});

test('c-lib: a missing wasm2c and generated C the edits do not know are CLibExportErrors, and nothing is written', async () => {
  const b = buildFrom('mnist:100', { construction: 'tree' });
  const dir = join(work, 'never');
  await assert.rejects(exportCLib(b.blob, dir, { wasm2c: join(work, 'no-wasm2c') }), (e: unknown) =>
    e instanceof CLibExportError && /not found.*apt-get install .*wabt/.test(e.message));
  assert.ok(!existsSync(dir));
  assert.throws(() => fixupGeneratedC('/* Automatically generated by wasm2c */\nint x;\n', 'm.h'), CLibExportError);
});
