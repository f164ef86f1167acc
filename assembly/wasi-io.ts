// The WASI command modules' I/O (docs/WASI.md): arguments, files read whole, integer rows
// parsed and each row's label printed, messages and exit codes. Shared by the engine's command
// (assembly/wasi.ts, which reads a blob first) and a compiled model's (`condnet compile --wasi`,
// host/compile/generate.ts, whose model is built in). Nothing is allocated: a bump layout over
// linear memory, grown on demand.
//
// Exit codes: 0 ok; 1 a row refused (not integers, not d of them: 36 InputLength, or the
// engine's −ErrorCode), stopping there, with file and line named; 2 the blob refused (ErrorCode
// number and name); 3 I/O or usage.
//
// Imports only wasi_snapshot_preview1, declared here: AssemblyScript's own WASI bindings pull
// in strings and a runtime, and the release module is kept small (docs/WASI.md, "Size").
// Files are opened relative to the preopened directories, tried in order (the first that
// opens the path wins); a leading "/" is dropped, so absolute paths need the root preopened.

import * as counters from "./counters";
import { COUNTING } from "./counters";
import { ErrorCode } from "./format";

// ---- wasi_snapshot_preview1 (each returns an errno, 0 = success) ----
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "args_sizes_get") declare function args_sizes_get(argc: usize, bufBytes: usize): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "args_get") declare function args_get(argv: usize, buf: usize): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_read") declare function fd_read(fd: u32, iovs: usize, iovsLen: usize, nread: usize): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_write") declare function fd_write(fd: u32, iovs: usize, iovsLen: usize, nwritten: usize): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "path_open")
declare function path_open(dirfd: u32, dirflags: u32, path: usize, pathLen: usize, oflags: u32,
  rightsBase: u64, rightsInheriting: u64, fdflags: u32, fd: usize): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "proc_exit") declare function proc_exit(code: u32): void;

export const EXIT_ROW: u32 = 1;
export const EXIT_BLOB: u32 = 2;
export const EXIT_IO: u32 = 3;

// ---- texts: ASCII, each ended by a 0 byte, as bytes (a string literal would be UTF-16 with a
// header: twice the bytes). Entry k is the k-th; entries 0…36 are the ErrorCode names
// (assembly/format.ts), "" where no code exists. test/wasi.test.ts checks these bytes against
// this list ('|' ends each entry):
// TEXT: |Truncated|BadMagic|UnsupportedVersion|BadHeader|LengthMismatch|BadChecksum|BadKind|UnsupportedKind|OverLimit|BadSection|UnsupportedSection|MissingSection|BadDomain|BadLabels|BadWeight|BadLeaf|BadDepth|KeyRange|BadNode|BadLayer|BadInstruction|BadScratch||||||||||||InputOutOfDomain|OutputOutOfRange|InputLength|<stdin>|condnet-wasi: |refused: error |not an i32: field |invalid model: error |cannot open: errno |cannot read: errno |out of memory|usage: condnet-wasi model.cnb [rows ...]|
// (NotValidated and OutOfMemory cannot come from a row here: their names are left out.)
const T_STDIN: u32 = 37;
const T_PREFIX: u32 = 38;
const T_REFUSED: u32 = 39; // exit 1 up to T_MODEL, 2 for it, 3 past it
const T_NOT_I32: u32 = 40;
export const T_MODEL: u32 = 41;
const T_OPEN: u32 = 42;
const T_READ: u32 = 43;
const T_MEMORY: u32 = 44;
export const T_USAGE: u32 = 45;
const TEXT: usize = memory.data<u8>([
  // BEGIN TEXT (the TEXT line above as bytes: test/wasi.test.ts prints them when they differ)
  0,84,114,117,110,99,97,116,101,100,0,66,97,100,77,97,103,105,99,0,85,110,115,117,112,112,111,114,
  116,101,100,86,101,114,115,105,111,110,0,66,97,100,72,101,97,100,101,114,0,76,101,110,103,116,104,
  77,105,115,109,97,116,99,104,0,66,97,100,67,104,101,99,107,115,117,109,0,66,97,100,75,105,110,100,
  0,85,110,115,117,112,112,111,114,116,101,100,75,105,110,100,0,79,118,101,114,76,105,109,105,116,0,
  66,97,100,83,101,99,116,105,111,110,0,85,110,115,117,112,112,111,114,116,101,100,83,101,99,116,105,
  111,110,0,77,105,115,115,105,110,103,83,101,99,116,105,111,110,0,66,97,100,68,111,109,97,105,110,0,
  66,97,100,76,97,98,101,108,115,0,66,97,100,87,101,105,103,104,116,0,66,97,100,76,101,97,102,0,66,
  97,100,68,101,112,116,104,0,75,101,121,82,97,110,103,101,0,66,97,100,78,111,100,101,0,66,97,100,76,
  97,121,101,114,0,66,97,100,73,110,115,116,114,117,99,116,105,111,110,0,66,97,100,83,99,114,97,116,
  99,104,0,0,0,0,0,0,0,0,0,0,0,0,73,110,112,117,116,79,117,116,79,102,68,111,109,97,105,110,0,79,117,
  116,112,117,116,79,117,116,79,102,82,97,110,103,101,0,73,110,112,117,116,76,101,110,103,116,104,0,
  60,115,116,100,105,110,62,0,99,111,110,100,110,101,116,45,119,97,115,105,58,32,0,114,101,102,117,
  115,101,100,58,32,101,114,114,111,114,32,0,110,111,116,32,97,110,32,105,51,50,58,32,102,105,101,
  108,100,32,0,105,110,118,97,108,105,100,32,109,111,100,101,108,58,32,101,114,114,111,114,32,0,99,
  97,110,110,111,116,32,111,112,101,110,58,32,101,114,114,110,111,32,0,99,97,110,110,111,116,32,114,
  101,97,100,58,32,101,114,114,110,111,32,0,111,117,116,32,111,102,32,109,101,109,111,114,121,0,117,
  115,97,103,101,58,32,99,111,110,100,110,101,116,45,119,97,115,105,32,109,111,100,101,108,46,99,110,
  98,32,91,114,111,119,115,32,46,46,46,93,0,
  // END TEXT
], 1);

// Scratch words for WASI results (an iovec, a count, an fd), the digits of a number, and the
// output buffer.
const W: usize = memory.data(32);
const OUT_CAP: usize = 1024;
const OUT: usize = memory.data(<i32>OUT_CAP);
let outLen: usize = 0;
let outFd: u32 = 1;

// ---- output: one buffer, for stdout, or for stderr once a message starts ----

export function flush(): void {
  let p = OUT;
  let n = outLen;
  outLen = 0;
  while (n) {
    store<u32>(W, <u32>p);
    store<u32>(W + 4, <u32>n);
    const errno = fd_write(outFd, W, 1, W + 8);
    if (errno == 6) continue; // EAGAIN: a non-blocking pipe is full
    if (errno) exit(EXIT_IO);
    const w = <usize>load<u32>(W + 8);
    p += w;
    n -= w;
  }
}

function exit(code: u32): void {
  proc_exit(code);
  unreachable();
}

function putByte(b: u32): void {
  if (outLen == OUT_CAP) flush();
  store<u8>(OUT + outLen++, <u8>b);
}

function putBytes(p: usize, n: usize): void {
  for (let i: usize = 0; i < n; i++) putByte(<u32>load<u8>(p + i));
}

/** Text entry k. */
function say(k: u32): void {
  let p = TEXT;
  for (; k; p++) if (!load<u8>(p)) k--;
  for (; load<u8>(p); p++) putByte(<u32>load<u8>(p));
}

function putNumber(v: u64): void {
  let p = W + 32;
  do {
    store<u8>(--p, <u8>(v % 10) + 0x30);
    v /= 10;
  } while (v);
  putBytes(p, W + 32 - p);
}

export const NONE = u64.MAX_VALUE;

/** A message on stderr (stdout's buffer goes out first), then exit: "condnet-wasi: ", for
 *  i ≥ 0 the name of argument i (0: stdin) with ":line" for line > 0 and ": ", text k, the
 *  number n (unless NONE) and its ErrorCode name after T_REFUSED and T_MODEL. The exit code
 *  follows from k: 1 a row, 2 the model, 3 I/O or usage. */
export function die(k: u32, n: u64, i: i32, line: u32): void {
  flush();
  outFd = 2;
  say(T_PREFIX);
  if (i >= 0) {
    if (i) putBytes(arg(i), argLen(i));
    else say(T_STDIN);
    if (line) {
      putByte(0x3a);
      putNumber(line);
    }
    putByte(0x3a);
    putByte(0x20);
  }
  say(k);
  if (n != NONE) putNumber(n);
  if (k == T_MODEL || k == T_REFUSED) {
    putByte(0x20);
    putByte(0x28);
    say(<u32>n);
    putByte(0x29);
  }
  putByte(10);
  flush();
  exit(k < T_MODEL ? EXIT_ROW : k == T_MODEL ? EXIT_BLOB : EXIT_IO);
}

// ---- memory ----

export function ensure(end: usize): void {
  const have = <usize>memory.size() << 16;
  if (end > have && memory.grow(<i32>((end - have + 0xffff) >>> 16)) < 0) die(T_MEMORY, NONE, -1, 0);
}

// @ts-ignore: decorator
@inline export function align8(p: usize): usize { return (p + 7) & ~<usize>7; }

// ---- arguments and files ----

let argv: usize = 0;
let argc: i32 = 0;

export function arg(i: i32): usize { return <usize>load<u32>(argv + (<usize>i << 2)); }

export function argLen(i: i32): usize {
  const p = arg(i);
  let n: usize = 0;
  while (load<u8>(p + n)) n++;
  return n;
}

/** Read argument i's file (i = 0: stdin) to its end at `at`, growing memory; returns its
 *  length. A file opens in the first preopened directory (fds 3, 4, … up to EBADF) that opens
 *  its path, a leading "/" dropped. Exits 3 naming the file and the errno otherwise. */
export function slurp(i: i32, at: usize): usize {
  let fd: u32 = 0;
  let errno: u32 = 0;
  if (i) {
    let p = arg(i);
    let len = argLen(i);
    while (len > 1 && load<u8>(p) == 0x2f) { p++; len--; }
    for (fd = 3; ; fd++) {
      const e = <u32>path_open(fd, 1, p, len, 0, 2 /* rights: fd_read */, 0, 0, W);
      if (!e) break;
      if (!errno) errno = e;
      if (e == 8) die(T_OPEN, errno, i, 0); // EBADF: past the last preopened directory
    }
    fd = load<u32>(W);
  }
  let n: usize = 0;
  do {
    ensure(at + n + 0x10000);
    store<u32>(W, <u32>(at + n));
    store<u32>(W + 4, <u32>((<usize>memory.size() << 16) - at - n));
    errno = fd_read(fd, W, 1, W + 8);
    if (errno) die(T_READ, errno, i, 0);
    n += <usize>load<u32>(W + 8);
  } while (load<u32>(W + 8));
  return n;
}

// ---- rows ----
// A reader the caller drives, so that its own evaluate() is a direct call:
//   openRows(first, d, row); while (nextRow()) printRow(evaluate(row), labels, classes);

// @ts-ignore: decorator
@inline function separator(c: u32): bool { return c == 0x20 || c == 0x2c || c == 9 || c == 13; }

let dim: usize = 0;
let rowAt: usize = 0;
let textAt: usize = 0;
let nextFile: i32 = 0;
let opened = false;
let fileArg: i32 = 0; // the argument being read (0: stdin)
let cursor: usize = 0;
let limit: usize = 0;
let line: u32 = 0;

/** Rows from each argument from `first` on ("-": stdin), or stdin when there is none, each read
 *  whole to the text after the d i32 of the row at `row`. */
export function openRows(first: i32, d: usize, row: usize): void {
  dim = d;
  rowAt = row;
  textAt = row + (d << 2);
  nextFile = first;
  opened = false;
  cursor = limit = 0;
}

/** The next row parsed into the row: false when every file is done. A field that is not an
 *  i32 or a row not of d values exits 1 naming file and line; blank and '#' lines are skipped.
 *  Inlined: each module calls it once. */
// @ts-ignore: decorator
@inline export function nextRow(): bool {
  const d = dim;
  const row = rowAt;
  for (;;) {
    if (cursor >= limit) {
      if (opened && nextFile >= argc) return false;
      opened = true;
      const i = nextFile++;
      fileArg = i < argc && !(argLen(i) == 1 && load<u8>(arg(i)) == 0x2d) ? i : 0;
      cursor = textAt;
      limit = textAt + slurp(fileArg, textAt);
      store<u8>(limit, 10); // the byte after the text is free: a newline ends the last line
      line = 0;
      continue;
    }
    let at = cursor;
    line++;
    let k: usize = 0;
    let c: u32;
    while ((c = <u32>load<u8>(at)) != 10) {
      if (c == 0x23) { // '#': a comment to the end of the line
        while (load<u8>(at + 1) != 10) at++;
      } else if (!separator(c)) {
        const neg = c == 0x2d;
        if (neg || c == 0x2b) at++;
        const first = at;
        let v: u32 = 0; // saturates past 2^31 + 9
        while ((c = <u32>load<u8>(at) - 0x30) <= 9) {
          v = v > 214748364 ? 0x80000009 : v * 10 + c;
          at++;
        }
        c += 0x30;
        if (at == first || c != 10 && !separator(c) || v > 0x7fffffff + <u32>neg) die(T_NOT_I32, k + 1, fileArg, line);
        if (k < d) store<i32>(row + (k << 2), neg ? -<i32>v : <i32>v);
        k++;
        continue;
      }
      at++;
    }
    cursor = at + 1; // past the newline
    if (!k) continue; // a blank or comment line
    if (k != d) die(T_REFUSED, ErrorCode.InputLength, fileArg, line); // not d values: nothing evaluated
    return true;
  }
}

/** The row's result `r` (a class, or −ErrorCode: exit 1 naming file and line): its label from
 *  the labels section at `labels` (offsets, then the texts, DESIGN §3), and in the counting
 *  build the counts. */
// @ts-ignore: decorator
@inline export function printRow(r: i32, labels: usize, classes: usize): void {
  if (r < 0) die(T_REFUSED, -r, fileArg, line);
  const start = r ? load<u32>(labels + (<usize>(r - 1) << 2)) : 0;
  putBytes(labels + (classes << 2) + start, load<u32>(labels + (<usize>r << 2)) - start);
  if (COUNTING) {
    putByte(9);
    putNumber(counters.mul);
    putByte(0x20);
    putNumber(counters.add);
    putByte(0x20);
    putNumber(counters.cmp);
    putByte(0x20);
    putNumber(counters.wordOps);
    putByte(0x20);
    putNumber(counters.loads);
  }
  putByte(10);
}

/** The arguments, read to the first free byte after the static data; returns the first byte
 *  after them. (Neither call can fail with the buffers sized by the first.) */
export function readArgs(): usize {
  argv = align8(__heap_base);
  args_sizes_get(W, W + 4);
  argc = <i32>load<u32>(W);
  const end = argv + (<usize>argc << 2) + load<u32>(W + 4);
  ensure(end);
  args_get(argv, argv + (<usize>argc << 2));
  return end;
}

/** How many arguments there are (the program's name is argument 0). */
export function argCount(): i32 { return argc; }
