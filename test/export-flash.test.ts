// Flash exports (host/export/flash.ts, `condnet export`): every format round-trips to the blob's
// bytes. The C header is parsed back here and also compiled with the system C compiler (required:
// the test fails if `cc` is missing) into a program that checks the alignment and both CRCs in C
// and writes the array back out; Intel HEX is parsed back by a small reader that checks every
// checksum, record length and the 64 KiB segments, at bases that cross 64 KiB boundaries; bin is
// the file itself. Invalid blobs and bad option values are refused with clear messages.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { H_CRC } from '../assembly/format.js';
import { BlobError } from '../host/format/errors.js';
import {
  checkSymbol, FlashExportError, parseBaseAddress, symbolFromFileName, toCHeader, toIntelHex,
} from '../host/export/flash.js';
import { goldenDir } from './golden/paths.js';
import { buildFrom } from './helpers.js';

const CLI = fileURLToPath(new URL('../host/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'condnet-flash-'));
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: dir });
const text = (b: Buffer) => b.toString('utf8');

const GOLDEN = join(goldenDir(), 'four-points.cnb');
const small = new Uint8Array(readFileSync(GOLDEN));
// A search blob of more than 64 KiB (9,999 i64 separators), so Intel HEX needs several segments.
const big = buildFrom('synthetic:n=10000,d=4,labels=distinct,seed=3').blob;
const BIG = join(dir, 'big-model.cnb');
writeFileSync(BIG, big);

/** Intel HEX back to bytes: every line a record with a correct checksum, data records of at
 *  most 16 bytes that never wrap a 64 KiB segment, 04 records for the upper address bits, one
 *  EOF record last. Returns the records' bytes in order, the first address, and the counts. */
function parseIntelHex(src: string): { start: number; bytes: Uint8Array; dataRecords: number; segmentRecords: number[] } {
  const lines = src.split('\n');
  assert.equal(lines.pop(), '', 'the file ends with a newline');
  let upper = 0;
  let start = -1;
  let next = -1;
  const out: number[] = [];
  const segmentRecords: number[] = [];
  let dataRecords = 0;
  let eof = false;
  for (const [i, line] of lines.entries()) {
    assert.ok(!eof, `line ${i + 1}: a record after EOF`);
    assert.match(line, /^:([0-9A-F]{2})+$/, `line ${i + 1}: ${line}`);
    const b = Buffer.from(line.slice(1), 'hex');
    const len = b[0];
    assert.equal(b.length, len + 5, `line ${i + 1}: length field`);
    assert.equal(b.reduce((s, x) => s + x, 0) & 0xff, 0, `line ${i + 1}: checksum`);
    const addr = (b[1] << 8) | b[2];
    const type = b[3];
    const data = b.subarray(4, 4 + len);
    if (type === 0x04) {
      assert.equal(len, 2);
      assert.equal(addr, 0);
      upper = (data[0] << 8) | data[1];
      segmentRecords.push(upper);
    } else if (type === 0x00) {
      assert.ok(len >= 1 && len <= 16, `line ${i + 1}: ${len} data bytes`);
      assert.ok(addr + len <= 0x10000, `line ${i + 1}: the record wraps its 64 KiB segment`);
      const full = upper * 0x10000 + addr;
      if (start < 0) start = full;
      else assert.equal(full, next, `line ${i + 1}: not contiguous`);
      next = full + len;
      out.push(...data);
      dataRecords++;
    } else if (type === 0x01) {
      assert.equal(line, ':00000001FF');
      eof = true;
    } else assert.fail(`line ${i + 1}: record type ${type}`);
  }
  assert.ok(eof, 'an EOF record');
  return { start, bytes: Uint8Array.from(out), dataRecords, segmentRecords };
}

/** The array's bytes and the macros, read back from the header text. */
function parseCHeader(src: string, symbol: string) {
  const NAME = symbol.toUpperCase();
  const macro = (m: string) => {
    const r = new RegExp(`^#define ${NAME}_${m} (\\S+)$`, 'm').exec(src);
    assert.ok(r, `#define ${NAME}_${m}`);
    return r[1];
  };
  const decl = new RegExp(`^static const uint8_t ${symbol}\\[(\\d+)\\] __attribute__\\(\\((.*)\\)\\) = \\{$([^}]*)^\\};$`, 'm').exec(src);
  assert.ok(decl, 'the array declaration');
  const rows = decl[3].split('\n').filter((l) => l.trim() !== '');
  rows.slice(0, -1).forEach((r) => assert.equal(r.split(',').filter((c) => c.trim()).length, 16, '16 bytes per line'));
  const bytes = Uint8Array.from(decl[3].match(/0x[0-9A-F]{2}/g) ?? [], (h) => parseInt(h, 16));
  return { size: Number(decl[1]), attrs: decl[2], bytes, len: macro('LEN'), crc: macro('CRC32'), fileCrc: macro('FILE_CRC32') };
}

/** CRC-32 of the bytes as they are, bit by bit, independent of host/format/crc32.ts. */
function fileCrc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

const storedCrc = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset).getUint32(H_CRC, true);

test('Intel HEX round-trips at base 0, 0x08000000 and bases that cross 64 KiB boundaries', () => {
  for (const [blob, base] of [[small, 0], [small, 0x08000000], [small, 0x0800fff8], [big, 0], [big, 0x0800fff8], [big, 0x2001ff03]] as const) {
    const hexText = toIntelHex(blob, base);
    const r = parseIntelHex(hexText);
    assert.equal(r.start, base);
    assert.deepEqual(r.bytes, blob);
    // One 04 record per 64 KiB segment touched, in order, the first one up front.
    const first = Math.floor(base / 0x10000), last = Math.floor((base + blob.length - 1) / 0x10000);
    assert.deepEqual(r.segmentRecords, Array.from({ length: last - first + 1 }, (_, k) => first + k));
    assert.ok(hexText.startsWith(`:02000004${first.toString(16).toUpperCase().padStart(4, '0')}`));
    // 16-byte records, split only at the end and at segment boundaries.
    assert.ok(r.dataRecords <= Math.ceil(blob.length / 16) + (last - first));
  }
  // A known record, checked by hand: 16 bytes of the header at 0x08000000.
  const lines = toIntelHex(small, 0x08000000).split('\n');
  assert.equal(lines[0], ':020000040800F2');
  assert.equal(lines.at(-2), ':00000001FF');
  // The top of the address space: the last byte may sit at 0xFFFFFFFF, not past it.
  assert.deepEqual(parseIntelHex(toIntelHex(small, 2 ** 32 - small.length)).bytes, small);
  assert.throws(() => toIntelHex(small, 2 ** 32 - small.length + 1), (e: Error) => e instanceof FlashExportError && /past 0xFFFFFFFF/.test(e.message));
});

test('the C header holds the bytes, 8-aligned, 16 a line, with LEN and both CRCs', () => {
  for (const blob of [small, big]) {
    const src = toCHeader(blob, { symbol: 'model_blob', source: '/some/where/four-points.cnb' });
    const h = parseCHeader(src, 'model_blob');
    assert.deepEqual(h.bytes, blob);
    assert.equal(h.size, blob.length);
    assert.equal(h.len, String(blob.length));
    assert.equal(h.attrs, 'aligned(8)');
    assert.equal(h.crc, `0x${storedCrc(blob).toString(16).toUpperCase().padStart(8, '0')}u`);
    assert.equal(h.fileCrc, `0x${fileCrc32(blob).toString(16).toUpperCase().padStart(8, '0')}u`);
    assert.match(src, /^\/\* four-points\.cnb: condnet model/);
    assert.match(src, /#ifndef CONDNET_MODEL_BLOB_H\n#define CONDNET_MODEL_BLOB_H\n/);
    assert.match(src, /#include <stdint\.h>/);
    assert.match(src, /#endif \/\* CONDNET_MODEL_BLOB_H \*\/\n$/);
  }
  const src = toCHeader(small, { symbol: 'm', section: '.rodata.condnet', source: 'x/a\nb*.cnb' });
  assert.equal(parseCHeader(src, 'm').attrs, 'aligned(8), section(".rodata.condnet")');
  assert.ok(src.startsWith('/* a?b*.cnb: '), 'a file name cannot break the comment');
  assert.match(src, /kind search, 2 inputs, \d+ classes/);
});

test('the C header compiles with the system cc; in C the array is 8-aligned, both CRCs hold and the bytes come back', () => {
  const cc = process.env.CC ?? 'cc';
  const probe = spawnSync(cc, ['--version'], { encoding: 'utf8' });
  assert.ok(!probe.error && probe.status === 0, `this test needs a C compiler ("${cc}", or $CC): apt-get install -y --no-install-recommends gcc libc6-dev`);
  const work = join(dir, 'c');
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, 'model.h'), toCHeader(big, { symbol: 'net_model', section: '.rodata.condnet', source: BIG }));
  writeFileSync(join(work, 'main.c'), `#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include "model.h"
#include "model.h" /* the include guard holds */

static uint32_t crc32(const uint8_t *p, uint32_t n, uint32_t skip_at) {
  uint32_t c = 0xFFFFFFFFu;
  for (uint32_t i = 0; i < n; i++) {
    uint8_t b = (i >= skip_at && i < skip_at + 4) ? 0 : p[i];
    c ^= b;
    for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
  }
  return c ^ 0xFFFFFFFFu;
}

int main(int argc, char **argv) {
  if (argc != 2) return 3;
  if (sizeof net_model != NET_MODEL_LEN) { puts("bad size"); return 1; }
  if ((uintptr_t)net_model % 8 != 0) { puts("not 8-aligned"); return 1; }
  if (crc32(net_model, NET_MODEL_LEN, 12) != NET_MODEL_CRC32) { puts("bad CRC32"); return 1; }
  if (crc32(net_model, NET_MODEL_LEN, 0xFFFFFFFFu) != NET_MODEL_FILE_CRC32) { puts("bad FILE_CRC32"); return 1; }
  /* As the engine's host would: copy into 8-aligned RAM. */
  static uint64_t ram[(NET_MODEL_LEN + 7) / 8];
  memcpy(ram, net_model, NET_MODEL_LEN);
  FILE *f = fopen(argv[1], "wb");
  if (!f || fwrite(ram, 1, NET_MODEL_LEN, f) != NET_MODEL_LEN || fclose(f) != 0) return 2;
  printf("%lu\\n", (unsigned long)NET_MODEL_LEN);
  return 0;
}
`);
  const exe = join(work, 'check');
  const build = spawnSync(cc, ['-std=c11', '-Wall', '-Wextra', '-Werror', '-pedantic', '-O1', '-o', exe, 'main.c'], { cwd: work, encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
  const run = spawnSync(exe, [join(work, 'out.bin')], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.equal(run.stdout, `${big.length}\n`);
  assert.deepEqual(new Uint8Array(readFileSync(join(work, 'out.bin'))), big);
  // --section put the array there (objdump ships with the compiler's binutils).
  const obj = spawnSync(cc, ['-std=c11', '-c', '-o', 'main.o', 'main.c'], { cwd: work, encoding: 'utf8' });
  assert.equal(obj.status, 0, obj.stderr);
  const syms = spawnSync('objdump', ['-t', 'main.o'], { cwd: work, encoding: 'utf8' });
  assert.equal(syms.status, 0, `objdump: ${syms.error ?? syms.stderr}`);
  assert.match(syms.stdout, /\.rodata\.condnet\s+[0-9a-f]+\s+net_model\b/);
});

test('symbols, sections and base addresses: defaults and clear refusals', () => {
  assert.equal(symbolFromFileName('models/mnist-tree.cnb'), 'mnist_tree');
  assert.equal(symbolFromFileName('iris.cnb'), 'iris');
  assert.equal(symbolFromFileName('10k v2.cnb'), 'cnb_10k_v2');
  assert.equal(symbolFromFileName('int.cnb'), 'cnb_int');
  assert.equal(symbolFromFileName('_x.cnb'), 'cnb__x');
  assert.equal(symbolFromFileName('modèle.cnb'), 'mod_le');
  for (const bad of ['9lives', 'a-b', 'int', '_x', '__y', '', 'é']) {
    assert.throws(() => checkSymbol(bad), (e: Error) => e instanceof FlashExportError && e.message.startsWith(`--symbol must be a valid C identifier, got "${bad}"`), bad);
  }
  assert.throws(() => toCHeader(small, { symbol: 'ok', section: '.data"); int x; ("', source: 'a.cnb' }), /--section must be a section name/);
  assert.equal(parseBaseAddress('0x08000000'), 0x08000000);
  assert.equal(parseBaseAddress('0XFFFFFFFF'), 0xffffffff);
  assert.equal(parseBaseAddress('4096'), 4096);
  for (const bad of ['', '-1', '0x', '0x1G', '1e3', '8000000h', '0x100000000', '4294967296']) {
    assert.throws(() => parseBaseAddress(bad), (e: Error) => e instanceof FlashExportError && /^--base must be/.test(e.message), bad);
  }
});

test('an invalid blob is refused with the reader\'s error', () => {
  const bad = small.slice();
  bad[bad.length - 1] ^= 0x5a;
  assert.throws(() => toIntelHex(bad, 0), BlobError);
  assert.throws(() => toCHeader(bad, { symbol: 'm', source: 'bad.cnb' }), BlobError);
  writeFileSync(join(dir, 'bad.cnb'), bad);
  for (const format of ['c', 'ihex', 'bin']) {
    const r = cli('export', 'bad.cnb', '--format', format, '-o', `bad.${format}`);
    assert.equal(r.status, 1);
    assert.match(text(r.stderr), /^condnet: invalid model: .*checksum/i);
    assert.equal(r.stdout.length, 0);
    assert.ok(!existsSync(join(dir, `bad.${format}`)), 'nothing written');
  }
});

test('condnet export: all three formats, to files and to stdout', () => {
  const c = cli('export', BIG, '--format', 'c', '-o', 'big.h');
  assert.equal(c.status, 0, text(c.stderr));
  assert.match(text(c.stdout), /wrote big\.h \(C header, array big_model, /);
  assert.deepEqual(parseCHeader(readFileSync(join(dir, 'big.h'), 'utf8'), 'big_model').bytes, big);

  const cOut = cli('export', GOLDEN, '--format', 'c', '--symbol', 'tiny', '--section', '.rodata.model');
  assert.equal(cOut.status, 0, text(cOut.stderr));
  assert.equal(text(cOut.stdout), toCHeader(small, { symbol: 'tiny', section: '.rodata.model', source: GOLDEN }));
  assert.equal(text(cli('export', GOLDEN, '--format', 'c').stdout), toCHeader(small, { symbol: 'four_points', source: GOLDEN }));

  const h = cli('export', BIG, '--format', 'ihex', '--base', '0x0800FFF0', '-o', 'big.hex');
  assert.equal(h.status, 0, text(h.stderr));
  assert.match(text(h.stdout), /Intel HEX at 0x0800FFF0/);
  assert.equal(text(h.stderr), '', 'no note for an 8-aligned base');
  const odd = cli('export', GOLDEN, '--format', 'ihex', '--base', '0x1003');
  assert.equal(odd.status, 0);
  assert.match(text(odd.stderr), /^condnet: note: base 0x1003 is not 8-aligned/);
  assert.equal(parseIntelHex(text(odd.stdout)).start, 0x1003);
  const parsed = parseIntelHex(readFileSync(join(dir, 'big.hex'), 'utf8'));
  assert.equal(parsed.start, 0x0800fff0);
  assert.deepEqual(parsed.bytes, big);
  const hOut = cli('export', GOLDEN, '--format', 'ihex');
  assert.equal(hOut.status, 0);
  assert.deepEqual(parseIntelHex(text(hOut.stdout)), { start: 0, bytes: small, dataRecords: Math.ceil(small.length / 16), segmentRecords: [0] });

  const b = cli('export', BIG, '--format', 'bin', '-o', 'big.bin');
  assert.equal(b.status, 0, text(b.stderr));
  assert.deepEqual(new Uint8Array(readFileSync(join(dir, 'big.bin'))), big);
  const bOut = cli('export', BIG, '--format', 'bin');   // stdout is a pipe here
  assert.equal(bOut.status, 0, text(bOut.stderr));
  assert.deepEqual(new Uint8Array(bOut.stdout), big);
});

test('condnet export: bad options are usage errors (exit 2) with clear messages', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--format', 'srec'], /--format must be one of c, ihex, bin, c-lib, got "srec"/],
    [['--format', 'ihex', '--base', '0x1G'], /--base must be an address, hexadecimal \(0x08000000\) or decimal, got "0x1G"/],
    [['--format', 'ihex', '--base', '0x100000000'], /--base must be at most 0xFFFFFFFF/],
    [['--format', 'c', '--symbol', '9lives'], /--symbol must be a valid C identifier, got "9lives"/],
    [['--format', 'c', '--symbol', 'static'], /--symbol must be a valid C identifier, got "static": it is a C keyword/],
    [['--format', 'c', '--section', 'a b'], /--section must be a section name, got "a b"/],
    [['--format', 'bin', '--base', '0'], /--base applies to --format ihex, not bin/],
    [['--format', 'ihex', '--symbol', 'x'], /--symbol and --section apply to --format c, not ihex/],
    [['--format', 'c', '-o', '.'], /not a regular file/],
  ];
  for (const [args, message] of cases) {
    const r = cli('export', GOLDEN, ...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${text(r.stderr)}`);
    assert.match(text(r.stderr), message);
    assert.equal(text(r.stderr).split('\n').filter(Boolean).length, 1, 'one line');
  }
  // Past the end of the address space: a property of this blob at that base, exit 1.
  const r = cli('export', GOLDEN, '--format', 'ihex', '--base', '0xFFFFFFF0');
  assert.equal(r.status, 1);
  assert.match(text(r.stderr), /would run past 0xFFFFFFFF/);
  const missing = cli('export', 'nope.cnb', '--format', 'bin', '-o', 'nope.bin');
  assert.equal(missing.status, 1);
  assert.match(text(missing.stderr), /cannot read model nope\.cnb: ENOENT/);
});

test('condnet export --format bin refuses a terminal as stdout', () => {
  // util-linux `script` (Debian's bsdutils, essential) gives the command a pseudo-terminal.
  assert.equal(spawnSync('script', ['--version']).status, 0, 'util-linux `script` is needed for this test (Debian: bsdutils)');
  const cmd = `'${process.execPath}' '${CLI}' export '${GOLDEN}' --format bin; echo "exit=$?"`;
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', cwd: dir });
  assert.match(r.stdout, /stdout is a terminal; give -o file, or redirect stdout/);
  assert.match(r.stdout, /exit=2/);
  assert.ok(!r.stdout.includes('CNB1'), 'no bytes on the terminal');
});

test('condnet export --help shows examples of all three formats', () => {
  const r = cli('export', '--help');
  assert.equal(r.status, 0);
  assert.match(text(r.stdout), /Examples:\n {2}npx condnet export iris-tree\.cnb --format c .*\n {2}npx condnet export iris-tree\.cnb --format ihex --base 0x08040000 -o iris\.hex\n {2}npx condnet export iris-tree\.cnb --format bin -o iris\.bin/);
});
