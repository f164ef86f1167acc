// Loading the WebAssembly engine and calling it, with the plain WebAssembly API. The release
// build answers; the counting build also reports DESIGN §2's counts for the last input.
// Memory layout (see assembly/index.ts): blob at heapBase (8-aligned), inputs and outputs
// after it; memory grows on demand. One Engine holds one blob at a time.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Counter, ErrorCode, HEADER_BYTES, H_INPUT_DIM, H_SCRATCH_BYTES, MAX_SCRATCH_BYTES } from '../../assembly/format.js';
import { BlobError } from '../format/errors.js';
import type { OpCounts } from '../measure/counts.js';
import { withoutWasi } from '../compile/module.js';

export type EngineVariant = 'release' | 'counting';

export const ENGINE_FILES: Record<EngineVariant, string> = {
  release: fileURLToPath(new URL('../../../build/condnet.wasm', import.meta.url)),
  counting: fileURLToPath(new URL('../../../build/condnet-counting.wasm', import.meta.url)),
};

interface Exports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  validate(ptr: number, len: number): number;
  evaluate(input: number): number;
  evaluateBatch(input: number, count: number, out: number): number;
  counter?(which: number): number;
}

const modules = new Map<EngineVariant, WebAssembly.Module>();

/** The release engine's size budget, asserted by test/engine-budget.test.ts. Issue 4's
 *  target for `search`, `tree`, dense layers and limb programs was 4,096 bytes; that engine
 *  measured 5,326 (docs/DECISIONS.md says where the bytes go). The conditional graph (kind 5)
 *  took it to 6,502, the tree walk's fast path to 6,892 and i16 projection weights to 7,104;
 *  issue 13 held the kind table, root class and optional sections within those 7,104 bytes,
 *  which stays the budget. */
export const ENGINE_BUDGET_BYTES = 7104;

export function engineBytes(variant: EngineVariant = 'release'): Uint8Array<ArrayBuffer> {
  return new Uint8Array(readFileSync(ENGINE_FILES[variant]));
}

const align8 = (x: number) => (x + 7) & ~7;

export class Engine {
  private readonly ex: Exports;
  private blobAt = 0;
  private blobLen = 0;
  private dim = 0;
  private scratch = 0;

  constructor(readonly variant: EngineVariant = 'release', module?: WebAssembly.Module) {
    let mod = module ?? modules.get(variant);
    if (!mod) {
      mod = new WebAssembly.Module(engineBytes(variant));
      modules.set(variant, mod);
    }
    this.ex = new WebAssembly.Instance(mod, module ? withoutWasi(module) : {}).exports as unknown as Exports;
  }

  /** Make sure linear memory holds `bytes` bytes. */
  private reserve(bytes: number): void {
    const have = this.ex.memory.buffer.byteLength;
    if (bytes > have) this.ex.memory.grow(Math.ceil((bytes - have) / 65536));
  }

  /** An engine that is a compiled model (`condnet compile`): nothing to load, its inputs go
   *  at heapBase(). The module has the engine's evaluate, evaluateBatch (and, in its counting
   *  variant, counter) exports, so everything below works on it unchanged. */
  static forModule(wasm: Uint8Array, dim: number, variant: EngineVariant = 'release'): Engine {
    const engine = new Engine(variant, new WebAssembly.Module(wasm as Uint8Array<ArrayBuffer>));
    engine.blobAt = align8(engine.ex.heapBase());
    engine.blobLen = 0;
    engine.dim = dim;
    engine.scratch = 0;
    return engine;
  }

  /** Copy a blob in and validate it; returns the engine's ErrorCode (Ok = 0). */
  load(blob: Uint8Array): ErrorCode {
    this.blobAt = align8(this.ex.heapBase());
    this.blobLen = blob.length;
    // The scratch a dense network evaluates in sits right after the blob (docs/FORMAT.md);
    // room for what the header declares, capped, is made before validation checks it.
    const header = new DataView(blob.buffer, blob.byteOffset, blob.length);
    const declared = blob.length >= HEADER_BYTES ? Math.min(header.getUint32(H_SCRATCH_BYTES, true), MAX_SCRATCH_BYTES) : 0;
    this.reserve(align8(this.blobAt + blob.length) + declared);
    new Uint8Array(this.ex.memory.buffer, this.blobAt, blob.length).set(blob);
    const code = this.ex.validate(this.blobAt, blob.length);
    // Only a validated header is trusted for the input width and the scratch.
    const ok = code === ErrorCode.Ok;
    this.dim = ok ? header.getUint32(H_INPUT_DIM, true) : 0;
    this.scratch = ok ? header.getUint32(H_SCRATCH_BYTES, true) : 0;
    return code;
  }

  /** load(), throwing BlobError on a rejected blob. */
  loadOrThrow(blob: Uint8Array): void {
    const code = this.load(blob);
    if (code !== ErrorCode.Ok) throw BlobError.of(code, { what: 'rejected by the engine' });
  }

  /** Raw validate() on bytes already in memory (for tests of the API's own guards). */
  validateRaw(ptr: number, len: number): number {
    return this.ex.validate(ptr, len);
  }

  /** Raw evaluate() of whatever lies at `ptr` (for tests of the API's own guards). */
  evaluateRaw(ptr: number): number {
    return this.ex.evaluate(ptr);
  }

  /** The linear memory's size now, in bytes. */
  memoryBytes(): number {
    return this.ex.memory.buffer.byteLength;
  }

  /** Where the blob, the scratch it declares, and the inputs sit in linear memory. */
  layout(): { blob: number; scratch: number; inputs: number } {
    return { blob: this.blobAt, scratch: align8(this.blobAt + this.blobLen), inputs: this.inputAt };
  }

  private get inputAt(): number {
    return align8(this.blobAt + this.blobLen) + align8(this.scratch);
  }

  /** Class of one input (i32 × dim), or −ErrorCode (−InputLength when x holds fewer than
   *  dim values from `offset`: nothing is evaluated). */
  evaluate(x: Int32Array, offset = 0): number {
    if (!Number.isInteger(offset) || offset < 0 || x.length - offset < this.dim) return -ErrorCode.InputLength;
    const at = this.inputAt;
    this.reserve(at + 4 * this.dim);
    new Int32Array(this.ex.memory.buffer, at, this.dim).set(x.subarray(offset, offset + this.dim));
    return this.ex.evaluate(at);
  }

  /** Classes (or −ErrorCode) of `count` inputs laid out row-major in `x`; every one is
   *  −InputLength, and none is evaluated, when x holds fewer than count × dim values — or,
   *  without a count, when x is not a whole number of rows (⌈length / dim⌉ results then). */
  evaluateBatch(x: Int32Array, count = x.length / this.dim): Int32Array {
    if (!Number.isInteger(count) || count < 0 || x.length < count * this.dim) {
      return new Int32Array(Number.isFinite(count) && count > 0 ? Math.ceil(count) : 0).fill(-ErrorCode.InputLength);
    }
    this.prepareBatch(x, count)();
    return new Int32Array(this.ex.memory.buffer, this.inputAt + 4 * this.dim * count, count).slice();
  }

  /** Copy a batch in once; the runner evaluates it in place (outputs right after the inputs),
   *  so timing loops call it repeatedly without copying. */
  prepareBatch(x: Int32Array, count: number): () => number {
    const at = this.inputAt;
    const out = at + 4 * this.dim * count;
    this.reserve(out + 4 * count);
    new Int32Array(this.ex.memory.buffer, at, this.dim * count).set(x.subarray(0, this.dim * count));
    const ex = this.ex;
    return () => ex.evaluateBatch(at, count, out);
  }

  /** Counts of the last evaluated input (counting build only). */
  counts(): OpCounts {
    const c = this.ex.counter;
    if (!c) throw new Error('counts() needs the counting engine');
    return { mul: c(Counter.Mul), add: c(Counter.Add), cmp: c(Counter.Cmp), wordOps: c(Counter.WordOps), loads: c(Counter.Loads) };
  }

  /** Lowest and highest blob-relative byte read by the last evaluation (counting build). */
  touched(): { low: number; high: number } {
    const c = this.ex.counter;
    if (!c) throw new Error('touched() needs the counting engine');
    return { low: c(Counter.LowAddr) - this.blobAt, high: c(Counter.HighAddr) - this.blobAt };
  }
}
