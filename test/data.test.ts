// The data front end (DESIGN §8, §4): header rule, labels as classes, merged duplicates,
// quantization, the generators, and every bad-data error naming file, line and column.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QuantMode } from '../assembly/format.js';
import { parseCsvDataset } from '../host/data/csv.js';
import { DataError, DatasetError } from '../host/data/errors.js';
import { parseJsonlDataset } from '../host/data/jsonl.js';
import { chooseQuantization, quantize, quantizeValue } from '../host/data/quantize.js';
import { loadDataset } from '../host/data/source.js';
import { BAD_DATA } from './bad-data.js';

test('header rule: a first row of non-numeric feature cells is a header, and we are told', () => {
  const notes: string[] = [];
  const ds = parseCsvDataset('w,h,label\n1,2,cat\n3,4,dog\n', 'pets.csv', { notice: (m) => notes.push(m) });
  assert.equal(ds.n, 2);
  assert.deepEqual(ds.classes, ['cat', 'dog']);
  assert.equal(notes.length, 1);
  const forced = parseCsvDataset('1,2,a\n3,4,b\n', 'x.csv', { header: true });
  assert.equal(forced.n, 1);
  assert.throws(() => parseCsvDataset('w,h,label\n1,2,cat\n', 'x.csv', { header: false }), /x\.csv:1:1: "w" is not a number/);
});

test('labels are classes in order of first appearance; repeats merge, contradictions fail', () => {
  const ds = parseCsvDataset('5,1,z\n1,1,a\n5,1,z\n2,2,7\n', 'd.csv');
  assert.deepEqual(ds.classes, ['z', 'a', '7']);
  assert.deepEqual([...ds.y], [0, 1, 2]);
  assert.equal(ds.rows, 4);
  assert.equal(ds.duplicates, 1);
  assert.throws(() => parseCsvDataset('5,1,z\n5,1,y\n', 'c.csv'), (e: unknown) =>
    e instanceof DataError && e.line === 2 && e.column === 3 && /contradicts label "z" .* line 1/.test(e.message));
});

test('bad data: every error names file, line and column', () => {
  for (const [what, name, text, line, column, message] of BAD_DATA) {
    const parse = name.endsWith('.jsonl') ? () => parseJsonlDataset(text, name) : () => parseCsvDataset(text, name);
    assert.throws(parse, (e: unknown) => {
      assert.ok(e instanceof DataError, `${what}: ${e}`);
      assert.equal(e.file, name, what);
      assert.equal(e.line, line, `${what}: line`);
      assert.equal(e.column, column, `${what}: column`);
      assert.match(e.message, message, what);
      assert.ok(e.message.startsWith(`${name}:${line}:${column}: `), what);
      return true;
    });
  }
  assert.throws(() => parseCsvDataset('', 'empty.csv'), DatasetError);
  assert.throws(() => parseCsvDataset('a,b,c\n', 'only-header.csv'), /no data rows/);
});

test('JSON lines: string labels are their text, other values their JSON text', () => {
  const ds = parseJsonlDataset('{"x":[1,2],"y":"cat"}\n\n{"x":[2,2],"y":3}\n{"x":[3,2],"y":[1]}\n', 'j.jsonl');
  assert.deepEqual(ds.classes, ['cat', '3', '[1]']);
  assert.deepEqual([...ds.line], [1, 3, 4]);
});

test('quantization: the fewest fractional bits that keep inputs distinct; collisions name both rows', () => {
  const ds = parseCsvDataset('0.5,a\n0.25,b\n0.75,a\n', 'q.csv');
  assert.deepEqual(chooseQuantization(ds), { mode: QuantMode.FracBits, param: 2 });
  assert.deepEqual([...quantize(ds, chooseQuantization(ds))], [2, 1, 3]);
  assert.throws(() => quantize(ds, { mode: QuantMode.FracBits, param: 1 }), (e: unknown) =>
    e instanceof DataError && e.line === 2 && /line 1 .*same integers/.test(e.message));
  assert.equal(quantizeValue(2.5, { mode: QuantMode.FracBits, param: 0 }), 3);
  assert.equal(quantizeValue(-2.5, { mode: QuantMode.FracBits, param: 0 }), -3);
  assert.ok(Number.isNaN(quantizeValue(2 ** 31, { mode: QuantMode.FracBits, param: 0 })));
});

test('mnist:N: round robin over the digit files, scale 255, all ten classes in mnist:1000', () => {
  const ds = loadDataset('mnist:1000');
  assert.equal(ds.n + ds.duplicates, 1000);
  assert.equal(ds.dim, 784);
  assert.deepEqual(ds.classes, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  assert.deepEqual([...ds.y.slice(0, 12)], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
  const xq = quantize(ds, chooseQuantization(ds));
  assert.ok(xq.every((v) => v >= 0 && v <= 255));
  assert.throws(() => loadDataset('mnist:10001'), /1 ≤ N ≤ 10000/);
});

test('mnist:10000 holds exactly the package digits per class', () => {
  const ds = loadDataset('mnist:10000');
  const per = new Array(10).fill(0);
  ds.y.forEach((c) => per[Number(ds.classes[c])]++);
  assert.equal(ds.rows, 10000);
  assert.equal(ds.duplicates, 0);
  assert.deepEqual(per, [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
});

test('synthetic and line-alternating generators are deterministic and well-formed', () => {
  const a = loadDataset('synthetic:n=2000,d=3,labels=5,seed=9');
  const b = loadDataset('synthetic:n=2000,d=3,labels=5,seed=9');
  assert.deepEqual(a.x, b.x);
  assert.deepEqual(a.y, b.y);
  assert.equal(a.classes.length, 5);
  assert.ok(a.x.every((v) => Number.isInteger(v) && v >= 0 && v < 65536));
  const la = loadDataset('line-alternating:n=9');
  assert.deepEqual([...la.y], [0, 1, 0, 1, 0, 1, 0, 1, 0]);
  assert.throws(() => loadDataset('synthetic:n=10,q=3'), /expected n=…/);
  assert.throws(() => loadDataset('nope/missing.csv'), /cannot read dataset nope\/missing\.csv: ENOENT/);
});

test('a dataset file is read from disk by its extension', () => {
  const dir = mkdtempSync(join(tmpdir(), 'condnet-data-'));
  writeFileSync(join(dir, 'p.jsonl'), '{"x":[1],"y":"a"}\n{"x":[2],"y":"b"}\n');
  assert.deepEqual(loadDataset(join(dir, 'p.jsonl')).classes, ['a', 'b']);
});

test('dataset slices keep classes, lines, scale and domain; bad slices are clear errors', () => {
  const whole = loadDataset('mnist:100');
  const part = loadDataset('mnist:100[90:100]');
  assert.equal(part.name, 'mnist:100[90:100]');
  assert.equal(part.n, 10);
  assert.deepEqual(part.classes, whole.classes);
  assert.deepEqual([...part.y], [...whole.y.subarray(90)]);
  assert.deepEqual([...part.line], [...whole.line.subarray(90)]);
  assert.deepEqual(part.x, whole.x.slice(90 * 784));
  assert.equal(part.scale, 255);
  assert.deepEqual(part.domain, whole.domain);
  assert.equal(loadDataset('line-alternating:n=10[:3]').n, 3);
  assert.equal(loadDataset('line-alternating:n=10[7:]').n, 3);
  const csv = join(mkdtempSync(join(tmpdir(), 'condnet-slice-')), 'slice.csv');
  writeFileSync(csv, 'a,b,label\n1,1,x\n2,2,y\n1,1,x\n3,3,z\n');
  const c = loadDataset(`${csv}[1:3]`);
  assert.deepEqual(c.classes, ['x', 'y', 'z']);
  assert.deepEqual([...c.y], [1, 2]);
  assert.deepEqual([...c.line], [3, 5]);
  // Brackets that are no slice belong to the name: a file may be called `slice[old].csv`.
  const named = join(csv, '..', 'slice[old]');
  writeFileSync(named, 'a,b,label\n1,1,x\n');
  assert.equal(loadDataset(named).n, 1);
  for (const bad of ['mnist:100[5:5]', 'mnist:100[0:101]', 'mnist:100[a:3]', 'mnist:100[-1:3]', 'mnist:100[1]']) {
    assert.throws(() => loadDataset(bad), (e: Error) => e.name === 'DatasetError' && e.message.startsWith(bad), bad);
  }
});
