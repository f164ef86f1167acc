// condnet compile <model.cnb> -o model.wasm [--counting] [--wasi] [--source file.ts] [--json]:
// the model as its own WebAssembly module (host/compile, docs/COMPILE.md), which every command
// that takes a blob takes too.

import type { Command } from 'commander';
import { compileModel, type Compiled } from '../compile/compile.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { CliError } from './errors.js';
import { openModelFile } from './io.js';
import { progress } from './progress.js';

interface CompileFlags { output: string; counting?: boolean; wasi?: boolean; source?: string; json?: boolean }

export function registerCompile(program: Command): void {
  program
    .command('compile')
    .description('compile a model to its own WebAssembly module: the same answers (and, with --counting, counts) as the engine, faster')
    .argument('<model>', 'model blob (.cnb)')
    .requiredOption('-o, --output <file.wasm>', 'the module to write')
    .option('--counting', "the counting variant: the engine's counts for every input (its counter export)")
    .option('--wasi', 'a WASI command: integer rows in (files named as arguments, else stdin), one label per line out, as build/condnet-wasi.wasm')
    .option('--source <file.ts>', 'also write the generated AssemblyScript')
    .option('--json', 'print a JSON summary')
    .addHelpText('after', '\nA tree becomes nested tests and a search an unrolled projection; the other kinds keep their tables as\n' +
      'data and run the engine\'s loops. The module carries its blob, so verify, measure, eval, report, wasi\n' +
      'and mcu take it in place of the blob (docs/COMPILE.md).\n' +
      '\nExamples:\n  npx condnet compile mnist-tree.cnb -o mnist-tree.wasm\n' +
      '  npx condnet compile mnist-tree.cnb --wasi -o mnist-tree-wasi.wasm && npx condnet wasi mnist-tree-wasi.wasm --dataset mnist:100')
    .action(async (file: string, flags: CompileFlags) => {
      const model = openModelFile(file);
      if (model.compiled) throw new CliError(`${file} is already a compiled model: compile the blob it was made from`);
      const step = progress(flags.json).step(`compile a ${model.network.kind}`, 1);
      const t0 = performance.now();
      let compiled: Compiled;
      try {
        compiled = await compileModel(model.blob, { counting: flags.counting, wasi: flags.wasi });
        step.update(1);
      } finally {
        step.stop();
      }
      const seconds = (performance.now() - t0) / 1000;
      writeFileAtomic(flags.output, compiled.wasm);
      if (flags.source) writeFileAtomic(flags.source, compiled.source);
      const summary = {
        model: file, output: flags.output, kind: model.network.kind, counting: !!flags.counting, wasi: !!flags.wasi,
        moduleBytes: compiled.wasm.length, blobBytes: model.blob.length, seconds: Number(seconds.toFixed(2)),
      };
      if (flags.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
      else {
        const kind = `${flags.counting ? 'counting ' : ''}${flags.wasi ? 'WASI command' : 'module'}`;
        process.stdout.write(`${flags.output}: ${compiled.wasm.length.toLocaleString('en-US')}-byte ${kind} of the ${model.network.kind} in ${file} ` +
          `(its ${model.blob.length.toLocaleString('en-US')}-byte blob included), compiled in ${seconds.toFixed(1)} s\n`);
      }
    });
}
