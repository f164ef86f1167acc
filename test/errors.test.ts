// One error base: every user-facing error class of the library is a CondnetError, so the CLI's
// reportError needs no list of classes; it prints the user's line and the class's exit code,
// and labels anything else as a bug.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCode } from '../assembly/format.js';
import { CliError, reportError } from '../host/cli/errors.js';
import { CompileError } from '../host/compile/module.js';
import { DataError, DatasetError } from '../host/data/errors.js';
import { CondnetError } from '../host/errors.js';
import { CLibExportError } from '../host/export/c-lib.js';
import { FlashExportError } from '../host/export/flash.js';
import { OnnxExportError } from '../host/export/onnx.js';
import {
  BlobError, FieldRangeError, MalformedBlobError, OverLimitBlobError, TruncatedBlobError, UnsupportedBlobError,
} from '../host/format/errors.js';
import { NetworkImportError } from '../host/import/float-network.js';
import { OutputPathError } from '../host/io/atomic-write.js';
import { McuError } from '../host/mcu/run.js';
import { EnergyModelError } from '../host/measure/energy.js';
import { PullError } from '../host/net/pull.js';
import { FrontierShapeError } from '../host/report/frontier-json.js';
import { SweepShapeError } from '../host/report/sweep-json.js';
import { SynthesisError } from '../host/synth/forward.js';

const HOST = fileURLToPath(new URL('../../host/', import.meta.url));

/** One instance of every user-facing class, with the exit code it must give. */
const CASES: Array<[Error, number]> = [
  [new CliError('bad option', 2), 2],
  [new CliError('missing file'), 1],
  [new DataError('a.csv', 3, 2, '"oops" is not a number'), 1],
  [new DatasetError('no rows'), 1],
  [new BlobError(ErrorCode.BadChecksum), 1],
  [new TruncatedBlobError(ErrorCode.Truncated), 1],
  [new MalformedBlobError(ErrorCode.Truncated), 1],
  [new UnsupportedBlobError(ErrorCode.Truncated), 1],
  [new OverLimitBlobError(ErrorCode.Truncated), 1],
  [new FieldRangeError('dim', 70000, 1, 65535), 1],
  [new NetworkImportError('net.json', 'no layers'), 1],
  [new OutputPathError('/dev/stdout'), 2],
  [new PullError('http://127.0.0.1:1/m.cnb', '/nonexistent/m.cnb', 'refused'), 1],
  [new SweepShapeError('s.json: not JSON'), 1],
  [new FrontierShapeError('f.json: not JSON'), 1],
  [new FlashExportError('--base must be an address', 2), 2],
  [new FlashExportError('the blob would run past 0xFFFFFFFF'), 1],
  [new OnnxExportError('m.cnb: not exact'), 1],
  [new McuError('building the firmware failed'), 1],
  [new SynthesisError('input 3: not a class', 3), 1],
  [new EnergyModelError('e.json', 'not valid JSON'), 1],
  [new CompileError('m.wasm: not a condnet module'), 1],
  [new CLibExportError('wasm2c not found'), 1],
  [new CLibExportError('out: not a folder', 2), 2],
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
}

test('every error class the host declares extends CondnetError (only the base extends Error)', () => {
  const direct: string[] = [];
  const declared = new Set<string>();
  for (const file of sourceFiles(HOST)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/class (\w+) extends (\w+)/g)) {
      declared.add(m[1]);
      if (m[2] === 'Error' && m[1] !== 'CondnetError') direct.push(`${file}: ${m[1]}`);
    }
  }
  assert.deepEqual(direct, [], 'a user-facing error extends CondnetError (host/errors.ts)');
  const tested = new Set(CASES.map(([e]) => e.constructor.name));
  const untested = [...declared].filter((c) => c.endsWith('Error') && c !== 'CondnetError' && !tested.has(c));
  assert.deepEqual(untested, [], 'every error class has a case here');
});

test('each user-facing class is a CondnetError with its exit code', () => {
  for (const [e, code] of CASES) {
    assert.ok(e instanceof CondnetError, e.constructor.name);
    assert.equal((e as CondnetError).exitCode, code, e.constructor.name);
  }
});

function report(e: unknown): { code: number; err: string } {
  const write = process.stderr.write;
  const debug = process.env.CONDNET_DEBUG;
  delete process.env.CONDNET_DEBUG;
  let err = '';
  process.stderr.write = ((s: string) => {
    err += s;
    return true;
  }) as typeof process.stderr.write;
  try {
    return { code: reportError(e), err };
  } finally {
    process.stderr.write = write;
    if (debug !== undefined) process.env.CONDNET_DEBUG = debug;
  }
}

test('reportError: one line, the user message, the exit code; anything else is unexpected', () => {
  for (const [e, code] of CASES) {
    const r = report(e);
    assert.equal(r.code, code, e.constructor.name);
    assert.equal(r.err, `condnet: ${(e as CondnetError).userMessage}\n`, e.constructor.name);
  }
  assert.deepEqual(report(new OutputPathError('out')), {
    code: 2, err: 'condnet: out: not a regular file (a link, device or folder); give the path of the file to write\n',
  });
  assert.match(report(new BlobError(ErrorCode.BadChecksum)).err, /^condnet: invalid model: .*\(error 6\b/);
  assert.equal(report(new EnergyModelError('no-such', 'neither a built-in model nor an existing file')).err,
    'condnet: energy model no-such: neither a built-in model nor an existing file\n');
  assert.deepEqual(report(new RangeError('index 9 out of range')), {
    code: 1, err: 'condnet: index 9 out of range\n(unexpected error; set CONDNET_DEBUG=1 for details)\n',
  });
  assert.deepEqual(report('thrown text'), {
    code: 1, err: 'condnet: thrown text\n(unexpected error; set CONDNET_DEBUG=1 for details)\n',
  });
});
