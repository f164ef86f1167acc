// condnet wasi <model.cnb> [rows …] [--counting] [--dataset D]: run the WASI command module
// (build/condnet-wasi.wasm, or with --counting build/condnet-wasi-counting.wasm; for a compiled
// model, its own WASI command, `condnet compile --wasi`) on Node's built-in WASI, with its stdout, stderr and exit code (docs/WASI.md). With --dataset the
// dataset is quantized with the model's own quantization into a temporary rows file first.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { quantize } from '../data/quantize.js';
import { BlobError } from '../format/errors.js';
import { readBlob } from '../format/reader.js';
import { isWasm } from '../compile/module.js';
import { openModel } from '../engine/model.js';
import type { Network } from '../network.js';
import { rowsText } from '../wasi/rows.js';
import { runWasi, WasiExit, wasiPaths } from '../wasi/run.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { CliError } from './errors.js';
import { openDataset, withHeaderOptions } from './io.js';
import { progress, withStep } from './progress.js';

interface WasiFlags { counting?: boolean; dataset?: string; saveRows?: string; header?: boolean }

/** The model file as a compiled model's WASI command, or undefined for a blob (or a file the
 *  engine's module is to refuse itself). */
function compiledCommand(path: string, flags: WasiFlags): { module: WebAssembly.Module; network: Network } | undefined {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch {
    return undefined; // the module says it cannot open the file, with exit 3
  }
  if (!isWasm(bytes)) return undefined;
  const model = openModel(bytes, path);
  const module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  if (!WebAssembly.Module.exports(module).some((e) => e.name === '_start')) {
    throw new CliError(`${path} is a compiled model without a WASI entry: compile it with condnet compile --wasi`, WasiExit.Io);
  }
  if (flags.counting) throw new CliError(`${path}: a compiled model counts if compiled so (condnet compile --wasi --counting); drop --counting`, WasiExit.Io);
  return { module, network: model.network };
}

export function registerWasi(program: Command): void {
  withHeaderOptions(program
    .command('wasi')
    .description('run the WASI command module on Node\'s WASI: integer rows in, one label per line out')
    .argument('<model>', 'model blob (.cnb), or a compiled model\'s WASI command (condnet compile --wasi)')
    .argument('[rows...]', 'rows files: d integers per line, commas or spaces between ("-" or none: stdin)')
    .option('--counting', 'the counting module: label<TAB>mul add cmp wordOps loads per row')
    .option('--dataset <spec>', 'rows from a dataset, quantized with the model\'s quantization')
    .option('--save-rows <file>', 'with --dataset: also keep those rows, for other WASI runtimes'))
    .addHelpText('after', '\nExamples:\n  printf "0,0\\n2,1\\n" | npx condnet wasi test/golden/four-points.cnb\n' +
      '  npx condnet wasi mnist-tree.cnb --dataset mnist:100 --counting\n' +
      'Exit codes: 0 ok, 1 a row refused, 2 the model refused, 3 I/O or usage (docs/WASI.md).')
    .action(async (model: string, rows: string[], flags: WasiFlags) => {
      let tmp: string | undefined;
      // The command's own refusals exit as the module's usage errors do, so one table of exit
      // codes (docs/WASI.md) covers both.
      try {
        if (flags.saveRows && !flags.dataset) throw new CliError('--save-rows needs --dataset', WasiExit.Io);
        // A compiled model's WASI command has the model built in: its arguments are the rows.
        const command = compiledCommand(model, flags);
        const run = (paths: { args: string[]; preopens: Record<string, string> }) =>
          runWasi(command?.module ?? (flags.counting ? 'counting' : 'release'), paths);
        const files = command ? [...rows] : [model, ...rows];
        if (flags.dataset) {
          if (rows.length) throw new CliError('give rows files or --dataset, not both', WasiExit.Io);
          let net;
          try {
            net = command?.network ?? readBlob(new Uint8Array(readFileSync(model))).network;
          } catch (e) {
            // An unreadable or refused model: the module says so itself (exit 3 or 2) before
            // it reads any row.
            if (!(e instanceof BlobError) && (e as NodeJS.ErrnoException).code === undefined) throw e;
            process.exitCode = await run(wasiPaths([model]));
            return;
          }
          // The module writes the labels itself, so a bar is drawn only before it starts.
          const ds = withStep(progress(), `load ${flags.dataset}`, 1, () => openDataset(flags.dataset!, flags));
          if (ds.dim !== net.dim) throw new CliError(`${flags.dataset} has ${ds.dim} features, the model takes ${net.dim}`, WasiExit.Io);
          tmp = mkdtempSync(join(tmpdir(), 'condnet-wasi-'));
          const file = join(tmp, 'rows.txt');
          const text = rowsText(quantize(ds, net.quant), ds.dim);
          writeFileSync(file, text);
          if (flags.saveRows) writeFileAtomic(flags.saveRows, text);
          files.push(file);
        }
        process.exitCode = await run(wasiPaths(files));
      } finally {
        if (tmp) rmSync(tmp, { recursive: true, force: true });
      }
    });
}
