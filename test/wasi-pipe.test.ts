// The WASI module on a closed pipe (docs/WASI.md, "A closed pipe"): on Node, which ignores
// SIGPIPE, the module's write fails with EPIPE and it exits 3, with no message. (Runtimes that
// keep SIGPIPE's default action die of the signal instead; none is installed here.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

const cli = new URL('../host/cli/main.js', import.meta.url).pathname;
const model = new URL('../../test/golden/four-points.cnb', import.meta.url).pathname;

test('wasi: standard output closed by its reader exits 3', async () => {
  const child = spawn(process.execPath, [cli, 'wasi', model], { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdout.destroy(); // the reader goes away before the module writes
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  child.stdin.on('error', () => {});
  child.stdin.end('0,0\n2,1\n'.repeat(20_000));
  const [code, signal] = await new Promise<[number | null, string | null]>((r) => child.once('exit', (c, s) => r([c, s])));
  assert.equal(signal, null);
  assert.equal(code, 3, err);
  assert.equal(err, '');
});
