// Parsing under the memory budget (issue 17): files and standard input are read as they are
// parsed, so a hostile file stops where it passes a limit, with a message naming file, line
// and column: a 200 MB one-line file under a 64 MiB budget (one endless cell, or endless
// cells), an endless standard input (/dev/zero), a row of 10^6 columns, a quoted cell running
// over many lines, rows and labels past the budget. Peak memory and time are measured on the
// CLI in a child process. Reading in chunks must not change what is read: a file cut into
// chunks of a few bytes parses to the same dataset, and errors point at the same line.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCsvDataset, parseCsvFeatures } from '../host/data/csv.js';
import { DataError } from '../host/data/errors.js';
import { parseJsonlDataset } from '../host/data/jsonl.js';
import { MAX_FEATURES, maxLineBytes } from '../host/data/limits.js';
import { loadDataset } from '../host/data/source.js';
import { MiB, runCli } from './child.js';

const dir = mkdtempSync(join(tmpdir(), 'condnet-parse-'));
const model = new URL('../../test/golden/four-points.cnb', import.meta.url).pathname;

/** A one-line file of `bytes` bytes, `unit` repeated, written a MiB at a time. */
function oneLine(name: string, unit: string, bytes: number): string {
  const path = join(dir, name);
  const block = Buffer.from(unit.repeat(Math.ceil(MiB / unit.length)).slice(0, MiB));
  const fd = openSync(path, 'w');
  for (let at = 0; at < bytes; at += MiB) writeSync(fd, block, 0, Math.min(MiB, bytes - at));
  closeSync(fd);
  return path;
}

/** Run `fn` with CONDNET_MEMORY_BUDGET set to `budget`. */
function withBudget<T>(budget: string, fn: () => T): T {
  const old = process.env.CONDNET_MEMORY_BUDGET;
  process.env.CONDNET_MEMORY_BUDGET = budget;
  try {
    return fn();
  } finally {
    if (old === undefined) delete process.env.CONDNET_MEMORY_BUDGET;
    else process.env.CONDNET_MEMORY_BUDGET = old;
  }
}

test('a 200 MB one-line file under a 64 MiB budget fails fast with a located message, from a file or standard input', async () => {
  const env = { ...process.env, CONDNET_MEMORY_BUDGET: '64M' };
  const small = join(dir, 'small.csv');
  writeFileSync(small, '1,2,a\n3,4,b\n');
  const base = await runCli(['build', small, '-o', join(dir, 'small.cnb')], { env });
  assert.equal(base.code, 0, base.err);
  const digits = oneLine('digits.csv', '7', 200 * MiB);
  // Endless cells stop at the 65,538th (130 KB): a 16 MiB line shows it as well as 200 MB would.
  const cells = oneLine('cells.csv', '1,', 16 * MiB);
  const zero = openSync('/dev/zero', 'r');
  const stdin = openSync(digits, 'r');
  const runs = [
    { what: 'one endless cell', args: ['build', digits, '-o', join(dir, 'm.cnb')], want: /^condnet: .*digits\.csv:1:1: line longer than 16\.0 MiB, the longest line condnet reads\n$/ },
    { what: 'endless cells', args: ['build', cells, '-o', join(dir, 'm.cnb')], want: /^condnet: .*cells\.csv:1:65538: more than 65,537 cells: a model takes at most 65,536 features and the label\n$/ },
    { what: 'the file on standard input (eval)', args: ['eval', model], stdin, want: /^condnet: <stdin>:1:1: line longer than 16\.0 MiB, the longest line condnet reads\n$/ },
    { what: '/dev/zero on standard input (eval)', args: ['eval', model], stdin: zero, want: /^condnet: <stdin>:1:1: line longer than 16\.0 MiB/ },
  ];
  try {
    for (const run of runs) {
      const r = await runCli(run.args, { env, stdin: run.stdin });
      console.log(`${run.what}: ${Math.round(r.wallMs)} ms (a small build: ${Math.round(base.wallMs)} ms), peak ${(r.maxRss / MiB).toFixed(0)} MiB (a small build: ${(base.maxRss / MiB).toFixed(0)} MiB): ${r.err.trim()}`);
      assert.equal(r.code, 1, run.what);
      assert.match(r.err, run.want, run.what);
      // Before: 170 s at 670 MB. Now the time of a small build plus reading 16 MiB at most.
      assert.ok(r.wallMs <= base.wallMs + 5000, `${run.what}: ${Math.round(r.wallMs)} ms`);
      assert.ok(r.maxRss <= base.maxRss + 64 * MiB, `${run.what}: peak ${(r.maxRss / MiB).toFixed(0)} MiB`);
    }
  } finally {
    closeSync(zero);
    closeSync(stdin);
    rmSync(digits);
    rmSync(cells);
  }
});

test('a row of 10^6 columns is refused on its first row, at the first column too many', () => {
  const wide = join(dir, 'wide.csv');
  writeFileSync(wide, Array.from({ length: 1e6 }, (_, i) => i % 10).join(',') + ',a\n');
  const t0 = performance.now();
  assert.throws(() => loadDataset(wide), (e: unknown) => e instanceof DataError && e.line === 1 && e.column === MAX_FEATURES + 2 &&
    /more than 65,537 cells: a model takes at most 65,536 features and the label/.test(e.message));
  const ms = performance.now() - t0;
  assert.ok(ms < 2000, `${Math.round(ms)} ms (it was 12 s)`);
  // Quoted, the commas do not count until the row is parsed; it is refused then, still on row 1.
  const quoted = Array.from({ length: MAX_FEATURES + 1 }, () => '"1"').join(',') + ',a\n';
  assert.throws(() => parseCsvDataset(quoted, 'q.csv'), (e: unknown) => e instanceof DataError && e.line === 1 && e.column === MAX_FEATURES + 2);
  // eval's rows: the model's width at most.
  assert.throws(() => parseCsvFeatures('1,'.repeat(MAX_FEATURES) + '1\n', 'rows.csv', 2), (e: unknown) =>
    e instanceof DataError && e.line === 1 && e.column === MAX_FEATURES + 1 && /at most 65,536 features$/.test(e.message));
  const jsonl = `{"x":[${Array.from({ length: MAX_FEATURES + 1 }, () => 0).join(',')}],"y":1}\n`;
  assert.throws(() => parseJsonlDataset(jsonl, 'w.jsonl'), (e: unknown) => e instanceof DataError && e.line === 1 && e.column === 2 &&
    /"x" has 65,537 values: a model takes at most 65,536 features/.test(e.message));
});

test('lines, quoted cells, rows and labels past the budget are refused where they pass it', () => {
  withBudget('64K', () => {
    assert.equal(maxLineBytes(), 64 * 1024, 'never below one read chunk');
    // A quoted cell running over 3,000 short lines: csv-parse's own record bound stops it.
    const quoted = '1,a\n2,"' + 'x'.repeat(40).concat('\n').repeat(3000) + '"\n';
    assert.throws(() => parseCsvDataset(quoted, 'q.csv'), (e: unknown) => e instanceof DataError && e.line > 1000 && e.column === 2 &&
      /line longer than 64 KiB, the shortest limit on a line, under a memory budget of 64 KiB/.test(e.message));
    // A JSON line past the limit.
    assert.throws(() => parseJsonlDataset('{"x":[1],"y":0}\n{"x":[' + '1,'.repeat(40000) + '1],"y":1}\n', 'l.jsonl'), (e: unknown) =>
      e instanceof DataError && e.line === 2 && e.column === 64 * 1024 + 1 && /line longer than 64 KiB/.test(e.message));
    // Rows: the row that passes the budget is named.
    const rows = Array.from({ length: 5000 }, (_, i) => `${i},${i % 7},${i % 3}`).join('\n') + '\n';
    assert.throws(() => parseCsvDataset(rows, 'r.csv'), (e: unknown) => e instanceof DataError && e.line > 1000 && e.line < 5000 && e.column === 1 &&
      /distinct rows of 2 values need about \d+ KiB, over the memory budget of 64 KiB; set CONDNET_MEMORY_BUDGET/.test(e.message));
    // Labels: 300 distinct labels of 200 characters take more than the rows do.
    const labels = Array.from({ length: 300 }, (_, i) => `${i},${String(i).padStart(200, 'x')}`).join('\n') + '\n';
    assert.throws(() => parseCsvDataset(labels, 'l.csv'), (e: unknown) => e instanceof DataError && e.column === 2 &&
      /distinct rows of 1 values and \d+ labels need about/.test(e.message));
    // eval's rows count too.
    assert.throws(() => parseCsvFeatures(Array.from({ length: 5000 }, (_, i) => `${i},1`).join('\n'), 'e.csv', 2), (e: unknown) =>
      e instanceof DataError && e.line > 1000 && /rows of 2 values need about/.test(e.message));
  });
});

/** `text` cut into chunks of 1 to 7 bytes (a multi-byte character, a CRLF, a quote split). */
function* crumbs(text: string): Generator<Uint8Array> {
  const b = Buffer.from(text);
  for (let at = 0, k = 0; at < b.length; k++) {
    const n = 1 + (k * 5) % 7;
    yield b.subarray(at, at + n);
    at += n;
  }
}

test('read in chunks of a few bytes, a file parses to the same dataset and its errors point at the same place', () => {
  const csv = '\ufeffw,h,label\r\n1,2,"chat, noir"\r\n3,4,"multi\r\nline"\r\n\r\n5,6,été\r\n7,8,日本\r\n9,10,"q""uote"\r\n11,12,last';
  const whole = parseCsvDataset(csv, 'a.csv');
  assert.deepEqual(parseCsvDataset(crumbs(csv), 'a.csv'), whole);
  assert.deepEqual(whole.classes, ['chat, noir', 'multi\r\nline', 'été', '日本', 'q"uote', 'last']);
  const lf = csv.replaceAll('\r\n', '\n');
  assert.deepEqual(parseCsvDataset(crumbs(lf), 'a.csv'), parseCsvDataset(lf, 'a.csv'));
  assert.deepEqual([...parseCsvDataset(lf, 'a.csv').line], [2, 4, 6, 7, 8, 9]);
  const jsonl = '{"x":[1,2],"y":"é"}\r\n\n{"x":[3,4],"y":2}\n{"x":[5,6],"y":[1]}';
  assert.deepEqual(parseJsonlDataset(crumbs(jsonl), 'a.jsonl'), parseJsonlDataset(jsonl, 'a.jsonl'));
  const feats = '1,2\r\n3,4\r\n5,6';
  assert.deepEqual(parseCsvFeatures(crumbs(feats), 'f.csv', 2), parseCsvFeatures(feats, 'f.csv', 2));
  for (const [text, name] of [['1,2,a\n3,4,b\n\n5,6,"x\ny"\n7,oops,d\n', 'e.csv'], ['1,2,a\r3,4,b\r5,oops,d\r', 'cr.csv']]) {
    const where = (input: string | Iterable<Uint8Array>) => {
      try {
        parseCsvDataset(input, name);
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    assert.equal(where(crumbs(text)), where(text));
    assert.match(where(text), /^(e\.csv:6|cr\.csv:3):2: "oops" is not a number$/);
  }
});
