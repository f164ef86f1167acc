// A model file as every command takes it: a blob (.cnb) or a compiled model (`condnet compile`,
// a WebAssembly module that carries its blob in a custom section). Either way the host reads
// the network from the blob; the answers come from the engine with the blob loaded, or from
// the compiled module itself. Counts come from the counting engine on the blob, which a
// compiled model's counting variant matches input for input (test/compile.test.ts).

import { blobOfModule, isWasm } from '../compile/module.js';
import { readBlob, type SectionInfo } from '../format/reader.js';
import type { Network } from '../network.js';
import { Engine } from './engine.js';

export interface OpenedModel {
  /** The file's bytes (a blob, or a module). */
  bytes: Uint8Array;
  /** The blob: the file itself, or the one a compiled model carries. */
  blob: Uint8Array;
  network: Network;
  sections: SectionInfo[];
  compiled: boolean;
  /** What answers: the release engine with the blob loaded, or the compiled module. */
  release(): Engine;
  /** The counting engine with the blob loaded. */
  counting(): Engine;
}

/** What the commands' library functions take: a blob's bytes, or a model already opened. */
export type ModelInput = Uint8Array | OpenedModel;

export function asModel(model: ModelInput, name?: string): OpenedModel {
  return model instanceof Uint8Array ? openModel(model, name) : model;
}

export function openModel(bytes: Uint8Array, name = 'the model'): OpenedModel {
  const compiled = isWasm(bytes);
  const blob = compiled ? blobOfModule(bytes, name) : bytes;
  const { network, sections } = readBlob(blob);
  const loaded = (variant: 'release' | 'counting') => {
    const e = new Engine(variant);
    e.loadOrThrow(blob);
    return e;
  };
  return {
    bytes, blob, network, sections, compiled,
    release: () => (compiled ? Engine.forModule(bytes, network.dim) : loaded('release')),
    counting: () => loaded('counting'),
  };
}
