// Memory limits: a dataset past the configurable memory budget (CONDNET_MEMORY_BUDGET) is
// refused with a message naming the budget, for files (which grow row by row) and for the
// generators (which know their size up front); the CLI exits 1 with one line.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MEMORY_BUDGET, memoryBudget } from '../host/data/dataset.js';
import { DatasetError } from '../host/data/errors.js';

const cli = new URL('../host/cli/main.js', import.meta.url).pathname;
const budget = (v: string) => memoryBudget({ CONDNET_MEMORY_BUDGET: v });

test('the budget reads bytes with binary K, M, G suffixes, and refuses anything else', () => {
  assert.equal(memoryBudget({}), DEFAULT_MEMORY_BUDGET);
  assert.equal(budget('1000'), 1000);
  assert.equal(budget('64K'), 65536);
  assert.equal(budget('1.5M'), 1.5 * 2 ** 20);
  assert.equal(budget('2GiB'), 2 * 2 ** 30);
  assert.throws(() => budget('lots'), (e: unknown) => e instanceof DatasetError && /CONDNET_MEMORY_BUDGET/.test(e.message));
});

test('a dataset over the budget is refused in one line, file or generator', () => {
  const dir = mkdtempSync(join(tmpdir(), 'condnet-limits-'));
  const csv = join(dir, 'big.csv');
  writeFileSync(csv, Array.from({ length: 5000 }, (_, i) => `${i},${i % 7},${i % 3}`).join('\n') + '\n');
  for (const spec of [csv, 'synthetic:n=100000,d=16', 'mnist:2000', 'line-alternating:n=100000']) {
    const r = spawnSync(process.execPath, [cli, 'build', spec, '-o', join(dir, 'm.cnb')], {
      encoding: 'utf8', env: { ...process.env, CONDNET_MEMORY_BUDGET: '64K' },
    });
    assert.equal(r.status, 1, spec);
    assert.match(r.stderr, /^condnet: .*memory budget of 64 KiB; set CONDNET_MEMORY_BUDGET \(e\.g\. 16G\) to allow more\n$/, spec);
    // A file is refused on the row that passes the budget (issue 17).
    if (spec === csv) assert.match(r.stderr, /^condnet: .*big\.csv:\d+:1: \d[\d,]* distinct rows of 2 values need about/);
    // Within the budget the same data builds.
    const ok = spawnSync(process.execPath, [cli, 'build', spec, '-o', join(dir, 'm.cnb')], { encoding: 'utf8', env: { ...process.env, CONDNET_MEMORY_BUDGET: '1G' } });
    assert.equal(ok.status, 0, `${spec}: ${ok.stderr}`);
  }
});
