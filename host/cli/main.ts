#!/usr/bin/env node
// condnet command line: one file per command under host/cli/, all logic in the library.

import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerBuild } from './build.js';
import { registerCompile } from './compile.js';
import { registerDemo } from './demo.js';
import { reportError } from './errors.js';
import { registerEval } from './eval.js';
import { registerExport } from './export.js';
import { registerExportOnnx } from './export-onnx.js';
import { registerMcu } from './mcu.js';
import { registerMeasure } from './measure.js';
import { registerPack } from './pack.js';
import { registerPull } from './pull.js';
import { registerServe } from './serve.js';
import { registerReport } from './report.js';
import { registerSweep } from './sweep.js';
import { registerSynth } from './synth.js';
import { registerVerify } from './verify.js';
import { registerWasi } from './wasi.js';

/** The package's version, from the package.json beside dist/ (one source of truth). */
export const VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const program = new Command('condnet')
  .version(VERSION, '-V, --version', 'print the version of condnet')
  .description('memorize input→output tables as conditional ReLU networks with O(log n) integer operations per input')
  .exitOverride()
  .configureOutput({ outputError: (s, write) => write(s) })
  .showHelpAfterError('(run npx condnet <command> --help for usage)');

// A reader that closes the pipe early (`| head`) is not an error worth a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

registerBuild(program);
registerVerify(program);
registerEval(program);
registerMeasure(program);
registerMcu(program);
registerDemo(program);
registerSweep(program);
registerPack(program);
registerServe(program);
registerPull(program);
registerSynth(program);
registerExportOnnx(program);
registerExport(program);
registerCompile(program);
registerReport(program);
registerWasi(program);
program.commands.forEach((c) => c.exitOverride());

try {
  await program.parseAsync();
} catch (e) {
  if (e instanceof CommanderError) process.exitCode = e.exitCode;
  else process.exitCode = reportError(e);
}
