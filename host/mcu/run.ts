// A model on an emulated Cortex-M4 (docs/MCU.md), for `condnet mcu`, the MCU suite and its
// bench. The engine goes through wasm2c and arm-none-eabi-gcc into a bare-metal firmware
// (mcu/build.sh) with the model as a const array in flash; QEMU's mps2-an386 runs it with
// semihosting (mcu/run.sh), the inputs streamed from a host file, and the project's TCG plugin
// (mcu/insn-plugin.c) counts the instructions of every evaluate() call. Outputs are checked
// against the engine in Node; with `counting`, the counting build's per-input counts too.
// Reports flash, RAM and instructions per inference.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dataset } from '../data/dataset.js';
import { sliceDataset } from '../data/dataset.js';
import { quantize } from '../data/quantize.js';
import { Engine } from '../engine/engine.js';
import { countsText } from '../measure/counts.js';
import { CondnetError } from '../errors.js';
import { readBlob } from '../format/reader.js';
import { readModel } from '../io/read-model.js';
import { compileModel } from '../compile/compile.js';
import { openModel } from '../engine/model.js';
import type { McuEnergy } from './energy.js';

export const MCU_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const MCU_OPTS = ['Os', 'O2', 'O3'] as const;
export type McuOpt = (typeof MCU_OPTS)[number];

export interface McuOptions {
  /** arm-none-eabi-gcc optimization (default Os). */
  opt?: McuOpt;
  /** Also build the counting engine and compare its per-input counts with Node's. */
  counting?: boolean;
  /** Only the first `limit` inputs of the dataset. */
  limit?: number;
  /** Where firmware and files go (default build/mcu/<model>-<opt>). */
  workDir?: string;
  /** QEMU time limit per run, seconds (default 1800). */
  timeoutSeconds?: number;
  /** Run the model compiled to its own module instead of the engine: the modules' paths
   *  (compileForDevice writes them). */
  compiled?: CompiledForDevice;
}

/** A model compiled for the device: its release module and, for --counting, its counting one. */
export interface CompiledForDevice {
  release: string;
  counting?: string;
}

/** Compile a model for the device (host/compile): one input after heapBase is all its memory,
 *  a constant the C compiler sees (docs/COMPILE.md). Writes `model.wasm` (and
 *  `model-counting.wasm`) into `dir`. */
export async function compileForDevice(blob: Uint8Array, dir: string, counting: boolean): Promise<CompiledForDevice> {
  const { network } = readBlob(blob);
  mkdirSync(dir, { recursive: true });
  const one = async (c: boolean, name: string) => {
    const { wasm } = await compileModel(blob, { counting: c, deviceInputBytes: 4 * network.dim });
    const path = join(dir, name);
    writeFileSync(path, wasm);
    return path;
  };
  return { release: await one(false, 'model.wasm'), ...(counting ? { counting: await one(true, 'model-counting.wasm') } : {}) };
}

export interface McuSizes {
  /** .isr_vector + .text + .ARM.exidx */
  text: number;
  rodata: number;
  data: number;
  bss: number;
  /** The static buffer behind the wasm linear memory: the bytes the model uses (blob, scratch,
   *  one input), not whole 64 KiB pages. */
  wasmMemory: number;
  stack: number;
  /** The model array in flash. */
  modelBytes: number;
  /** text + rodata + data (the flash image). */
  flash: number;
  /** flash minus the model array. */
  flashWithoutModel: number;
  /** data + bss + wasm memory + stack. */
  ram: number;
  /** Stack bytes the run used at most (the firmware paints its stack), release build. */
  stackUsed: number;
  /** Bytes of linear memory (= wasmMemory). */
  memoryBytes: number;
  /** Stack the firmware reserves: the measured high-water mark plus STACK_MARGIN. */
}

export interface Mismatch {
  input: number;
  expected: string;
  actual: string;
}

export interface McuReport {
  model: string;
  dataset: string;
  kind: string;
  inputs: number;
  target: string;
  opt: McuOpt;
  outputs: { match: number; total: number; mismatches: Mismatch[] };
  /** Instructions per evaluate() call (the call and its argument setup included), after
   *  subtracting the empty begin/end pair's count. */
  instructions: { mean: number; min: number; max: number; calibration: number; perInput: number[] };
  sizes: McuSizes;
  /** What ran on the device: the engine with the blob (`interpreter`), or the model compiled
   *  to its own module (`compiled`, docs/COMPILE.md). */
  runs: 'interpreter' | 'compiled';
  counting?: { match: number; total: number; mismatches: Mismatch[] };
  seconds: { build: number; run: number };
  /** SHA-256 (hex) of the model file; added by `condnet mcu` (host/mcu/energy.ts), so a saved
   *  `--json` names what it measured for `measure --mcu` and `report --mcu`. */
  modelSha256?: string;
  /** Energy per inference (docs/ENERGY.md); added by `condnet mcu` (host/mcu/energy.ts). */
  energy?: McuEnergy;
}

/** The firmware could not be built or run, or its inputs do not fit the model. */
export class McuError extends CondnetError {
  constructor(message: string) {
    super(message);
    this.name = 'McuError';
  }
}

/** Run a script of mcu/ (build.sh, run.sh, baselines/build.sh); a failure is an McuError naming `what`. */
export function runMcuScript(script: string, args: string[], what: string): void {
  const r = spawnSync('bash', [join(MCU_ROOT, 'mcu', script), ...args], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (r.error) throw new McuError(`${what}: ${r.error.message}`);
  if (r.status !== 0) throw new McuError(`${what} failed (mcu/${script} exit status ${r.status}${r.signal ? `, signal ${r.signal}` : ''})`);
}

/** A `key=value` file of the firmware's build (sizes.txt). */
export function readKeyValues(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

function readSizes(dir: string): McuSizes {
  const kv = readKeyValues(join(dir, 'sizes.txt'));
  const n = (k: string) => {
    const v = Number(kv[k]);
    if (!Number.isFinite(v)) throw new McuError(`${dir}/sizes.txt: no ${k}`);
    return v;
  };
  return {
    stackUsed: NaN,
    text: n('text'), rodata: n('rodata'), data: n('data'), bss: n('bss'), wasmMemory: n('wasmMemory'), stack: n('stack'),
    modelBytes: n('modelBytes'), flash: n('flash'), flashWithoutModel: n('flashWithoutModel'), ram: n('ram'), memoryBytes: n('memoryBytes'),
  };
}

/** The inputs file the firmware streams: "CNMI", u32 dim, u32 count, count × dim i32 (LE). */
export function inputsFile(xq: Int32Array, dim: number, count: number): Buffer {
  const h = Buffer.alloc(12);
  h.write('CNMI', 0, 'latin1');
  h.writeUInt32LE(dim, 4);
  h.writeUInt32LE(count, 8);
  return Buffer.concat([h, Buffer.from(xq.buffer, xq.byteOffset, count * dim * 4)]);
}

interface FirmwareOutput {
  y: Int32Array;
  counts: string[];
  stackUsed: number;
}

function parseOutput(path: string, count: number, counting: boolean): FirmwareOutput {
  const text = readFileSync(path, 'utf8');
  const y = new Int32Array(count);
  const seen = new Uint8Array(count);
  const counts: string[] = new Array(count).fill('');
  let done = false;
  let stackUsed = NaN;
  for (const line of text.split('\n')) {
    if (line.startsWith('mcu: stackUsed=')) stackUsed = Number(line.slice('mcu: stackUsed='.length));
    const f = line.split(' ');
    if (f[0] === 'y' && f.length === 3) {
      const i = Number(f[1]);
      if (Number.isInteger(i) && i >= 0 && i < count) {
        y[i] = Number(f[2]);
        seen[i] = 1;
      }
    } else if (f[0] === 'c' && f.length === 7) {
      const i = Number(f[1]);
      if (Number.isInteger(i) && i >= 0 && i < count) counts[i] = f.slice(2).join(' ');
    } else if (line === `mcu: done ${count}`) done = true;
  }
  if (!done || seen.some((s) => s === 0)) throw new McuError(`the firmware did not report every input (see ${path}):\n${text.split('\n').filter((l) => l.startsWith('mcu:')).join('\n')}`);
  if (counting && counts.some((c) => c === '')) throw new McuError(`the counting firmware did not report counts for every input (see ${path})`);
  return { y, counts, stackUsed };
}

/** The stack of the first build, only to measure what the firmware uses. */
const PROBE_STACK = 8192;
/** What the sized firmware reserves above the measured high-water mark: the firmware's own
 *  calls are data-independent, the engine's depend on the kind only (it never recurses), and
 *  an interrupt handler a real firmware adds needs room of its own. */
export const STACK_MARGIN = 256;

/** The folder for a model's firmware and its files (default build/mcu/<model>-<opt>). */
export function mcuWorkDir(modelPath: string, opt: McuOpt, workDir?: string): string {
  return resolve(workDir ?? join(MCU_ROOT, 'build', 'mcu', `${basename(modelPath).replace(/\.(cnb|wasm)$/, '')}-${opt}`));
}

/** Build the firmware for `modelPath`, run `ds` through it in QEMU, compare with Node. */
export function runMcu(modelPath: string, ds: Dataset, opts: McuOptions = {}): McuReport {
  const { network } = openModel(readModel(modelPath), modelPath);
  if (network.dim !== ds.dim) throw new McuError(`${ds.name} has ${ds.dim} features, the model expects ${network.dim}`);
  if (opts.limit !== undefined && opts.limit < ds.n) ds = sliceDataset(ds, 0, opts.limit);
  if (ds.n === 0) throw new McuError(`${ds.name}: no inputs`);
  return runMcuInputs(modelPath, quantize(ds, network.quant), ds.n, ds.name, opts);
}

/** The same on inputs already quantized: `n` rows of the model's d i32 in `xq`. */
export function runMcuInputs(modelPath: string, xq: Int32Array, n: number, datasetName: string, opts: McuOptions = {}): McuReport {
  const opt = opts.opt ?? 'Os';
  const model = openModel(readModel(modelPath), modelPath);
  const { blob, network } = model;
  const ds = { name: datasetName, dim: network.dim };
  if (xq.length < n * ds.dim) throw new McuError(`${datasetName}: fewer than ${n} rows of ${ds.dim} values`);

  const work = mcuWorkDir(modelPath, opt, opts.workDir);
  mkdirSync(work, { recursive: true });
  const inputs = join(work, 'inputs-data.bin');
  writeFileSync(inputs, inputsFile(xq, ds.dim, n));

  let sizedDir = '';
  const t0 = performance.now();
  const fw = join(work, 'release');
  // The firmware's build reads the model's kind and width from a blob file: a compiled model
  // hands over the blob it carries.
  const blobPath = model.compiled ? join(work, 'model.cnb') : modelPath;
  if (model.compiled) writeFileSync(blobPath, blob);
  const compiled = opts.compiled;
  if (model.compiled && !compiled) throw new McuError(`${modelPath} is a compiled model: compile its blob for the device first (compileForDevice; condnet mcu does)`);
  if (compiled && opts.counting && !compiled.counting) throw new McuError('--counting on a compiled model needs its counting variant');
  const build = (dir: string, engine: string, stack: number) =>
    runMcuScript('build.sh', [blobPath, dir, '--engine', engine, '--opt', opt, '--stack', String(stack),
      ...(compiled ? ['--compiled', engine === 'counting' ? compiled.counting! : compiled.release] : [])], `building the ${engine} firmware`);
  build(fw, 'release', PROBE_STACK);
  let fwc: string | undefined;
  if (opts.counting) {
    fwc = join(work, 'counting');
    build(fwc, 'counting', PROBE_STACK);
  }
  let t1 = performance.now();
  const timeout = String(opts.timeoutSeconds ?? 1800);
  let runSeconds = 0;
  let stackUsed: number;
  try {
    runMcuScript('run.sh', [fw, inputs, '--timeout', timeout], 'running the firmware in QEMU');
    if (fwc) runMcuScript('run.sh', [fwc, inputs, '--no-plugin', '--timeout', timeout], 'running the counting firmware in QEMU');
    // The stack: measured on this run (painted), then reserved at that high-water mark plus
    // STACK_MARGIN in a second build, which runs every input again (outputs checked below,
    // and its own high-water mark must stay inside the reserve). The code is the same, so
    // the instruction counts of the first run stand.
    stackUsed = parseOutput(join(fw, 'out.txt'), n, false).stackUsed;
    const t2 = performance.now();
    runSeconds += (t2 - t1) / 1000;
    const reserve = (stackUsed + STACK_MARGIN + 7) & ~7;
    const sized = join(work, 'release-sized');
    build(sized, 'release', reserve);
    t1 = performance.now();
    runMcuScript('run.sh', [sized, inputs, '--no-plugin', '--timeout', timeout], 'running the firmware with its measured stack in QEMU');
    const again = parseOutput(join(sized, 'out.txt'), n, false);
    if (again.stackUsed > reserve - 16) throw new McuError(`the stack reserved (${reserve} bytes) is nearly exhausted: ${again.stackUsed} used`);
    if (again.y.some((y, i) => y !== parseOutput(join(fw, 'out.txt'), n, false).y[i])) throw new McuError('the firmware with its measured stack answers differently');
    sizedDir = sized;
  } finally {
    rmSync(inputs, { force: true }); // 3 KB per MNIST digit: not worth keeping
  }
  const t2 = performance.now();
  runSeconds += (t2 - t1) / 1000;

  // The reference: the same blob and inputs in Node's WebAssembly.
  const engine = new Engine('release');
  engine.loadOrThrow(blob);
  const expected = engine.evaluateBatch(xq, n);
  const got = parseOutput(join(fw, 'out.txt'), n, false);
  const mismatches: Mismatch[] = [];
  let match = 0;
  for (let i = 0; i < n; i++) {
    if (got.y[i] === expected[i]) match++;
    else if (mismatches.length < 10) mismatches.push({ input: i, expected: String(expected[i]), actual: String(got.y[i]) });
  }

  const raw = readFileSync(join(fw, 'counts.txt'), 'utf8').trim().split('\n').map(Number);
  if (raw.length !== n + 1 || raw.some((v) => !Number.isInteger(v))) {
    throw new McuError(`the plugin recorded ${raw.length} begin/end pairs, expected ${n + 1} (see ${fw}/counts.txt)`);
  }
  const calibration = raw[0];
  const perInput = raw.slice(1).map((v) => v - calibration);
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of perInput) {
    sum += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }

  const report: McuReport = {
    model: modelPath, dataset: ds.name, kind: network.kind, inputs: n,
    target: 'Cortex-M4 (QEMU 7.2 mps2-an386), wasm2c (wabt 1.0.32) + arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb',
    opt,
    outputs: { match, total: n, mismatches },
    instructions: { mean: sum / n, min, max, calibration, perInput },
    sizes: { ...readSizes(sizedDir), stackUsed },
    runs: compiled ? 'compiled' : 'interpreter',
    seconds: { build: (t2 - t0) / 1000 - runSeconds, run: runSeconds },
  };

  if (fwc) {
    const gotc = parseOutput(join(fwc, 'out.txt'), n, true);
    const ce = new Engine('counting');
    ce.loadOrThrow(blob);
    const cm: Mismatch[] = [];
    let cmatch = 0;
    for (let i = 0; i < n; i++) {
      const y = ce.evaluate(xq, i * ds.dim);
      const want = `${y} ${countsText(ce.counts())}`;
      const have = `${gotc.y[i]} ${gotc.counts[i]}`;
      if (want === have) cmatch++;
      else if (cm.length < 10) cm.push({ input: i, expected: want, actual: have });
    }
    report.counting = { match: cmatch, total: n, mismatches: cm };
  }
  return report;
}
