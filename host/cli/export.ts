// condnet export <model.cnb> --format c|ihex|bin [-o file] [--symbol name] [--section .name]
// [--base addr]: a validated blob for firmware (host/export/flash.ts, docs/FLASH.md) — a C header
// with the blob as an 8-aligned const array, Intel HEX at a base address, or the raw bytes.

import type { Command } from 'commander';
import {
  blobFacts, checkSection, checkSymbol, FlashExportError, FLASH_FORMATS, parseBaseAddress, symbolFromFileName,
  toCHeader, toIntelHex, type FlashFormat,
} from '../export/flash.js';
import { checkOutputPath, writeFileAtomic } from '../io/atomic-write.js';
import { CliError } from './errors.js';
import { readModel } from './io.js';

interface ExportFlags { format: FlashFormat; output?: string; symbol?: string; section?: string; base?: number }

function parseFormat(v: string): FlashFormat {
  if (!(FLASH_FORMATS as readonly string[]).includes(v)) throw new CliError(`--format must be one of ${FLASH_FORMATS.join(', ')}, got "${v}"`, 2);
  return v as FlashFormat;
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write a model for firmware: a C header (8-aligned const array), Intel HEX at a base address, or the raw blob')
    .argument('<model.cnb>', 'the blob to export; it is validated first')
    .requiredOption('--format <c|ihex|bin>', 'c: a C header; ihex: Intel HEX (I32HEX); bin: the blob bytes as they are', parseFormat)
    .option('-o, --output <file>', 'file to write (atomically); without it, c and ihex go to stdout, and bin too unless stdout is a terminal')
    .option('--symbol <name>', 'c: the array\'s name, a C identifier (default: the file name, other characters as _); macros are <NAME>_LEN, <NAME>_CRC32, <NAME>_FILE_CRC32', checkSymbol)
    .option('--section <name>', 'c: place the array with __attribute__((section("name"))), e.g. .rodata.model', checkSection)
    .option('--base <addr>', 'ihex: the address of the first byte, 0x… or decimal (default 0)', parseBaseAddress)
    .addHelpText('after', '\nThe C header defines <NAME>_CRC32, the blob\'s own header CRC (computed with that field as zero),\n' +
      'and <NAME>_FILE_CRC32, the CRC-32 of the file as it is. The engine evaluates a blob in its linear\n' +
      'memory: firmware copies the array there, 8-aligned (docs/FLASH.md).\n' +
      '\nExamples:\n' +
      '  npx condnet export iris-tree.cnb --format c --symbol iris_model --section .rodata.model -o iris_model.h\n' +
      '  npx condnet export iris-tree.cnb --format ihex --base 0x08040000 -o iris.hex\n' +
      '  npx condnet export iris-tree.cnb --format bin -o iris.bin')
    .action((file: string, flags: ExportFlags) => {
      if (flags.format !== 'c' && (flags.symbol !== undefined || flags.section !== undefined)) {
        throw new CliError(`--symbol and --section apply to --format c, not ${flags.format}`, 2);
      }
      if (flags.format !== 'ihex' && flags.base !== undefined) throw new CliError(`--base applies to --format ihex, not ${flags.format}`, 2);
      if (flags.format === 'bin' && flags.output === undefined && process.stdout.isTTY) {
        throw new CliError('--format bin writes raw bytes and stdout is a terminal; give -o file, or redirect stdout to a file or a pipe', 2);
      }
      if (flags.output !== undefined) checkOutputPath(flags.output);
      const blob = readModel(file);
      const facts = blobFacts(blob);
      let out: Uint8Array | string;
      try {
        out = flags.format === 'c' ? toCHeader(blob, { symbol: flags.symbol ?? symbolFromFileName(file), section: flags.section, source: file })
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
