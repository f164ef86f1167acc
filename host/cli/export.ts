// condnet export <model.cnb> --format c|ihex|bin|c-lib [-o file|DIR] [--symbol name] [--section .name]
// [--base addr]: a validated blob for firmware (host/export/flash.ts, docs/FLASH.md) — a C header
// with the blob as an 8-aligned const array, Intel HEX at a base address, or the raw bytes — or
// a C library folder with the model compiled to C (host/export/c-lib.ts, docs/C-LIBRARY.md).

import { basename } from 'node:path';
import type { Command } from 'commander';
import {
  blobFacts, checkSection, checkSymbol, FlashExportError, FLASH_FORMATS, parseBaseAddress, symbolFromFileName,
  toCHeader, toIntelHex, type FlashFormat,
} from '../export/flash.js';
import { checkOutputDir, exportCLib } from '../export/c-lib.js';
import { checkOutputPath, writeFileAtomic } from '../io/atomic-write.js';
import { CliError } from './errors.js';
import { openModelFile, readModel } from './io.js';

type ExportFormat = FlashFormat | 'c-lib';
const EXPORT_FORMATS: readonly ExportFormat[] = [...FLASH_FORMATS, 'c-lib'];

interface ExportFlags { format: ExportFormat; output?: string; symbol?: string; section?: string; base?: number }

function parseFormat(v: string): ExportFormat {
  if (!(EXPORT_FORMATS as readonly string[]).includes(v)) throw new CliError(`--format must be one of ${EXPORT_FORMATS.join(', ')}, got "${v}"`, 2);
  return v as ExportFormat;
}

/** --format c-lib: the folder DIR (docs/C-LIBRARY.md). */
async function exportLibrary(file: string, dir: string): Promise<void> {
  checkOutputDir(dir);
  const model = openModelFile(file); // a compiled model carries its blob: the library compiles it again, for the device
  const f = await exportCLib(model.blob, dir, { source: basename(file) });
  process.stdout.write(`${file}: ${f.kind}, ${f.dim} inputs (${f.quantization}), ${f.classes} classes, ${f.blobBytes.toLocaleString('en-US')}-byte blob, ` +
    `CRC 0x${f.blobCrc.toString(16).toUpperCase().padStart(8, '0')}\n` +
    `wrote ${dir}/ (C library: the model compiled to C, ${f.memoryBytes.toLocaleString('en-US')} bytes of static linear memory; ` +
    `lib/ for your build, examples/qemu/ for QEMU's Cortex-M4; ${f.files.length} files)\n`);
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write a model for firmware: a C header (8-aligned const array), Intel HEX at a base address, the raw blob, or a C library folder')
    .argument('<model.cnb>', 'the blob to export; it is validated first')
    .requiredOption('--format <c|ihex|bin|c-lib>', 'c: a C header; ihex: Intel HEX (I32HEX); bin: the blob bytes as they are; ' +
      'c-lib: a folder, DIR/lib/ (the model compiled to C, its runtime, condnet.h) and DIR/examples/qemu/ (needs wasm2c)', parseFormat)
    .option('-o, --output <file|DIR>', 'file to write (atomically); without it, c and ihex go to stdout, and bin too unless stdout is a terminal; ' +
      'c-lib: the folder to write (required; new, empty, or an earlier c-lib export, which is replaced)')
    .option('--symbol <name>', 'c: the array\'s name, a C identifier (default: the file name, other characters as _); macros are <NAME>_LEN, <NAME>_CRC32, <NAME>_FILE_CRC32', checkSymbol)
    .option('--section <name>', 'c: place the array with __attribute__((section("name"))), e.g. .rodata.model', checkSection)
    .option('--base <addr>', 'ihex: the address of the first byte, 0x… or decimal (default 0)', parseBaseAddress)
    .addHelpText('after', '\nThe C header defines <NAME>_CRC32, the blob\'s own header CRC (computed with that field as zero),\n' +
      'and <NAME>_FILE_CRC32, the CRC-32 of the file as it is. The engine evaluates a blob in its linear\n' +
      'memory: firmware copies the array there, 8-aligned (docs/FLASH.md).\n' +
      '\nExamples:\n' +
      '  npx condnet export iris-tree.cnb --format c --symbol iris_model --section .rodata.model -o iris_model.h\n' +
      '  npx condnet export iris-tree.cnb --format ihex --base 0x08040000 -o iris.hex\n' +
      '  npx condnet export iris-tree.cnb --format bin -o iris.bin\n' +
      '  npx condnet export iris-tree.cnb --format c-lib -o iris-clib    # docs/C-LIBRARY.md')
    .action(async (file: string, flags: ExportFlags) => {
      if (flags.format === 'c-lib') {
        if (flags.symbol !== undefined || flags.section !== undefined || flags.base !== undefined) {
          throw new CliError('--symbol, --section and --base do not apply to --format c-lib', 2);
        }
        if (flags.output === undefined) throw new CliError('--format c-lib writes a folder: give it with -o DIR', 2);
        await exportLibrary(file, flags.output);
        return;
      }
      if (flags.format !== 'c' && (flags.symbol !== undefined || flags.section !== undefined)) {
        throw new CliError(`--symbol and --section apply to --format c, not ${flags.format}`, 2);
      }
      if (flags.format !== 'ihex' && flags.base !== undefined) throw new CliError(`--base applies to --format ihex, not ${flags.format}`, 2);
      if (flags.format === 'bin' && flags.output === undefined && process.stdout.isTTY) {
        throw new CliError('--format bin writes raw bytes and stdout is a terminal; give -o file, or redirect stdout to a file or a pipe', 2);
      }
      if (flags.output !== undefined) checkOutputPath(flags.output);
      const blob = readModel(file);
      const format = flags.format;
      const facts = blobFacts(blob);
      let out: Uint8Array | string;
      try {
        out = format === 'c' ? toCHeader(blob, { symbol: flags.symbol ?? symbolFromFileName(file), section: flags.section, source: file })
          : flags.format === 'ihex' ? toIntelHex(blob, flags.base ?? 0)
          : blob;
      } catch (e) {
        // The library's message names the blob's size, not its file.
        if (e instanceof FlashExportError) throw new CliError(`${file}: ${e.message}`);
        throw e;
      }
      if (flags.format === 'ihex' && (flags.base ?? 0) % 8 !== 0) {
        process.stderr.write(`condnet: note: base 0x${flags.base!.toString(16).toUpperCase()} is not 8-aligned; the engine reads u64 fields, so copy the blob to 8-aligned memory before use\n`);
      }
      if (flags.output === undefined) {
        process.stdout.write(out);
        return;
      }
      writeFileAtomic(flags.output, out);
      const what = flags.format === 'c' ? `C header, array ${flags.symbol ?? symbolFromFileName(file)}`
        : flags.format === 'ihex' ? `Intel HEX at 0x${(flags.base ?? 0).toString(16).toUpperCase().padStart(8, '0')}`
        : 'raw blob';
      const size = typeof out === 'string' ? Buffer.byteLength(out) : out.length;
      process.stdout.write(`${file}: ${facts.kind}, ${facts.dim} inputs, ${facts.classes} classes, ${facts.bytes.toLocaleString('en-US')} bytes, ` +
        `CRC 0x${facts.storedCrc.toString(16).toUpperCase().padStart(8, '0')}\n` +
        `wrote ${flags.output} (${what}, ${size.toLocaleString('en-US')} bytes)\n`);
    });
}
