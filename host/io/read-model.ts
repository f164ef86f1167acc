// A model file's bytes, with an error that names the file (the reader's errors name only the
// fault inside it).

import { readFileSync } from 'node:fs';
import { CondnetError } from '../errors.js';

export function readModel(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new CondnetError(`cannot read model ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
