// Bytes in, a chunk at a time: a file, standard input or text already in memory, read in
// READ_CHUNK_BYTES pieces, so a reader holds one chunk and the line it is in, never a whole
// file (limits.ts says how long that line may grow). Reading stays synchronous, as loading a
// dataset is: every command and test calls loadDataset without awaiting it.

import { closeSync, openSync, readSync } from 'node:fs';
import { READ_CHUNK_BYTES } from './limits.js';

/** What the readers take: text or bytes already in memory, or chunks of bytes as they come. */
export type TextInput = string | Uint8Array | Iterable<Uint8Array>;

/** The input as chunks of at most READ_CHUNK_BYTES (views, for input already in memory). */
export function* chunksOf(input: TextInput): Generator<Buffer> {
  if (typeof input === 'string' || input instanceof Uint8Array) {
    const all = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    for (let at = 0; at < all.length; at += READ_CHUNK_BYTES) yield all.subarray(at, at + READ_CHUNK_BYTES);
    return;
  }
  for (const c of input) yield Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** The chunks of an open file descriptor (0: standard input), each a fresh buffer (a reader may
 *  keep a view of one). `fail` turns an I/O error into the caller's message. */
export function* descriptorChunks(fd: number, fail: (e: NodeJS.ErrnoException) => Error, close = false): Generator<Buffer> {
  try {
    for (;;) {
      const buf = Buffer.allocUnsafe(READ_CHUNK_BYTES);
      let got: number;
      try {
        got = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        // A non-blocking pipe on standard input has nothing yet: wait a millisecond, not a spin.
        if (err.code === 'EAGAIN') {
          Atomics.wait(pause, 0, 0, 1);
          continue;
        }
        if (err.code === 'EOF') return;
        throw fail(err);
      }
      if (got === 0) return;
      yield buf.subarray(0, got);
    }
  } finally {
    if (close) closeSync(fd);
  }
}

/** The chunks of a file; opened now, so a missing file fails before any reading starts. */
export function fileChunks(path: string, fail: (e: NodeJS.ErrnoException) => Error): Generator<Buffer> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw fail(e as NodeJS.ErrnoException);
  }
  return descriptorChunks(fd, fail, true);
}
