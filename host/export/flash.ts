// Blobs out for firmware (`condnet export`, docs/FLASH.md): a C header holding the blob as an
// 8-aligned `const` array, Intel HEX at a base address, or the raw bytes. Every export starts
// from a blob the reader accepts, so nothing invalid reaches a flash image.
//
// Two CRC-32s appear in the C header, both IEEE 802.3 (reflected, poly 0xEDB88320):
// - <NAME>_CRC32, the blob's own header field (offset 12): the CRC of the blob with those four
//   bytes read as zero, which is what the engine's validate() recomputes (docs/FORMAT.md);
// - <NAME>_FILE_CRC32, the CRC of the bytes exactly as stored (the field included), which is
//   what `crc32 model.cnb`, zlib's crc32() or a flash tool's checksum of the region computes.

import { basename } from 'node:path';
import { H_BLOB_BYTES, H_CRC, H_PAIRS, QuantMode } from '../../assembly/format.js';
import { CondnetError } from '../errors.js';
import { crc32 } from '../format/crc32.js';
import { readBlob } from '../format/reader.js';
import { tableMetadata } from '../format/table-section.js';

export type FlashFormat = 'c' | 'ihex' | 'bin';
export const FLASH_FORMATS: readonly FlashFormat[] = ['c', 'ihex', 'bin'];

/** A bad option value for an export (symbol, section, base address: a usage error, exit 2), or
 *  a blob that does not fit at its base address (exit 1). */
export class FlashExportError extends CondnetError {
  constructor(message: string, exitCode = 1) {
    super(message, exitCode);
    this.name = 'FlashExportError';
  }
}

/** What the header comment and the CLI summary say about a blob. */
export interface BlobFacts {
  kind: string;
  dim: number;
  classes: number;
  pairs: number;
  bytes: number;
  /** The blob's header CRC field: CRC-32 with the field read as zero. */
  storedCrc: number;
  /** CRC-32 of the bytes as they are. */
  fileCrc: number;
}

/** Validate a blob (throws the reader's BlobError) and collect its facts. */
export function blobFacts(blob: Uint8Array): BlobFacts {
  const { network } = readBlob(blob);
  const v = new DataView(blob.buffer, blob.byteOffset, blob.length);
  return {
    kind: network.kind,
    dim: network.dim,
    classes: network.classes.length,
    pairs: v.getUint32(H_PAIRS, true),
    bytes: v.getUint32(H_BLOB_BYTES, true),
    storedCrc: v.getUint32(H_CRC, true),
    fileCrc: crc32(blob),
  };
}

// C11 §6.4.1 keywords (and C23's, which compilers already reserve) cannot name the array.
const C_KEYWORDS = new Set([
  'auto', 'break', 'case', 'char', 'const', 'continue', 'default', 'do', 'double', 'else', 'enum',
  'extern', 'float', 'for', 'goto', 'if', 'inline', 'int', 'long', 'register', 'restrict', 'return',
  'short', 'signed', 'sizeof', 'static', 'struct', 'switch', 'typedef', 'union', 'unsigned', 'void',
  'volatile', 'while', '_Alignas', '_Alignof', '_Atomic', '_Bool', '_Complex', '_Generic',
  '_Imaginary', '_Noreturn', '_Static_assert', '_Thread_local', 'alignas', 'alignof', 'bool',
  'constexpr', 'false', 'nullptr', 'static_assert', 'thread_local', 'true', 'typeof', 'typeof_unqual',
  'asm', 'fortran',
]);

/** Why `name` cannot be the array's name, or undefined when it can. Names starting with `_`
 *  are refused: at file scope they are reserved (C11 §7.1.3), and so would be the macros
 *  `_NAME_LEN` made from them. */
export function symbolProblem(name: string): string | undefined {
  if (name === '') return 'it is empty';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return 'a C identifier has only letters, digits and _, and does not start with a digit';
  if (name.startsWith('_')) return 'names starting with _ are reserved at file scope (C11 §7.1.3)';
  if (C_KEYWORDS.has(name)) return 'it is a C keyword';
  return undefined;
}

export function checkSymbol(name: string): string {
  const problem = symbolProblem(name);
  if (problem) throw new FlashExportError(`--symbol must be a valid C identifier, got "${name}": ${problem}`, 2);
  return name;
}

/** The default symbol: the file name without its extension, every other character than a
 *  letter, digit or _ turned into _, with `cnb_` in front when that would start with a digit
 *  or _, be empty or be a keyword. `models/mnist-tree.cnb` → `mnist_tree`. */
export function symbolFromFileName(path: string): string {
  const stem = basename(path).replace(/\.[^.]*$/, '');
  const s = stem.replace(/[^A-Za-z0-9_]/g, '_');
  return symbolProblem(s) === undefined ? s : `cnb_${s}`;
}

/** Why `name` cannot go into `section("…")`, or undefined. Letters, digits and `._$` cover
 *  ELF names (`.rodata.model`, `.flash_model`); a comma allows Mach-O's `__TEXT,__const`. */
export function sectionProblem(name: string): string | undefined {
  if (name === '') return 'it is empty';
  if (name.length > 255) return 'it is longer than 255 characters';
  if (!/^[A-Za-z0-9_.$,]+$/.test(name)) return 'use letters, digits and . _ $ , only (e.g. .rodata.model)';
  return undefined;
}

export function checkSection(name: string): string {
  const problem = sectionProblem(name);
  if (problem) throw new FlashExportError(`--section must be a section name, got "${name}": ${problem}`, 2);
  return name;
}

/** Parse a base address: `0x…` hexadecimal or decimal, 0 … 0xFFFFFFFF. */
export function parseBaseAddress(text: string): number {
  const t = text.trim();
  let v: number;
  if (/^0[xX][0-9A-Fa-f]+$/.test(t)) v = parseInt(t.slice(2), 16);
  else if (/^[0-9]+$/.test(t)) v = parseInt(t, 10);
  else throw new FlashExportError(`--base must be an address, hexadecimal (0x08000000) or decimal, got "${text}"`, 2);
  if (!(v <= 0xffffffff)) throw new FlashExportError(`--base must be at most 0xFFFFFFFF (32-bit addresses), got "${text}"`, 2);
  return v;
}

const hex = (n: number, digits: number) => n.toString(16).toUpperCase().padStart(digits, '0');

/** A file name safe inside a C block comment: no star-slash, no control characters. */
function commentSafe(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f]/g, '?').replace(/\*\//g, '* /');
}

export interface CHeaderOptions {
  /** The array's name; `<NAME>` in the macros is its upper case. */
  symbol: string;
  /** Place the array with `__attribute__((section(…)))`. */
  section?: string;
  /** The blob's file name, for the comment (its base name is used). */
  source: string;
}

/** The blob as a C header: `static const uint8_t <symbol>[N]`, 8-aligned, 16 bytes a line,
 *  with `<NAME>_LEN`, `<NAME>_CRC32` (the header's field) and `<NAME>_FILE_CRC32`. */
export function toCHeader(blob: Uint8Array, opts: CHeaderOptions): string {
  const f = blobFacts(blob);
  const symbol = checkSymbol(opts.symbol);
  const section = opts.section === undefined ? undefined : checkSection(opts.section);
  const NAME = symbol.toUpperCase();
  const guard = `CONDNET_${NAME}_H`;
  const attrs = ['aligned(8)', ...(section ? [`section("${section}")`] : [])].join(', ');
  const lines: string[] = [
    `/* ${commentSafe(basename(opts.source))}: condnet model (.cnb v1, docs/FORMAT.md), written by \`condnet export --format c\`.`,
    ` * kind ${f.kind}, ${f.dim} inputs, ${f.classes} classes, ${f.pairs} pairs, ${f.bytes} bytes.`,
    ` * ${NAME}_CRC32 is the blob's header CRC field (offset 12): CRC-32 (IEEE) of the blob with that`,
    ` * field read as zero, as the engine's validate() recomputes it. ${NAME}_FILE_CRC32 is the CRC-32`,
    ` * of the ${f.bytes} bytes exactly as stored.`,
    ` * The engine reads u64 fields, so the array is 8-aligned; it evaluates the blob in its own linear`,
    ` * memory, so copy the ${NAME}_LEN bytes there (8-aligned) before validate() (docs/FLASH.md). */`,
    `#ifndef ${guard}`,
    `#define ${guard}`,
    '',
    '#include <stdint.h>',
    '',
    `#define ${NAME}_LEN ${f.bytes}`,
    `#define ${NAME}_CRC32 0x${hex(f.storedCrc, 8)}u`,
    `#define ${NAME}_FILE_CRC32 0x${hex(f.fileCrc, 8)}u`,
    '',
    ...modelMacros(blob, NAME, symbol),
    `static const uint8_t ${symbol}[${f.bytes}] __attribute__((${attrs})) = {`,
  ];
  for (let i = 0; i < blob.length; i += 16) {
    const row: string[] = [];
    for (let j = i; j < Math.min(i + 16, blob.length); j++) row.push(`0x${hex(blob[j], 2)}`);
    lines.push(`  ${row.join(', ')}${i + 16 < blob.length ? ',' : ''}`);
  }
  lines.push('};', '', `#endif /* ${guard} */`, '');
  return lines.join('\n');
}

/** A C string literal for `text` (its UTF-8 bytes; octal escapes outside printable ASCII). */
export function cString(text: string): string {
  let out = '"';
  for (const b of new TextEncoder().encode(text)) {
    const ch = String.fromCharCode(b);
    out += b === 0x22 || b === 0x5c ? `\\${ch}` : b === 0x3f ? '\\?' : b >= 0x20 && b < 0x7f ? ch : `\\${b.toString(8).padStart(3, '0')}`;
  }
  return out + '"';
}

/** What a caller needs beside the bytes (issue 16): input count, classes and their names, the
 *  scale (and a helper that quantizes a raw value by it), the domain, and from the Table section
 *  the feature names and the shift. Macros and a static inline function only, so a header that
 *  uses none of them compiles without warnings. */
export function modelMacros(blob: Uint8Array, NAME: string, symbol: string): string[] {
  const { network: net, sections } = readBlob(blob);
  const meta = tableMetadata({ blob, sections });
  const shift = meta?.inputShift ?? 0;
  const fixed = net.quant.mode === QuantMode.FracBits;
  const factor = (fixed ? 2 ** net.quant.param : net.quant.param) / 2 ** shift;
  const list = (xs: ArrayLike<number>) => `{ ${Array.from(xs).join(', ')} }`;
  const lines = [
    `/* The model: ${net.dim} inputs, ${net.classes.length} classes; the engine's output c is ${NAME}_CLASS_NAMES[c]. */`,
    `#define ${NAME}_INPUTS ${net.dim}`,
    `#define ${NAME}_CLASS_COUNT ${net.classes.length}`,
    `#define ${NAME}_CLASS_NAMES { ${net.classes.map(cString).join(', ')} }`,
  ];
  if (meta?.features.every((c) => c.name !== undefined)) lines.push(`#define ${NAME}_FEATURE_NAMES { ${meta.features.map((c) => cString(c.name!)).join(', ')} }`);
  if (meta?.features.some((c) => c.type !== 'number')) {
    lines.push(`/* Features ${meta.features.map((c, k) => [c, k] as const).filter(([c]) => c.type !== 'number').map(([c, k]) => `${k} (${c.type})`).join(', ')} are codes: a category's index in its`,
      ' * dictionary, a date\'s seconds since 1970 (docs/TABLES.md; the dictionaries are in the blob\'s Table section). */');
  }
  lines.push(
    `/* Inputs are x_int = round(x * ${NAME}_SCALE), half away from zero (${fixed ? `2^${net.quant.param}` : `${net.quant.param}`}${shift ? `, divided by 2^${shift}: ${NAME}_INPUT_SHIFT` : ''}). */`,
    `#define ${NAME}_QUANT_MODE ${net.quant.mode}`,
    `#define ${NAME}_QUANT_PARAM ${net.quant.param}`,
    `#define ${NAME}_INPUT_SHIFT ${shift}`,
    `#define ${NAME}_SCALE ${Number.isInteger(factor) ? `${factor}.0` : String(factor)}`,
    `/* The input domain (quantized units), coordinate by coordinate; outside it the engine refuses the input. */`,
    `#define ${NAME}_DOMAIN_LO ${list(net.domain.lo)}`,
    `#define ${NAME}_DOMAIN_HI ${list(net.domain.hi)}`,
    '',
    `/* A raw value as the model's input: round(x * ${NAME}_SCALE) half away from zero, saturated to i32. */`,
    `static inline int32_t ${symbol}_quantize(double x) {`,
    `  double s = x * ${NAME}_SCALE;`,
    '  if (!(s < 2147483647.5)) return s != s ? 0 : INT32_MAX;',
    '  if (s <= -2147483648.5) return INT32_MIN;',
    '  return (int32_t)(s < 0 ? -(int64_t)(-s + 0.5) : (int64_t)(s + 0.5));',
    '}',
    '',
  );
  return lines;
}

function ihexRecord(type: number, address: number, data: ArrayLike<number>): string {
  let sum = data.length + (address >>> 8) + (address & 0xff) + type;
  let s = `:${hex(data.length, 2)}${hex(address, 4)}${hex(type, 2)}`;
  for (let i = 0; i < data.length; i++) {
    sum += data[i];
    s += hex(data[i], 2);
  }
  return s + hex((0x100 - (sum & 0xff)) & 0xff, 2);
}

/** The blob as Intel HEX (I32HEX) at `base`: an extended linear address record (type 04)
 *  first and whenever the upper 16 address bits change, data records (00) of 16 bytes — shorter
 *  only at the end and where a record would cross a 64 KiB boundary — and the EOF record (01).
 *  Lines end in LF. */
export function toIntelHex(blob: Uint8Array, base: number): string {
  blobFacts(blob);
  if (!Number.isInteger(base) || base < 0 || base > 0xffffffff) throw new FlashExportError(`base address ${base} is not a 32-bit address`);
  if (base + blob.length > 2 ** 32) {
    throw new FlashExportError(`the blob (${blob.length} bytes) at 0x${hex(base, 8)} would run past 0xFFFFFFFF, the end of the 32-bit address space`);
  }
  const lines: string[] = [];
  let upper = -1;
  for (let off = 0; off < blob.length;) {
    const addr = base + off;
    const hi = Math.floor(addr / 0x10000);
    if (hi !== upper) {
      lines.push(ihexRecord(0x04, 0, [hi >>> 8, hi & 0xff]));
      upper = hi;
    }
    const lo = addr % 0x10000;
    const n = Math.min(16, blob.length - off, 0x10000 - lo);
    lines.push(ihexRecord(0x00, lo, blob.subarray(off, off + n)));
    off += n;
  }
  lines.push(ihexRecord(0x01, 0, []));
  return lines.join('\n') + '\n';
}
