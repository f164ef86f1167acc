// What the CLI prints when something goes wrong: one line, no stack (CONDNET_DEBUG=1 adds it).

import { DataError, DatasetError } from '../data/errors.js';
import { BlobError, FieldRangeError } from '../format/errors.js';
import { NetworkImportError } from '../import/float-network.js';
import { OutputPathError } from '../io/atomic-write.js';
import { PullError } from '../net/pull.js';

/** A usage or state problem the user can fix (bad option value, missing file). */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}

export function reportError(e: unknown): number {
  const err = e instanceof Error ? e : new Error(String(e));
  const known = err instanceof CliError || err instanceof DataError || err instanceof DatasetError
    || err instanceof BlobError || err instanceof FieldRangeError || err instanceof NetworkImportError
    || err instanceof OutputPathError || err instanceof PullError;
  const prefix = err instanceof BlobError ? 'invalid model: ' : '';
  process.stderr.write(`condnet: ${prefix}${err.message}\n`);
  if (process.env.CONDNET_DEBUG && err.stack) process.stderr.write(err.stack + '\n');
  else if (!known) process.stderr.write('(unexpected error; set CONDNET_DEBUG=1 for details)\n');
  return err instanceof CliError ? err.exitCode : err instanceof OutputPathError ? 2 : 1;
}
