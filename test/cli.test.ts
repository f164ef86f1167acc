// The CLI end to end, as a user runs it: build, verify, eval, measure; JSON shapes; label
// text round trips; errors are one line; a failed command leaves no output file behind.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BAD_DATA } from './bad-data.js';

const CLI = new URL('../host/cli/main.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'condnet-cli-'));

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', input, cwd: dir });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

for (const construction of ['search', 'tree']) {
  test(`${construction}: build → verify → eval with string labels from a CSV with a header`, () => {
    const csv = join(dir, 'fruit.csv');
    writeFileSync(csv, 'weight,sugar,fruit\n120,10.5,apple\n150,12.25,pear\n90,8,plum\n120,10.5,apple\n');
    const model = join(dir, `fruit-${construction}.cnb`);
    const b = run(['build', csv, '--construction', construction, '-o', model]);
    assert.equal(b.code, 0, b.err);
    assert.match(b.err, /first row taken as a header/);
    assert.match(b.out, /3 distinct pairs \(4 rows, 1 duplicate merged\)/);
    const v = run(['verify', model, csv, '--json']);
    assert.equal(v.code, 0, v.err);
    const report = JSON.parse(v.out);
    assert.deepEqual([report.n, report.correct, report.rows, report.duplicates], [3, 3, 4, 1]);
    const e = run(['eval', model], 'weight,sugar\n150,12.25\n90,8\n120,10.5\n');
    assert.equal(e.code, 0, e.err);
    assert.equal(e.out, 'pear\nplum\napple\n');
    const input = join(dir, 'in.csv');
    writeFileSync(input, '90,8\n');
    assert.equal(run(['eval', model, '--input', input]).out, 'plum\n');
  });
}

test('measure --json has the documented fields', () => {
  const model = join(dir, 'la.cnb');
  assert.equal(run(['build', 'line-alternating:n=300', '-o', model]).code, 0);
  const m = run(['measure', model, 'line-alternating:n=300', '--json']);
  assert.equal(m.code, 0, m.err);
  const r = JSON.parse(m.out);
  for (const k of ['mul', 'add', 'cmp', 'total']) {
    for (const s of ['min', 'mean', 'max']) assert.equal(typeof r.ops[k][s], 'number', `ops.${k}.${s}`);
  }
  assert.equal(r.ops.cmp.max, 9);
  assert.equal(r.lineAlternatingBound, 8);
  assert.equal(typeof r.loads.mean, 'number');
  assert.equal(r.blobBytes, readFileSync(model).length);
  assert.ok(r.engineBytes > 0 && r.nsPerInference > 0);
});

test('verify exits 1 when the model does not reproduce the data', () => {
  const model = join(dir, 'a.cnb');
  assert.equal(run(['build', 'synthetic:n=50,d=2,labels=2,seed=1', '-o', model]).code, 0);
  const v = run(['verify', model, 'synthetic:n=50,d=2,labels=2,seed=2']);
  assert.equal(v.code, 1);
  assert.match(v.out, /reproduced/);
});

test('errors are one line, name the place, and leave no output file', () => {
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, '1,2,a\n3,oops,b\n');
  const out = join(dir, 'never.cnb');
  const r = run(['build', bad, '-o', out]);
  assert.equal(r.code, 1);
  assert.equal(r.err, `condnet: ${bad}:2:2: "oops" is not a number\n`);
  assert.equal(existsSync(out), false);
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
  const e = run(['eval', join(dir, 'fruit-search.cnb')], '1e9,1\n');
  assert.equal(e.code, 1);
  assert.match(e.err, /^condnet: <stdin>:1:1: .*outside the model's input domain/);
  assert.equal(e.out, '');
  for (const [flag, value] of [['--lookahead', '-5'], ['--beta', '1e308'], ['--beta', 'x']]) {
    const o = run(['build', 'line-alternating:n=10', '-c', 'tree', flag, value, '-o', join(dir, 'never.cnb')]);
    assert.equal(o.code, 2, `${flag} ${value}`);
    assert.match(o.err, new RegExp(`^condnet: ${flag} must be`), `${flag} ${value}`);
    assert.equal(existsSync(join(dir, 'never.cnb')), false);
  }
  // A tree checks the coordinates its path reads, and the message names the one that failed.
  const t = run(['eval', join(dir, 'fruit-tree.cnb')], '150,12.25\n1e6,1e6\n');
  assert.equal(t.code, 1);
  assert.match(t.err, /^condnet: <stdin>:2:[12]: 1000000 lies outside the model's input domain .* on a coordinate the tree reads \(error 34\)\ncondnet: 1 bad row of 2; the others answered\n$/);
  // The good row is answered all the same (issue 16); --no-keep-going stops at the bad one.
  assert.equal(t.out, 'pear\n');
  const stop = run(['eval', join(dir, 'fruit-tree.cnb'), '--no-keep-going'], '150,12.25\n1e6,1e6\n');
  assert.equal(stop.code, 1);
  assert.equal(stop.out, '');
});

test('every bad dataset: one line naming file:line:column, exit 1, no output file', () => {
  for (const [what, name, text, line, column, message] of BAD_DATA) {
    const file = join(dir, name);
    writeFileSync(file, text);
    const out = join(dir, 'bad-data.cnb');
    const r = run(['build', file, '-o', out]);
    assert.equal(r.code, 1, what);
    const lines = r.err.trimEnd().split('\n');
    assert.equal(lines.length, 1, `${what}: ${r.err}`);
    assert.ok(lines[0].startsWith(`condnet: ${file}:${line}:${column}: `), `${what}: ${lines[0]}`);
    assert.match(lines[0], message, what);
    assert.equal(existsSync(out), false, what);
  }
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
});

test('an existing model survives a failed rebuild', () => {
  const model = join(dir, 'keep.cnb');
  assert.equal(run(['build', 'line-alternating:n=10', '-o', model]).code, 0);
  const before = readFileSync(model);
  const bad = join(dir, 'bad2.csv');
  writeFileSync(bad, '1,a\n1,b\n');
  assert.equal(run(['build', bad, '-o', model]).code, 1);
  assert.deepEqual(readFileSync(model), before);
});

test('an output path that is a link or a folder is refused, and left as it was', () => {
  const target = join(dir, 'target.txt');
  writeFileSync(target, 'keep');
  const link = join(dir, 'link.cnb');
  symlinkSync(target, link);
  const r = run(['build', 'line-alternating:n=10', '-o', link]);
  assert.equal(r.code, 2);
  assert.match(r.err, /link\.cnb: not a regular file/);
  assert.ok(lstatSync(link).isSymbolicLink());
  assert.equal(readFileSync(target, 'utf8'), 'keep');
  assert.equal(run(['build', 'line-alternating:n=10', '-o', dir]).code, 2);
});

test('--help on every command shows an example', () => {
  for (const c of ['build', 'verify', 'eval', 'measure', 'demo', 'sweep', 'pack', 'synth', 'report', 'export-onnx', 'export', 'serve', 'pull', 'wasi', 'mcu', 'compile']) {
    const r = run([c, '--help']);
    assert.equal(r.code, 0, c);
    assert.match(r.out, /Examples?:/, c);
  }
});

// A slice whose rows all carry the table's second label: every construction builds it, and a
// tree of no nodes answers that label through the header's root class (it once failed with
// "tree: the lone class is 1, not 0").
for (const construction of ['search', 'tree']) {
  test(`${construction}: a one-class slice whose class is not the table's first`, () => {
    const csv = join(dir, 'lone.csv');
    writeFileSync(csv, 'a,b,y\n1,2,x\n3,4,z\n5,6,z\n');
    const model = join(dir, `lone-${construction}.cnb`);
    const b = run(['build', `${csv}[1:3]`, '-c', construction, '-o', model]);
    assert.equal(b.code, 0, b.err);
    assert.equal(run(['verify', model, `${csv}[1:3]`]).code, 0);
    assert.equal(run(['eval', model], '3,4\n5,6\n').out, 'z\nz\n');
  });
}
