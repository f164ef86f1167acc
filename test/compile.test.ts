// Compiled models (`condnet compile`, host/compile, docs/COMPILE.md) against the engine in Node:
// every golden network, one of each kind, on its golden inputs and on random inputs around and
// outside its domain: the same class or refusal, and in the counting variant the same counts.
// The WASI command of a compiled model against the engine's WASI command, and the refusals of
// files that are not compiled models. (mnist:10000 through compiled tree and search: test:mcu,
// test/mcu/compiled.test.ts, which runs them on the Cortex-M4 too.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCode } from '../assembly/format.js';
import { compileModel } from '../host/compile/compile.js';
import { blobOfModule, CompileError, isWasm, withBlobSection } from '../host/compile/module.js';
import { Prng } from '../host/data/prng.js';
import { Engine } from '../host/engine/engine.js';
import { openModel } from '../host/engine/model.js';
import { readBlob } from '../host/format/reader.js';
import { countsText } from '../host/measure/counts.js';
import type { Network } from '../host/network.js';
import { GOLDEN_CASES } from './golden/cases.js';
import { goldenDir } from './golden/paths.js';
import { buildFrom } from './helpers.js';

const CLI = fileURLToPath(new URL('../host/cli/main.js', import.meta.url));

/** `n` inputs, each coordinate uniform over the domain widened by a quarter of its span (at
 *  least 2) on each side, so about a third of the inputs leave it somewhere. */
function randomInputs(net: Network, n: number, seed: number): Int32Array {
  const rng = new Prng(seed);
  const d = net.dim;
  const x = new Int32Array(n * d);
  for (let j = 0; j < d; j++) {
    const lo = net.domain.lo[j];
    const hi = net.domain.hi[j];
    const pad = Math.max(2, Math.floor((hi - lo) / 4));
    const a = Math.max(-(2 ** 31), lo - pad);
    const b = Math.min(2 ** 31 - 1, hi + pad);
    for (let i = 0; i < n; i++) x[i * d + j] = a + Math.floor((rng.u32() / 2 ** 32) * (b - a + 1));
  }
  return x;
}

const goldens = GOLDEN_CASES.map((c) => ({ c, blob: new Uint8Array(readFileSync(join(goldenDir(), `${c.name}.cnb`))) }));
/** Beside the goldens: a limb program (no golden has one) and a tree and a search of some size. */
const built = (['sqrt', 'tree', 'search'] as const).map((construction) => {
  const b = buildFrom('synthetic:n=300,d=4,labels=5,seed=3', { construction });
  return { name: `synthetic ${construction}`, blob: b.blob, inputs: Array.from({ length: 20 }, (_, i) => Array.from(b.xq.subarray(4 * i, 4 * i + 4))) };
});
const models = [...goldens.map(({ c, blob }) => ({ name: c.name, blob, inputs: c.inputs })), ...built];

test('compile: every golden network answers as the engine, on its golden and 600 random inputs, and a program, a tree and a search on 2,000', async () => {
  for (const { c, blob } of goldens) {
    const { network } = readBlob(blob);
    const { wasm } = await compileModel(blob);
    const compiled = Engine.forModule(wasm, network.dim);
    const engine = new Engine('release');
    engine.loadOrThrow(blob);
    const golden = Int32Array.from(c.inputs.flat());
    assert.deepEqual(Array.from(compiled.evaluateBatch(golden, c.inputs.length)), c.outputs, `${c.name}: golden outputs`);
    const x = randomInputs(network, 600, 7);
    const want = engine.evaluateBatch(x, 600);
    const got = compiled.evaluateBatch(x, 600);
    assert.deepEqual(got, want, `${c.name}: random inputs`);
    if (network.kind !== 'tree' || network.feature.length > 0) {
      assert.ok(want.some((y) => y === -ErrorCode.InputOutOfDomain), `${c.name}: some random input is refused`);
    }
    // The regions the entry points check: an input past the end of memory is refused alike.
    for (const e of [compiled, engine]) {
      assert.equal(e.evaluateRaw(e.memoryBytes() - 2), -ErrorCode.OutOfMemory, `${c.name}: input past the end`);
    }
    assert.equal(compiled.evaluateRaw(0xfffffffc), -ErrorCode.OutOfMemory, `${c.name}: input at 2^32 − 4`);
  }
  for (const { name, blob } of built) {
    const { network } = readBlob(blob);
    const engine = new Engine('release');
    engine.loadOrThrow(blob);
    const x = randomInputs(network, 2000, 5);
    const want = engine.evaluateBatch(x, 2000);
    assert.deepEqual(Engine.forModule((await compileModel(blob)).wasm, network.dim).evaluateBatch(x, 2000), want, name);
    assert.ok(want.some((y) => y >= 0) && want.some((y) => y < 0), `${name}: answers and refusals`);
  }
});

test('compile: the counting variant gives the engine\'s counts on every golden and random input', async () => {
  // The first network of each kind.
  const seen = new Set<string>();
  for (const c of models) {
    const { blob } = c;
    const { network } = readBlob(blob);
    if (seen.has(network.kind)) continue;
    seen.add(network.kind);
    const { wasm } = await compileModel(blob, { counting: true });
    const compiled = Engine.forModule(wasm, network.dim, 'counting');
    const engine = new Engine('counting');
    engine.loadOrThrow(blob);
    const x = Int32Array.from([...c.inputs.flat(), ...randomInputs(network, 300, 11)]);
    for (let i = 0; i < x.length / network.dim; i++) {
      const a = engine.evaluate(x, i * network.dim);
      const ea = countsText(engine.counts());
      const b = compiled.evaluate(x, i * network.dim);
      assert.equal(`${b} ${countsText(compiled.counts())}`, `${a} ${ea}`, `${c.name}: input #${i}`);
    }
  }
  assert.deepEqual([...seen].sort(), ['dense', 'graph', 'program', 'search', 'tree']);
});

test('compile: a compiled model opens as its blob (classes, scale, domain) and refuses what is not one', async () => {
  const blob = goldens[0].blob;
  const { wasm } = await compileModel(blob);
  assert.ok(isWasm(wasm));
  const model = openModel(wasm, 'four-points.wasm');
  assert.ok(model.compiled);
  assert.deepEqual(model.blob, blob);
  assert.deepEqual(model.network.classes, readBlob(blob).network.classes);
  // An empty module, a module without the section, one importing something else, one without
  // the entry points, and bytes that are not wasm at all.
  const empty = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0);
  assert.throws(() => blobOfModule(empty, 'empty.wasm'), (e: unknown) => e instanceof CompileError && /holds no condnet\.blob section/.test((e as Error).message));
  assert.throws(() => blobOfModule(withBlobSection(empty, blob), 'bare.wasm'), /does not export memory/);
  const importing = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    1, 4, 1, 0x60, 0, 0, // type section: one () -> ()
    2, 9, 1, 3, 0x65, 0x6e, 0x76, 1, 0x66, 0, 0); // import section: env.f, function of type 0
  assert.throws(() => blobOfModule(withBlobSection(importing, blob), 'importing.wasm'), /imports env\.f/);
  assert.throws(() => blobOfModule(Uint8Array.of(0, 0x61, 0x73, 0x6d, 9, 9), 'junk.wasm'), /not a valid WebAssembly module/);
});

test('compile: the CLI compiles, and verify, eval and wasi take the module; a compiled WASI command prints as the engine\'s', () => {
  const dir = mkdtempSync(join(tmpdir(), 'condnet-compile-'));
  const cnb = join(goldenDir(), 'four-points.cnb');
  const run = (args: string[], input?: string) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', input });
  const c = run(['compile', cnb, '-o', join(dir, 'm.wasm'), '--json']);
  assert.equal(c.status, 0, c.stderr);
  assert.equal(JSON.parse(c.stdout).kind, 'search');
  const w = run(['compile', cnb, '--wasi', '-o', join(dir, 'w.wasm')]);
  assert.equal(w.status, 0, w.stderr);
  const rows = '0,0\n# a comment\n1,0\n\n2 1\n0,1\n';
  const engine = run(['wasi', cnb], rows);
  const compiled = run(['wasi', join(dir, 'w.wasm')], rows);
  assert.equal(engine.status, 0, engine.stderr);
  assert.deepEqual([compiled.status, compiled.stdout], [0, engine.stdout]);
  assert.equal(compiled.stdout, 'a\nb\nc\na\n');
  // A refused row: the same labels before it, the same message and exit code.
  const bad = '0,0\n3,1\n4,0\n';
  const e2 = run(['wasi', cnb], bad);
  const c2 = run(['wasi', join(dir, 'w.wasm')], bad);
  assert.deepEqual([c2.status, c2.stdout, c2.stderr], [e2.status, e2.stdout, e2.stderr]);
  assert.equal(e2.status, 1);
  assert.match(e2.stderr, /<stdin>:3: refused: error 34 \(InputOutOfDomain\)/);
  // eval on the module, and a module that is not a WASI command refused by wasi by name.
  const ev = run(['eval', join(dir, 'm.wasm')], '0,0\n2,1\n');
  assert.deepEqual([ev.status, ev.stdout], [0, 'a\nc\n']);
  const nw = run(['wasi', join(dir, 'm.wasm')], '0,0\n');
  assert.equal(nw.status, 3);
  assert.match(nw.stderr, /without a WASI entry: compile it with condnet compile --wasi/);
  const again = run(['compile', join(dir, 'm.wasm'), '-o', join(dir, 'x.wasm')]);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /already a compiled model/);
  writeFileSync(join(dir, 'junk.wasm'), Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0));
  const junk = run(['verify', join(dir, 'junk.wasm'), 'mnist:10']);
  assert.equal(junk.status, 1);
  assert.match(junk.stderr, /junk\.wasm holds no condnet\.blob section/);
  assert.doesNotMatch(junk.stderr, /\n\s+at /, 'no stack trace');
});
