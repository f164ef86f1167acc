// The WASI command modules (assembly/wasi.ts, assembly/wasi-io.ts, docs/WASI.md) on Node's WASI: every golden case
// gives the golden labels and counts, the same as the engine through the WebAssembly API; bad
// blobs, refused and malformed rows and usage errors exit with their codes and one message;
// the release module stays within its size target; `condnet wasi --dataset` reproduces a
// built model's training labels as `condnet eval` does. `npm test` builds the modules first.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCode, H_CRC } from '../assembly/format.js';
import { GOLDEN_CASES } from './golden/cases.js';
import { goldenDir } from './golden/paths.js';
import { Engine, type EngineVariant } from '../host/engine/engine.js';
import { readBlob } from '../host/format/reader.js';
import { WASI_BUDGET_BYTES, WASI_FILES, WASI_TARGET_BYTES, runWasi, wasiPaths } from '../host/wasi/run.js';
import { rowsText } from '../host/wasi/rows.js';
import { buildFrom } from './helpers.js';
import { writeBlob } from '../host/format/writer.js';
import { countsText } from '../host/measure/counts.js';

const CLI = fileURLToPath(new URL('../host/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'condnet-wasi-test-'));
let serial = 0;

/** Run a module in this process; stdin, stdout and stderr through files. */
async function run(variant: EngineVariant, paths: string[], stdinText = '') {
  const n = serial++;
  const [inFile, outFile, errFile] = ['in', 'out', 'err'].map((s) => join(dir, `${s}-${n}.txt`));
  writeFileSync(inFile, stdinText);
  const fds = [openSync(inFile, 'r'), openSync(outFile, 'w'), openSync(errFile, 'w')];
  let code: number;
  try {
    const { args, preopens } = wasiPaths(paths, dir);
    code = await runWasi(variant, { args, preopens, stdin: fds[0], stdout: fds[1], stderr: fds[2] });
  } finally {
    fds.forEach((fd) => closeSync(fd));
  }
  return { code, out: readFileSync(outFile, 'utf8'), err: readFileSync(errFile, 'utf8') };
}

function cli(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', input, cwd: dir });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

for (const c of GOLDEN_CASES) {
  test(`wasi golden ${c.name}: labels and counts as golden and as the engine`, async () => {
    const blob = new Uint8Array(readFileSync(`${goldenDir()}/${c.name}.cnb`));
    const model = `${c.name}.cnb`;
    writeFileSync(join(dir, model), blob);
    const { classes } = readBlob(blob).network;
    const ok = c.inputs.map((_, i) => i).filter((i) => c.outputs[i] >= 0);
    const rows = join(dir, `${c.name}.txt`);
    writeFileSync(rows, ok.map((i) => c.inputs[i].join(',')).join('\n') + '\n');

    const release = new Engine('release');
    const counting = new Engine('counting');
    assert.equal(release.load(blob), 0);
    assert.equal(counting.load(blob), 0);
    const wantLabels = ok.map((i) => classes[c.outputs[i]]);
    const wantCounts = ok.map((i) => `${classes[c.outputs[i]]}\t${countsText(c.counts[i])}`);
    const engineLabels = ok.map((i) => classes[release.evaluate(Int32Array.from(c.inputs[i]))]);
    const engineCounts = ok.map((i) => {
      const out = counting.evaluate(Int32Array.from(c.inputs[i]));
      return `${classes[out]}\t${countsText(counting.counts())}`;
    });
    assert.deepEqual(engineLabels, wantLabels);
    assert.deepEqual(engineCounts, wantCounts);

    const r = await run('release', [model, rows]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, '');
    assert.equal(r.out, wantLabels.map((l) => l + '\n').join(''));
    const k = await run('counting', [model, rows]);
    assert.equal(k.code, 0, k.err);
    assert.equal(k.out, wantCounts.map((l) => l + '\n').join(''));
    // stdin, spaces as separators, comments and blank lines give the same.
    const spaced = '# golden rows\n\n' + ok.map((i) => c.inputs[i].join(' ')).join('\r\n') + '  # end';
    assert.equal((await run('counting', [model], spaced)).out, k.out);

    // A refused row: exit 1, the rows before it printed, the message naming file and line.
    const bad = c.inputs.findIndex((_, i) => c.outputs[i] < 0);
    if (bad >= 0) {
      const all = join(dir, `${c.name}-all.txt`);
      writeFileSync(all, c.inputs.map((x) => x.join(',')).join('\n') + '\n');
      const e = await run('release', [model, all]);
      assert.equal(e.code, 1);
      assert.equal(e.out, c.outputs.slice(0, bad).map((o) => classes[o] + '\n').join(''));
      const name = ErrorCode[-c.outputs[bad]];
      assert.equal(e.err, `condnet-wasi: ${c.name}-all.txt:${bad + 1}: refused: error ${-c.outputs[bad]} (${name})\n`);
    }
  });
}

test('wasi: a bad blob exits 2 with the error code and its name', async () => {
  const blob = new Uint8Array(readFileSync(`${goldenDir()}/four-points.cnb`));
  const broken = blob.slice();
  broken[H_CRC] ^= 1;
  writeFileSync(join(dir, 'broken.cnb'), broken);
  for (const variant of ['release', 'counting'] as const) {
    const r = await run(variant, ['broken.cnb'], '0,0\n');
    assert.equal(r.code, 2);
    assert.equal(r.out, '');
    assert.equal(r.err, `condnet-wasi: broken.cnb: invalid model: error ${ErrorCode.BadChecksum} (BadChecksum)\n`);
  }
  writeFileSync(join(dir, 'short.cnb'), blob.subarray(0, 10));
  assert.match((await run('release', ['short.cnb'])).err, /short\.cnb: invalid model: error 1 \(Truncated\)/);
  writeFileSync(join(dir, 'empty.cnb'), new Uint8Array(0));
  assert.equal((await run('release', ['empty.cnb'])).code, 2);
  const notBlob = await run('release', ['short.cnb']);
  assert.equal(notBlob.code, 2);
});

test('wasi: malformed rows exit 1 naming the line; I/O and usage errors exit 3', async () => {
  const model = 'four-points.cnb';
  writeFileSync(join(dir, model), readFileSync(`${goldenDir()}/${model}`));
  const cases: [string, RegExp][] = [
    ['0,0\n1,x\n', /<stdin>:2: not an i32: field 2\n$/],
    ['0,0\n1\n', /<stdin>:2: refused: error 36 \(InputLength\)\n$/],
    ['0,0,0\n', /<stdin>:1: refused: error 36 \(InputLength\)\n$/],
    ['2147483648,0\n', /<stdin>:1: not an i32: field 1\n$/],
    ['0,-\n', /<stdin>:1: not an i32: field 2\n$/],
    ['0,1.5\n', /<stdin>:1: not an i32: field 2\n$/],
    ['-2147483648,0\n', /<stdin>:1: refused: error 34 \(InputOutOfDomain\)\n$/],
  ];
  for (const [input, message] of cases) {
    const r = await run('release', [model], input);
    assert.equal(r.code, 1, input);
    assert.match(r.err, message, input);
  }
  const noRows = await run('release', [model], '');
  assert.deepEqual([noRows.code, noRows.out, noRows.err], [0, '', '']);
  const missing = await run('release', [model, 'no-such-rows.txt']);
  assert.equal(missing.code, 3);
  assert.match(missing.err, /^condnet-wasi: no-such-rows\.txt: cannot open: errno 44\n$/); // ENOENT
  const usage = await run('release', []);
  assert.equal(usage.code, 3);
  assert.match(usage.err, /usage: condnet-wasi model\.cnb/);
});

test(`wasi: the release module is at most ${WASI_BUDGET_BYTES} bytes`, (t) => {
  const release = statSync(WASI_FILES.release).size;
  const counting = statSync(WASI_FILES.counting).size;
  t.diagnostic(`condnet-wasi.wasm ${release} bytes, condnet-wasi-counting.wasm ${counting} bytes`);
  console.log(`condnet-wasi.wasm: ${release} bytes (budget ${WASI_BUDGET_BYTES}, issue target ${WASI_TARGET_BYTES}: ${release <= WASI_TARGET_BYTES ? 'met' : `over by ${release - WASI_TARGET_BYTES}`}); counting: ${counting} bytes`);
  assert.ok(release <= WASI_BUDGET_BYTES, `condnet-wasi.wasm is ${release} bytes, over ${WASI_BUDGET_BYTES}`);
  // Imports: WASI preview 1 only.
  for (const file of Object.values(WASI_FILES)) {
    const mod = new WebAssembly.Module(readFileSync(file));
    for (const i of WebAssembly.Module.imports(mod)) assert.equal(i.module, 'wasi_snapshot_preview1', `${file}: ${i.name}`);
    assert.deepEqual(WebAssembly.Module.exports(mod).map((e) => e.name).sort(), ['_start', 'memory']);
  }
});

test('wasi: the module\'s text table is the TEXT list in its source, names as ErrorCode', () => {
  const src = readFileSync(fileURLToPath(new URL('../../assembly/wasi-io.ts', import.meta.url)), 'utf8');
  const entries = /^\/\/ TEXT: (.*)\|$/m.exec(src)![1].split('|');
  const block = /\/\/ BEGIN TEXT[^\n]*\n([\s\S]*?)\/\/ END TEXT/.exec(src)![1];
  const bytes = block.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  const want = Array.from(Buffer.from(entries.map((e) => e + '\0').join(''), 'ascii'));
  assert.deepEqual(bytes, want, `regenerate the TEXT bytes:\n${want.join(',')}`);
  // Names of the codes a blob or a row can give; NotValidated and OutOfMemory cannot occur here.
  const named = (code: number) => code !== ErrorCode.NotValidated && code !== ErrorCode.OutOfMemory;
  for (let code = 1; code <= ErrorCode.InputLength; code++) assert.equal(entries[code], named(code) ? ErrorCode[code] ?? '' : '', `entry ${code}`);
});

test('condnet wasi --dataset on a built tree model reproduces every label, as condnet eval does', () => {
  const spec = 'synthetic:n=300,d=5,labels=4,seed=3';
  const { ds, blob, xq } = buildFrom(spec, { construction: 'tree' });
  writeFileSync(join(dir, 'tree.cnb'), blob);
  const want = Array.from(ds.y, (y) => ds.classes[y] + '\n').join('');
  const w = cli(['wasi', 'tree.cnb', '--dataset', spec, '--save-rows', 'saved-rows.txt']);
  assert.equal(w.code, 0, w.err);
  assert.equal(w.out, want);
  assert.equal(readFileSync(join(dir, 'saved-rows.txt'), 'utf8'), rowsText(xq, ds.dim));
  const csv = Array.from({ length: ds.n }, (_, i) => Array.from(ds.x.subarray(i * ds.dim, (i + 1) * ds.dim)).join(',')).join('\n');
  const e = cli(['eval', 'tree.cnb', '--no-header'], csv + '\n');
  assert.equal(e.code, 0, e.err);
  assert.equal(e.out, w.out);
  // The counting module on the same rows, through a rows file and the CLI: the engine's counts.
  writeFileSync(join(dir, 'tree-rows.txt'), rowsText(xq, ds.dim));
  const k = cli(['wasi', 'tree.cnb', 'tree-rows.txt', '--counting']);
  assert.equal(k.code, 0, k.err);
  const engine = new Engine('counting');
  engine.loadOrThrow(blob);
  const { classes } = readBlob(blob).network;
  const expected = Array.from({ length: ds.n }, (_, i) => `${classes[engine.evaluate(xq, i * ds.dim)]}\t${countsText(engine.counts())}\n`).join('');
  assert.equal(k.out, expected);
  // Exit codes come through the CLI.
  const bad = cli(['wasi', 'tree.cnb'], '1\n');
  assert.equal(bad.code, 1);
  assert.match(bad.err, /^condnet-wasi: <stdin>:1: refused: error 36 \(InputLength\)\n$/);
  assert.equal(cli(['wasi', 'no-such.cnb']).code, 3);
});

// The WASI build reads field widths at run time (CONDNET_SMALL, assembly/evaluate.ts): a
// `search` with i16 weights and one with i32 weights, and trees of 8- and 16-byte nodes, give
// the counting engine's labels and counts through the counting module.
test('the WASI build\'s run-time widths: search (i16, i32 weights) and trees (8-, 16-byte nodes) count as the engine', () => {
  const engine = new Engine('counting');
  for (const [spec, construction, wide] of [
    ['mnist:200', 'search', false], ['mnist:200', 'search', true],
    ['synthetic:n=300,d=5,labels=4,seed=3', 'tree', false], ['synthetic:n=60,d=3,labels=3,seed=3', 'tree', true],
  ] as const) {
    const built = buildFrom(spec, { construction });
    const blob = wide ? writeBlob({ ...built.net, ...(construction === 'search' ? { projectionBytes: 4 } : { fieldBytes: 4 }) } as typeof built.net) : built.blob;
    const { ds, xq } = built;
    writeFileSync(join(dir, 'widths.cnb'), blob);
    writeFileSync(join(dir, 'widths-rows.txt'), rowsText(xq, ds.dim));
    const k = cli(['wasi', 'widths.cnb', 'widths-rows.txt', '--counting']);
    assert.equal(k.code, 0, `${spec} ${construction}: ${k.err}`);
    engine.loadOrThrow(blob);
    const { classes } = readBlob(blob).network;
    const expected = Array.from({ length: ds.n }, (_, i) => `${classes[engine.evaluate(xq, i * ds.dim)]}\t${countsText(engine.counts())}\n`).join('');
    assert.equal(k.out, expected, `${spec} ${construction}${wide ? ' (wide)' : ''}`);
  }
});
