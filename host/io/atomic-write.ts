// Every file condnet writes goes through here: a temporary file in the same folder, fsync,
// then rename over the target. A crash or an error leaves the old file or the new one, never
// half of one.

import { closeSync, fsyncSync, lstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CondnetError } from '../errors.js';

/** An output path the rename would misuse: a symbolic link (such as /dev/stdout, which the
 *  rename would replace with a file), a device or a folder. A usage error: exit 2. */
export class OutputPathError extends CondnetError {
  constructor(path: string) {
    super(`${path}: not a regular file (a link, device or folder); give the path of the file to write`, 2);
    this.name = 'OutputPathError';
  }
}

/** Refuse an output path that exists and is not a regular file; commands call it before
 *  their long work, and every write checks it again. */
export function checkOutputPath(path: string): void {
  const target = lstatSync(path, { throwIfNoEntry: false });
  if (target && !target.isFile()) throw new OutputPathError(path);
}

export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  checkOutputPath(path);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', 0o644);
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
}
