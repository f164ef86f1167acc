// `condnet compile`: a model as its own WebAssembly module (docs/COMPILE.md). The source comes
// from generate.ts; asc (AssemblyScript, the engine's own compiler, with the engine's flags)
// turns it into wasm, reusing the engine's code for what is not generated (counters, dense
// layers, limbs, graphs). The original blob travels in a custom section, `condnet.blob`, so the
// host reads the model's classes, scale and domain from the module alone; runtimes ignore it.

import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Network } from '../network.js';
import { GENERATED_PATH, generateSource, type GenerateOptions } from './generate.js';
import { CompileError, withBlobSection } from './module.js';

/** The package root, where asconfig.json and assembly/ are. */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

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
  // asc (and binaryen, megabytes of it) loads only when a model is compiled, not with every
  // command that opens one.
  const { main } = await import('assemblyscript/asc');
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
  return { wasm: withBlobSection(wasm, blob), network, source };
}
