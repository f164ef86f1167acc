// A compiled model as a file: a WebAssembly module carrying the blob it was compiled from in a
// custom section, `condnet.blob`, so the host reads the model's classes, scale and domain from
// the module alone (runtimes ignore custom sections). Kept apart from compile.ts so that
// opening a model never loads the compiler.

import { CondnetError } from '../errors.js';

export const BLOB_SECTION = 'condnet.blob';

/** What every compiled model exports, as the engine does (its counting variant adds counter). */
const MODEL_EXPORTS = ['memory', 'heapBase', 'evaluate', 'evaluateBatch'];
const WASI_MODULE = 'wasi_snapshot_preview1';

/** Imports for instantiating a compiled model outside WASI: its WASI functions, if any, fail
 *  loudly (only _start calls them). */
export function withoutWasi(mod: WebAssembly.Module): WebAssembly.Imports {
  const fns: Record<string, () => never> = {};
  for (const i of WebAssembly.Module.imports(mod)) {
    fns[i.name] = () => {
      throw new CompileError(`${i.name}: a compiled WASI command does I/O only when run as one (condnet wasi)`);
    };
  }
  return Object.keys(fns).length ? { [WASI_MODULE]: fns } : {};
}

export class CompileError extends CondnetError {
  constructor(message: string) {
    super(`compile: ${message}`);
    this.name = 'CompileError';
  }
}

/** A wasm custom section: id 0, its size, the name, the payload (LEB128 lengths). */
function customSection(name: string, payload: Uint8Array): Uint8Array {
  const leb = (n: number) => {
    const out: number[] = [];
    do {
      let b = n & 0x7f;
      n = Math.floor(n / 128);
      if (n) b |= 0x80;
      out.push(b);
    } while (n);
    return out;
  };
  const nameBytes = new TextEncoder().encode(name);
  const body = [...leb(nameBytes.length), ...nameBytes];
  const size = body.length + payload.length;
  const head = Uint8Array.from([0, ...leb(size), ...body]);
  const out = new Uint8Array(head.length + payload.length);
  out.set(head);
  out.set(payload, head.length);
  return out;
}

/** The module with the blob appended as its `condnet.blob` section. */
export function withBlobSection(wasm: Uint8Array, blob: Uint8Array): Uint8Array {
  const section = customSection(BLOB_SECTION, blob);
  const out = new Uint8Array(wasm.length + section.length);
  out.set(wasm);
  out.set(section, wasm.length);
  return out;
}

/** Is `bytes` a WebAssembly module (a compiled model), rather than a blob? */
export function isWasm(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d;
}

/** The blob a compiled model carries (its custom section). */
export function blobOfModule(wasm: Uint8Array, name = 'the module'): Uint8Array {
  let mod: WebAssembly.Module;
  try {
    mod = new WebAssembly.Module(wasm as Uint8Array<ArrayBuffer>);
  } catch (e) {
    throw new CompileError(`${name} is not a valid WebAssembly module (${(e as Error).message})`);
  }
  const sections = WebAssembly.Module.customSections(mod, BLOB_SECTION);
  if (sections.length !== 1) throw new CompileError(`${name} holds no ${BLOB_SECTION} section: not a model compiled by condnet`);
  // A compiled model imports nothing, or (a WASI command) only WASI's functions, which its
  // entry points other than _start never call.
  const bad = WebAssembly.Module.imports(mod).find((i) => i.module !== WASI_MODULE || i.kind !== 'function');
  if (bad) throw new CompileError(`${name} imports ${bad.module}.${bad.name}: a compiled model imports nothing but WASI's functions`);
  const exported = new Set(WebAssembly.Module.exports(mod).map((e) => e.name));
  const missing = MODEL_EXPORTS.find((e) => !exported.has(e));
  if (missing) throw new CompileError(`${name} does not export ${missing}: not a model compiled by condnet`);
  return new Uint8Array(sections[0]);
}
