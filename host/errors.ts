// The one base of every error a user can act on (a bad file, option, model or dataset), so a
// front end tells them from bugs with one `instanceof CondnetError`: those print their line
// and exit with `exitCode`; anything else is unexpected (a programmer error such as a
// RangeError) and says so. Each part of the library keeps its own subclass beside its code.

export class CondnetError extends Error {
  /** The process exit status when this error ends a command: 1, or 2 for a usage error (a bad
   *  option value, an output path that is not a regular file). */
  readonly exitCode: number;

  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CondnetError';
    this.exitCode = exitCode;
  }

  /** The line a user reads: the message, led by what it concerns where the message alone does
   *  not say (a blob's messages name only the fault, so the CLI prints "invalid model: …"). */
  get userMessage(): string {
    return this.message;
  }
}
