// Progress on a terminal, silence in a pipe: every command that can take more than a second
// draws a bar (cli-progress, on stderr) when both outputs are terminals, and writes nothing
// but its result when piped or with --json. The terminal is a real pseudo-terminal, from
// util-linux's `script` (Debian's bsdutils, an essential package).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cli = new URL('../host/cli/main.js', import.meta.url).pathname;
const fixture = new URL('../../test/fixtures/mnist-mlp/model.json', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'condnet-progress-'));
const tree = join(dir, 'tree.cnb');
const BAR = /\] 100% /;

const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;

/** The command's combined output as a terminal shows it. */
function onTerminal(args: string[]): string {
  const r = spawnSync('script', ['-qec', [process.execPath, cli, ...args].map(quote).join(' '), '/dev/null'], { encoding: 'utf8' });
  assert.ok(!r.error, `util-linux \`script\` is needed for this test (Debian: bsdutils): ${r.error?.message}`);
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stdout}`);
  return r.stdout;
}

function piped(args: string[]): { out: string; err: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  return { out: r.stdout, err: r.stderr };
}

const COMMANDS: [string, string[]][] = [
  ['build', ['build', 'mnist:1000', '-c', 'tree', '-o', tree]],
  ['verify', ['verify', tree, 'mnist:1000']],
  ['measure', ['measure', tree, 'mnist:1000', '--no-timing', '--energy']],
  ['pack', ['pack', fixture, '--dataset', 'mnist:300', '-o', join(dir, 'mlp.cnb')]],
  ['synth', ['synth', fixture, 'mnist:10000[0:300]', '-o', join(dir, 'synth.cnb')]],
  ['sweep', ['sweep', '--constructions', 'search', '--n-max', '128']],
  ['report', ['report', tree, 'mnist:1000', '-o', join(dir, 'report.html')]],
  ['eval', ['eval', tree, '--input', join(dir, 'rows.csv')]],
  ['wasi', ['wasi', tree, '--dataset', 'mnist:1000']],
];

test('a bar on a terminal, nothing but the result when piped or with --json', () => {
  writeFileSync(join(dir, 'rows.csv'), Array.from({ length: 50 }, () => Array(784).fill(0).join(',')).join('\n') + '\n');
  for (const [name, args] of COMMANDS) {
    assert.match(onTerminal(args), BAR, `${name}: no progress bar on a terminal`);
    const p = piped(args);
    assert.equal(p.err, '', `${name}: stderr when piped`);
    assert.doesNotMatch(p.out, /\x1b\[/, `${name}: escape codes when piped`);
  }
  // --json on a terminal: the JSON alone.
  const json = onTerminal(['measure', tree, 'mnist:1000', '--no-timing', '--json']);
  assert.doesNotMatch(json, BAR);
  assert.doesNotThrow(() => JSON.parse(json));
});
