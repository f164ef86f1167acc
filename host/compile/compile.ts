// `condnet compile`: a model as its own WebAssembly module (docs/COMPILE.md). The source comes
// from generate.ts; asc (AssemblyScript, the engine's own compiler, with the engine's flags)
// turns it into wasm, reusing the engine's code for what is not generated (counters, dense
// layers, limbs, graphs). The original blob travels in a custom section, `condnet.blob`, so the
// host reads the model's classes, scale and domain from the module alone; runtimes ignore it.

import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from 'assemblyscript/asc';
import { CondnetError } from '../errors.js';
import type { Network } from '../network.js';
import { GENERATED_PATH, generateSource, type GenerateOptions } from './generate.js';

/** The package root, where asconfig.json and assembly/ are. */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export const BLOB_SECTION = 'condnet.blob';

export class CompileError extends CondnetError {
  constructor(message: string) {
    super(`compile: ${message}`);
    this.name = 'CompileError';
  }
}

export interface CompileOptions extends GenerateOptions {
  /** The counting variant: the engine's DESIGN §2 counts for every input, through `counter`. */
  counting?: boolean;
}

export interface Compiled {
  wasm: Uint8Array;
  network: Network;
  /** The generated AssemblyScript, for reading. */
  source: string;
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

/** Pages the module's static data needs (the tables, the scratch), with one to spare: asc
 *  refuses a module whose data passes its initial memory. */
function initialPages(blob: Uint8Array): number {
  const scratch = new DataView(blob.buffer, blob.byteOffset, blob.length).getUint32(32, true);
  return Math.ceil((blob.length + scratch) / 65536) + 1;
}

export async function compileModel(blob: Uint8Array, opts: CompileOptions = {}): Promise<Compiled> {
  const { source, network, kinds } = generateSource(blob, opts);
  let wasm: Uint8Array | undefined;
  let errors = '';
  const r = await main([
    GENERATED_PATH, '--baseDir', PACKAGE_ROOT, '--outFile', 'model.wasm',
    '--runtime', 'stub', '--use', 'abort=', '--memoryBase', '8', '--initialMemory', String(initialPages(blob)), '--noAssert', '-O3', '--shrinkLevel', '1',
    '--use', `CONDNET_KINDS=${kinds}`, ...(opts.counting ? ['--use', 'CONDNET_COUNTING=1'] : []),
  ], {
    readFile: (name, baseDir) => {
      const path = resolve(baseDir, name);
      if (path === join(PACKAGE_ROOT, GENERATED_PATH)) return source;
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return null;
      }
    },
    writeFile: (name, contents) => {
      if (name.endsWith('model.wasm') && typeof contents !== 'string') wasm = contents;
    },
    listFiles: () => [],
    stderr: { write: (s: string | Uint8Array) => { errors += typeof s === 'string' ? s : new TextDecoder().decode(s); return true; } } as never,
    stdout: { write: () => true } as never,
  });
  if (r.error || !wasm) throw new CompileError(`asc failed on the generated source: ${r.error?.message ?? 'no output'}\n${errors}`);
  const section = customSection(BLOB_SECTION, blob);
  const out = new Uint8Array(wasm.length + section.length);
  out.set(wasm);
  out.set(section, wasm.length);
  return { wasm: out, network, source };
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
  return new Uint8Array(sections[0]);
}
