// A model file's bytes (a blob or a compiled model), with an error that names the file (the reader's errors name only the
// fault inside it).

import { readFileSync } from 'node:fs';
import { CondnetError } from '../errors.js';
import { openModel, type OpenedModel } from '../engine/model.js';

export function readModel(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new CondnetError(`cannot read model ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** A model file opened: a blob, or a compiled model (its blob read from the module). */
export function openModelFile(path: string): OpenedModel {
  return openModel(readModel(path), path);
}
