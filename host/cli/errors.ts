// What the CLI prints when something goes wrong: one line, no stack (CONDNET_DEBUG=1 adds it).

import { CondnetError } from '../errors.js';

/** A usage or state problem the user can fix (bad option value, missing file). */
export class CliError extends CondnetError {
  constructor(message: string, exitCode = 1) {
    super(message, exitCode);
    this.name = 'CliError';
  }
}

/** Print `e` for the user; returns the exit code. Every user-facing error of the library is a
 *  CondnetError, so anything else is a bug and is labelled as one. */
export function reportError(e: unknown): number {
  const err = e instanceof Error ? e : new Error(String(e));
  const known = err instanceof CondnetError;
  process.stderr.write(`condnet: ${known ? err.userMessage : err.message}\n`);
  if (process.env.CONDNET_DEBUG && err.stack) process.stderr.write(err.stack + '\n');
  else if (!known) process.stderr.write('(unexpected error; set CONDNET_DEBUG=1 for details)\n');
  return known ? err.exitCode : 1;
}
