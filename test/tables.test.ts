// Real tables as they come (issue 16): the version, columns chosen by name or index, CSV, TSV,
// JSON arrays of objects and JSON lines, standard input, conflicts under each policy, missing
// values, eval on raw and training rows, and the held-out report.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
