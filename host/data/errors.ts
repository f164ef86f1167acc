// Bad data is reported where it is: file, line and column, in one line a user can act on.

import { CondnetError } from '../errors.js';

export class DataError extends CondnetError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}:${column}: ${reason}`);
    this.name = 'DataError';
  }
}

/** A problem with a dataset as a whole (no single cell to point at). */
export class DatasetError extends CondnetError {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetError';
  }
}
