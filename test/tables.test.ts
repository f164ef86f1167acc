// Real tables as they come (issue 16): the version, columns chosen by name or index, CSV, TSV,
// JSON arrays of objects and JSON lines, standard input, conflicts under each policy, missing
// values, eval on raw and training rows, and the held-out report.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import type { ConflictPolicy } from '../host/data/dataset.js';
import { DataError } from '../host/data/errors.js';
import { parseTableDataset, parseTableFeatures } from '../host/data/table.js';
import { openModel } from '../host/engine/model.js';
import { tableMetadata, tableSection } from '../host/format/table-section.js';
import { buildNetwork } from '../host/construct/index.js';
import { writeBlob } from '../host/format/writer.js';
import { verify } from '../host/measure/verify.js';

const CLI = new URL('../host/cli/main.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'condnet-tables-'));

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', input, cwd: dir });
  return { code: r.status, out: r.stdout, err: r.stderr.slice(-2000) };
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

test('--version prints the package version; help examples run through npx', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  const v = run(['--version']);
  assert.equal(v.code, 0);
  assert.equal(v.out, `${pkg.version}\n`);
  const h = run(['build', '--help']);
  assert.match(h.out, /\n {2}npx condnet build /);
  assert.doesNotMatch(h.out, /\n {2}condnet /);
});

/** Parse CSV output (our own records) back with csv-parse, as a caller would. */
function records(out: string): string[][] {
  return parseCsv(out, { relax_column_count: true }) as string[][];
}

test('a JSON array of objects, the label in the middle and a column ignored: build, verify, eval the raw rows', () => {
  const rows = [
    { id: 'r1', length: 5.1, kind: 'setosa', width: 3.5 },
    { id: 'r2', length: 7.0, kind: 'versicolor', width: 3.2 },
    { id: 'r3', length: 6.3, kind: 'virginica', width: 3.3 },
    { id: 'r4', length: 4.9, kind: 'setosa', width: 3.0 },
  ];
  const json = file('iris.json', JSON.stringify(rows, null, 2));
  for (const c of ['tree']) {
    const model = join(dir, `iris-${c}.cnb`);
    const b = run(['build', json, '--label', 'kind', '--ignore', 'id', '-c', c, '-o', model, '--json']);
    assert.equal(b.code, 0, b.err);
    const s = JSON.parse(b.out);
    assert.deepEqual([s.n, s.features, s.label], [4, ['length', 'width'], 'kind']);
    const v = run(['verify', model, json, '--label', 'kind', '--ignore', 'id', '--json']);
    assert.equal(v.code, 0, v.err);
    assert.equal(JSON.parse(v.out).correct, 4);
    // The training file as eval's input: columns matched by the names the blob holds.
    const e = run(['eval', model, '--input', json]);
    assert.equal(e.code, 0, e.err);
    assert.deepEqual(e.out.split('\n'), ['setosa', 'versicolor', 'virginica', 'setosa', '']);
  }
  // A bad value is located at its line and column inside the document.
  assert.throws(() => parseTableDataset('[\n  {"a": 1, "l": "x"},\n  {"a": "q", "l": "y"}\n]\n', 'bad.json'), /^DataError: bad\.json:3:9: "q" is not a number$/);
  assert.throws(() => parseTableDataset('[\n  {"a": 1, "l": "x"},\n  {"a": 2 "l": "y"}\n]\n', 'syntax.json'),
    /syntax\.json:3:11: invalid JSON \(CommaExpected\) \(read as a JSON array, by its content \(it starts with "\["\); --format csv\|tsv\|json\|jsonl or --delimiter to choose\)/);
  // A .csv that is JSON is read as JSON; --format overrides, and the error says what was tried.
  assert.equal(parseTableDataset('[[1, "a"], [2, "b"]]', 'x.csv').n, 2);
  assert.throws(() => parseTableDataset('{"a": 1}\n', 't.txt', { format: 'csv' }), /t\.txt:1:1: malformed CSV: Invalid Opening Quote.* \(read as CSV with delimiter ",", by --format; --format csv\|tsv\|json\|jsonl or --delimiter to choose\)/);
});

test('a TSV from standard input, and a delimiter sniffed or given; columns by index and range', () => {
  const tsv = 'a\tb\tc\tlab\n1\t2\t9\tx\n3\t4\t9\ty\n5\t6\t9\tz\n';
  const model = join(dir, 'tsv.cnb');
  const b = run(['build', '-', '--features', '1-2', '-o', model], tsv);
  assert.equal(b.code, 0, b.err);
  assert.match(b.err, /read as TSV with delimiter "\\t"/);
  assert.match(b.out, /3 distinct pairs/);
  assert.equal(run(['eval', model], '3\t4\n1\t2\n').out, 'y\nx\n');
  // A semicolon row is read with its delimiter, not taken as a header that hides it.
  assert.deepEqual([...parseTableFeatures('5;6\n', 'in', 2).x], [5, 6]);
  assert.deepEqual([...parseTableFeatures('5|6\n', 'in', 2, { delimiter: '|' }).x], [5, 6]);
  // The label by index, features by name and in their order.
  const byIndex = parseTableDataset(tsv, 't.tsv', { label: '4', features: 'b,a' });
  assert.deepEqual([byIndex.featureNames, byIndex.labelName, [...byIndex.x.slice(0, 2)]], [['b', 'a'], 'lab', [2, 1]]);
  assert.throws(() => parseTableDataset(tsv, 't.tsv', { label: 'nope' }), /--label "nope": no column has that name \(the columns: a, b, c, lab\)/);
  const wrong = run(['eval', model], '1,2,3,4,5\n');
  assert.equal(wrong.code, 1);
  assert.match(wrong.err, /<stdin>:1:1: the model takes 2 features, the columns chosen are 5 \(read as CSV with delimiter ","/);
});

test('JSON lines of objects and of arrays', () => {
  const objects = file('o.jsonl', '{"a": 1, "b": 2, "l": "x"}\n{"l": "y", "b": 4, "a": 3}\n{"a": 5, "l": "z", "b": null}\n');
  const m = join(dir, 'o.cnb');
  assert.match(run(['build', objects, '-o', m, '--label', 'l']).err, /o\.jsonl:3:25: no value where a number is expected \(--missing drop\|<value> accepts missing values\)/);
  const b = run(['build', objects, '-o', m, '--label', 'l', '--missing', 'drop']);
  assert.equal(b.code, 0, b.err);
  assert.match(b.err, /1 row with a missing value left out/);
  assert.equal(run(['eval', m, '--input', objects, '--output-format', 'jsonl']).out,
    '{"line":1,"label":"x"}\n{"line":2,"label":"y"}\n{"line":3,"error":"' + objects + ':3:25: no value where a number is expected (--missing drop|<value> accepts missing values)"}\n');
  const arrays = parseTableDataset('[1, 2, "x"]\n[3, 4, "y"]\n', 'a.jsonl');
  assert.deepEqual([[...arrays.x], arrays.classes], [[1, 2, 3, 4], ['x', 'y']]);
  assert.throws(() => parseTableDataset('{"a": 1, "l": "x"}\n{"a": 2, "z": 1, "l": "y"}\n', 'k.jsonl'),
    /k\.jsonl:2:10: key "z" is not a column \(the first record's keys are the columns: a, l\)/);
});

test('a CSV with missing values, a date, a categorical feature and a value of 1e12', () => {
  const csv = file('mixed.csv', [
    'when,color,size,price,label',
    '2024-01-05,red,1,1e12,"line one\nline two"',
    '2024-02-05,blue,,2e12,b',
    '2024-03-05,red,3,3e12,"c,d"',
    '2024-03-06T12:00:00Z,green,4,NA,"say ""hi"""',
  ].join('\n') + '\n');
  for (const c of ['tree']) {
    const model = join(dir, `mixed-${c}.cnb`);
    const b = run(['build', csv, '-c', c, '--missing', '0', '-o', model]);
    assert.equal(b.code, 0, b.err);
    assert.match(b.err, /column "when" read as dates/);
    assert.match(b.err, /column "color" read as categories/);
    assert.match(b.out, /inputs as round\(x·2\^-\d+\)/);
    assert.equal(run(['verify', model, csv]).code, 0);
    const e = run(['eval', model, '--input', csv]);
    assert.equal(e.code, 0, e.err);
    assert.deepEqual(records(e.out), [['line one\nline two'], ['b'], ['c,d'], ['say "hi"']]);
    // Raw rows, columns in another order: matched by name; an unseen category and a bad number are
    // reported with their place, and the other rows answered.
    const raw = 'price,size,color,when\n3e12,3,red,2024-03-05\n3e12,3,purple,2024-03-05\n1e12,x,red,2024-01-05\n2e12,,blue,2024-02-05\n';
    const r = run(['eval', model, '--with-line'], raw);
    assert.equal(r.code, 1);
    assert.deepEqual(records(r.out), [['c,d', '2'], ['b', '5']]);
    assert.match(r.err, /<stdin>:3:3: category "purple" was not in the training table/);
    assert.match(r.err, /<stdin>:4:2: "x" is not a number/);
  }
});

test('conflicts: one report of all of them under every policy, each settled as documented', () => {
  // (1,1): a, b, b; (2,2): c, d (a tie); (3,3): e alone.
  const csv = 'x,y,l\n1,1,a\n2,2,c\n1,1,b\n3,3,e\n2,2,d\n1,1,b\n';
  const want: Record<string, [string, string][]> = {
    first: [['1,1', 'a'], ['2,2', 'c'], ['3,3', 'e']],
    last: [['1,1', 'b'], ['2,2', 'd'], ['3,3', 'e']],
    majority: [['1,1', 'b'], ['2,2', 'c'], ['3,3', 'e']],
    drop: [['3,3', 'e']],
  };
  let err: unknown;
  try {
    parseTableDataset(csv, 'c.csv');
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof DataError);
  assert.equal(err.line, 4);
  assert.equal(err.column, 3);
  assert.match(err.message, /2 inputs given contradicting labels on 5 rows: c\.csv:2 "a" vs c\.csv:4 "b"; c\.csv:3 "c" vs c\.csv:6 "d"; choose a policy/);
  for (const [policy, pairs] of Object.entries(want)) {
    const ds = parseTableDataset(csv, 'c.csv', { onConflict: policy as ConflictPolicy });
    assert.equal(ds.conflicts?.inputs, 2, policy);
    const got = Array.from({ length: ds.n }, (_, i) => [`${ds.x[2 * i]},${ds.x[2 * i + 1]}`, ds.classes[ds.y[i]]]);
    assert.deepEqual(got, pairs, policy);
  }
  // End to end: built, verified at 100% of the settled table, evaluated.
  const path = file('conflicts.csv', csv);
  const model = join(dir, 'conflicts.cnb');
  const b = run(['build', path, '--on-conflict', 'majority', '-o', model]);
  assert.equal(b.code, 0, b.err);
  assert.match(b.err, /2 inputs given contradicting labels on 5 rows, settled by --on-conflict majority: .*"a" vs .*"b" \(kept "b"\)/);
  assert.equal(run(['verify', model, path, '--on-conflict', 'majority']).code, 0);
  assert.equal(run(['eval', model], '1,1\n2,2\n').out, 'b\nc\n');
  // Many conflicts: counted in full, five named.
  const many = ['x,l', ...Array.from({ length: 2000 }, (_, i) => `${i % 1000},${i < 1000 ? 'a' : 'b'}`)].join('\n');
  assert.throws(() => parseTableDataset(many, 'm.csv'), /1,000 inputs given contradicting labels on 2,000 rows: (m\.csv:\d+ "a" vs m\.csv:\d+ "b"; ){5}995 more/);
});

test('build --holdout reports accuracy on rows it did not memorize; verify counts refused inputs apart', () => {
  // A label that depends on x only by its sign: a tree generalizes, a search mostly does too.
  const lines = ['x,y,l'];
  for (let i = 0; i < 400; i++) lines.push(`${(i * 37) % 401 - 200},${(i * 11) % 7},${(i * 37) % 401 - 200 < 0 ? 'neg' : 'pos'}`);
  const path = file('signs.csv', lines.join('\n') + '\n');
  const b = run(['build', path, '-c', 'tree', '--holdout', '0.25', '-o', join(dir, 'signs.cnb'), '--json']);
  assert.equal(b.code, 0, b.err);
  const s = JSON.parse(b.out);
  assert.equal(s.n, 300);
  assert.equal(s.holdout.n, 100);
  assert.equal(s.holdout.correct + s.holdout.wrong + s.holdout.refused, 100);
  assert.ok(s.holdout.accuracy > 0.9, JSON.stringify(s.holdout));
  const text = run(['build', path, '-c', 'tree', '--holdout', '0.25', '-o', join(dir, 'signs.cnb')]);
  assert.match(text.out, /held out \(not memorized\): \d+ \/ 100 answered correctly/);
  // A held-out row far outside the domain: refused, counted apart from wrong answers.
  const far = file('far.csv', 'x,y,l\n1e9,1,pos\n-150,1,neg\n');
  const v = run(['verify', join(dir, 'signs.cnb'), far, '--json']);
  assert.equal(JSON.parse(v.out).refused, 1);
  assert.equal(run(['build', path, '--holdout', '1.5', '-o', join(dir, 'never.cnb')]).code, 2);
});

test('the Table section: optional, so the engine loads the blob, and old blobs have none', () => {
  const model = readFileSync(join(dir, 'mixed-tree.cnb'));
  const opened = openModel(new Uint8Array(model));
  const meta = tableMetadata(opened);
  assert.deepEqual(meta?.features.map((f) => [f.name, f.type]), [['when', 'date'], ['color', 'category'], ['size', 'number'], ['price', 'number']]);
  assert.deepEqual(meta?.features[1].categories, ['red', 'blue', 'green']);
  assert.equal(meta?.missing, 0);
  assert.ok((meta?.inputShift ?? 0) > 0);
  assert.equal(opened.release().evaluateBatch(new Int32Array(4), 1).length, 1);
  const golden = openModel(new Uint8Array(readFileSync(new URL('../../test/golden/four-points.cnb', import.meta.url))));
  assert.equal(tableMetadata(golden), undefined);
});

test('--outside clamp: an unseen input outside the domain is clamped into it instead of refused', () => {
  const train = parseTableDataset('x,y,l\n0,0,a\n10,10,b\n', 't.csv');
  const net = buildNetwork(train, { construction: 'search' });
  const far = parseTableDataset('x,y,l\n1e6,1e6,b\n-1e12,0,a\n', 'far.csv');
  const refuse = verify(writeBlob(net, [tableSection({ version: 1, features: [{ type: 'number' }, { type: 'number' }] })]), far);
  assert.deepEqual([refuse.refused, refuse.correct], [2, 0]);
  const clamp = verify(writeBlob(net, [tableSection({ version: 1, features: [{ type: 'number' }, { type: 'number' }], outside: 'clamp' })]), far);
  assert.deepEqual([clamp.refused, clamp.correct], [0, 2]);
});
