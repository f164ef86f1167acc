// Peers, measured side by side in one run on the same MNIST digits, written to docs/BENCHMARKS.md:
//   npx tsc -p tsconfig.json && npm run bench:peers
// Rows: condnet `tree` and `search` memorizing mnist:10000 in the engine; the float32 MLP users
// deploy (784-64-32-10, test/fixtures/mnist-mlp/) in ONNX Runtime Web (WebAssembly backend, in
// Node, one thread), exported by `condnet export-onnx`; the same MLP packed as a condnet dense
// blob (`condnet pack`) in the engine; and the floor, a plain TypeScript binary search over
// `search`'s keys (bench/floor.ts). Every side runs batches of 1,024 inputs (the first 1,024
// digits); times are the median of per-round medians over interleaved rounds, as bench/run.ts
// does. Answers are checked on all 10,000 digits before anything is timed.

import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { buildNetwork } from '../host/construct/index.js';
import { loadDataset } from '../host/data/source.js';
import { quantize } from '../host/data/quantize.js';
import { Engine, engineBytes } from '../host/engine/engine.js';
import { denseNetworkToOnnx, floatNetworkToOnnx } from '../host/export/onnx.js';
import { writeBlob } from '../host/format/writer.js';
import { floatClassify } from '../host/import/float-network.js';
import { loadFloatNetwork } from '../host/import/load.js';
import { fitNetwork } from '../host/import/pack.js';
import { loadEnergyModel, summarizeEnergy, DEFAULT_ENERGY_MODEL } from '../host/measure/energy.js';
import { BATCH, countInputs } from '../host/measure/measure.js';
import { median, stats } from '../host/measure/stats.js';
import { verify } from '../host/measure/verify.js';
import type { DenseNetwork, SearchNetwork } from '../host/network.js';
import { floorFrom } from './floor.js';
import { writeBenchmarkSection } from './markdown-section.js';

const SPEC = 'mnist:10000';
const MODEL = fileURLToPath(new URL('../../test/fixtures/mnist-mlp/model.json', import.meta.url));
const ROUNDS = 3;
const REPEATS = 15;
/** A timed sample runs whole batches for at least this long (one batch when a batch is longer). */
const MIN_SAMPLE_MS = 10;
const WARM_MS = 300;

ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';

type Runner = () => unknown;

/** ns per inference of one sample: `k` batches back to back. Async runners (ORT) are awaited;
 *  sync ones (the engine, the floor) are called without a microtask in between. */
async function sample(run: Runner, k: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < k; i++) {
    const r = run();
    if (r instanceof Promise) await r;
  }
  return Number(process.hrtime.bigint() - t0) / (k * BATCH);
}

async function warmAndCalibrate(run: Runner): Promise<number> {
  const start = performance.now();
  let calls = 0;
  while (performance.now() - start < WARM_MS || calls < 5) {
    const r = run();
    if (r instanceof Promise) await r;
    calls++;
  }
  const perBatchMs = (await sample(run, 1)) * BATCH / 1e6;
  return Math.max(1, Math.ceil(MIN_SAMPLE_MS / perBatchMs));
}

// ---- the data and the models -------------------------------------------------------------

const log = (m: string) => process.stderr.write(`peers: ${m}\n`);
const t0 = performance.now();
const ds = loadDataset(SPEC);
const d = ds.dim;
const n = ds.n;
const all = Uint32Array.from({ length: n }, (_, i) => i);
const energyModel = loadEnergyModel(DEFAULT_ENERGY_MODEL);
const counting = new Engine('counting');

interface Row {
  name: string;
  what: string;
  runner: Runner;
  ops: { mul: number; add: number; cmp: number; total: number };
  pJ: number;
  modelBytes: number;
  runtimeBytes: number;
  ns?: number;
}

/** DESIGN §2 counts of every digit in the counting engine, and the blob's energy (integer). */
function engineCounts(blob: Uint8Array, xq: Int32Array) {
  counting.loadOrThrow(blob);
  const c = countInputs(counting, xq, d, all);
  if (c.out.some((o) => o < 0)) throw new Error('the counting engine refused a digit');
  return c;
}

function opsOf(c: ReturnType<typeof engineCounts>) {
  return { mul: stats(c.mul).mean, add: stats(c.add).mean, cmp: stats(c.cmp).mean, total: stats(c.total).mean };
}

function engineRunner(blob: Uint8Array, xq: Int32Array): { runner: Runner; out: Int32Array } {
  const engine = new Engine('release');
  engine.loadOrThrow(blob);
  const out = engine.evaluateBatch(xq, n);
  return { runner: engine.prepareBatch(xq.subarray(0, BATCH * d), BATCH), out };
}

const engineRuntime = engineBytes('release').length;
const rows: Row[] = [];
const countsOf = new Map<string, ReturnType<typeof engineCounts>>();
/** Not a row: the same tree walked in TypeScript (bench/floor.ts), timed beside the rest to
 *  show what the engine's own per-input work costs `tree`. */
let treeFloor: Row | undefined;

for (const construction of ['tree', 'search'] as const) {
  log(`build ${construction}`);
  const net = buildNetwork(ds, { construction });
  const blob = writeBlob(net);
  const xq = quantize(ds, net.quant);
  const v = verify(blob, ds);
  if (v.correct !== n) throw new Error(`${construction}: the engine reproduces ${v.correct} of ${n} labels`);
  const c = engineCounts(blob, xq);
  countsOf.set(construction, c);
  const e = summarizeEnergy(energyModel, c, blob.length);
  // The engine's classes on every digit (verified against the labels above); the hand-written
  // TypeScript versions of the same model must give the same (bench/floor.ts).
  const { runner, out: engineOut } = engineRunner(blob, xq);
  rows.push({
    name: `condnet \`${construction}\``, what: 'engine', runner, ops: opsOf(c), pJ: e.integer.total.mean,
    modelBytes: blob.length, runtimeBytes: engineRuntime,
  });
  const floor = floorFrom(net);
  for (let i = 0; i < n; i++) if (floor.classify(xq, i * d) !== engineOut[i]) throw new Error(`${construction}: floor and engine disagree on digit ${i}`);
  const floorOut = new Int32Array(BATCH);
  const batch = xq.subarray(0, BATCH * d);
  const floorRunner = () => { for (let i = 0; i < BATCH; i++) floorOut[i] = floor.classify(batch, i * d); };
  if (construction === 'tree') {
    treeFloor = { name: 'tree walk in TypeScript', what: 'V8', ops: opsOf(c), pJ: 0, modelBytes: 0, runtimeBytes: 0, runner: floorRunner };
  } else {
    // The floor: search's projection, sorted keys and labels in plain typed arrays: i32, f64, i32.
    const s = net as SearchNetwork;
    const floorBytes = 4 * s.projection.length + 8 * s.separators.length + 4 * (s.separators.length + 1);
    rows.push({
      name: 'TypeScript binary search (floor)', what: 'V8', ops: opsOf(c),
      pJ: summarizeEnergy(energyModel, c, floorBytes).integer.total.mean,
      modelBytes: floorBytes, runtimeBytes: 0, runner: floorRunner,
    });
  }
}

log('pack the MLP (condnet pack) and export it (condnet export-onnx)');
const mlp = loadFloatNetwork(MODEL);
const packed = fitNetwork(mlp, ds);
const dense: DenseNetwork = packed.network;
const denseBlob = writeBlob(dense);
const denseCounts = engineCounts(denseBlob, packed.xq);
const { runner: denseRunner, out: denseOut } = engineRunner(denseBlob, packed.xq);
// The float network on the dataset's values, as its framework takes them (float32).
const xf = Float32Array.from(ds.x);
const floatClasses = Int32Array.from({ length: n }, (_, i) => floatClassify(mlp, xf, i * d));
let packedChanged = 0;
for (let i = 0; i < n; i++) if (denseOut[i] !== floatClasses[i]) packedChanged++;

const onnxModel = floatNetworkToOnnx(mlp).bytes;
const session = await ort.InferenceSession.create(onnxModel, { executionProviders: ['wasm'] });
async function ortClasses(s: ort.InferenceSession, x: Float32Array | Float64Array): Promise<Int32Array> {
  const out = new Int32Array(n);
  for (let a = 0; a < n; a += BATCH) {
    const m = Math.min(BATCH, n - a);
    const type = x instanceof Float32Array ? 'float32' : 'float64';
    const r = await s.run({ x: new ort.Tensor(type, x.subarray(a * d, (a + m) * d), [m, d]) });
    const scores = r.scores.data as Float32Array | Float64Array;
    const C = r.scores.dims[1];
    for (let i = 0; i < m; i++) {
      let best = 0;
      for (let k = 1; k < C; k++) if (scores[i * C + k] > scores[i * C + best]) best = k;
      out[a + i] = best;
    }
  }
  return out;
}
const ortOut = await ortClasses(session, xf);
const ortDiffer = ortOut.reduce((s, c, i) => s + (c !== floatClasses[i] ? 1 : 0), 0);
if (ortDiffer !== 0) throw new Error(`ONNX Runtime Web and floatClassify disagree on ${ortDiffer} digits`);
// A packed blob exported exactly (float64) by export-onnx gives the engine's classes in ORT. At
// the 11-bit weights the search chose, the last layer's bound passes 2^53, so the check packs
// with 10-bit weights, whose bounds float64 holds (docs/NETWORKS.md).
const packed10 = fitNetwork(mlp, ds, { weightBits: 10 });
const exact = denseNetworkToOnnx(packed10.network, { element: 'float64' });
const exactSession = await ort.InferenceSession.create(exact.bytes, { executionProviders: ['wasm'] });
const exactOut = await ortClasses(exactSession, Float64Array.from(packed10.xq));
await exactSession.release();
if (exactOut.some((c, i) => c !== packed10.intClass[i])) throw new Error('the exact ONNX export of the dense blob disagrees with the engine');

// ONNX Runtime Web's runtime: the WebAssembly binary it loads in Node, its Emscripten glue, its
// Node entry and the ESM build of onnxruntime-common it imports.
const require = createRequire(import.meta.url);
const ortDist = dirname(require.resolve('onnxruntime-web'));
const commonEsm = join(dirname(dirname(createRequire(join(ortDist, 'x.js')).resolve('onnxruntime-common'))), 'esm');
const ortWasm = statSync(join(ortDist, 'ort-wasm-simd-threaded.wasm')).size;
const ortJs = statSync(join(ortDist, 'ort.node.min.mjs')).size + statSync(join(ortDist, 'ort-wasm-simd-threaded.mjs')).size
  + readdirSync(commonEsm).filter((f) => f.endsWith('.js')).reduce((s, f) => s + statSync(join(commonEsm, f)).size, 0);

const denseOps = opsOf(denseCounts);
const x1024 = new ort.Tensor('float32', xf.subarray(0, BATCH * d), [BATCH, d]);
rows.push({
  name: 'float32 MLP 784-64-32-10', what: 'ONNX Runtime Web (wasm)', ops: denseOps,
  pJ: summarizeEnergy(energyModel, denseCounts, onnxModel.length).float32.total.mean,
  modelBytes: onnxModel.length, runtimeBytes: ortWasm + ortJs,
  runner: () => session.run({ x: x1024 }),
});
rows.push({
  name: 'the same MLP packed (`condnet pack`)', what: 'engine', runner: denseRunner, ops: denseOps,
  pJ: summarizeEnergy(energyModel, denseCounts, denseBlob.length).integer.total.mean,
  modelBytes: denseBlob.length, runtimeBytes: engineRuntime,
});
// Present order: tree, search, ORT MLP, packed MLP, floor.
const order = ['condnet `tree`', 'condnet `search`', 'float32 MLP 784-64-32-10', 'the same MLP packed (`condnet pack`)', 'TypeScript binary search (floor)'];
rows.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
log(`models ready and checked in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

// ---- timing: interleaved rounds, median of per-round medians ------------------------------

const timed = [...rows, treeFloor!];
const ks = new Map<Row, number>();
for (const r of timed) ks.set(r, await warmAndCalibrate(r.runner));
const perRound = new Map<Row, number[]>(timed.map((r) => [r, []]));
for (let round = 0; round < ROUNDS; round++) {
  log(`timing round ${round + 1} of ${ROUNDS}`);
  for (const r of timed) {
    const samples: number[] = [];
    for (let i = 0; i < REPEATS; i++) samples.push(await sample(r.runner, ks.get(r)!));
    perRound.get(r)!.push(median(samples));
  }
}
for (const r of timed) r.ns = median(perRound.get(r)!);
await session.release();

// ---- the table ----------------------------------------------------------------------------

const tree = rows[0];
const mlpRow = rows.find((r) => r.name.startsWith('float32 MLP'))!;
const searchRow = rows.find((r) => r.name === 'condnet `search`')!;
const int = (x: number) => Math.round(x).toLocaleString('en-US');
const fix = (x: number, p = 2) => x.toLocaleString('en-US', { minimumFractionDigits: p, maximumFractionDigits: p });
/** Two decimals below 10,000, whole numbers above. */
const num = (x: number) => (Math.abs(x) >= 10000 ? int(x) : fix(x));
const ratio = (x: number, t: number) => {
  const r = x / t;
  return r === 0 ? '0×' : r >= 100 ? `${int(r)}×` : r >= 10 ? `${fix(r, 1)}×` : `${fix(r, 2)}×`;
};
const table = [
  '| model | runs in | ns / inference | ×tree | ops / input (mean) | ×tree | energy / input, pJ (mean) | ×tree | model bytes | ×tree | runtime bytes | ×tree |',
  '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map((r) => `| ${r.name} | ${r.what} | ${num(r.ns!)} | ${ratio(r.ns!, tree.ns!)} | ${num(r.ops.total)} | ${ratio(r.ops.total, tree.ops.total)} | ` +
    `${num(r.pJ)} | ${ratio(r.pJ, tree.pJ)} | ${int(r.modelBytes)} | ${ratio(r.modelBytes, tree.modelBytes)} | ${int(r.runtimeBytes)} | ${ratio(r.runtimeBytes, tree.runtimeBytes)} |`),
].join('\n');

const timeTarget = mlpRow.ns! / tree.ns!;
const energyTree = mlpRow.pJ / tree.pJ;
const energySearch = mlpRow.pJ / searchRow.pJ;
const verdict = (v: number, target: number) => `${ratio(v, 1)} — ${v >= target ? '**met**' : '**missed**'}`;
const gemm = mlp.layers.reduce((s, l) => s + l.inputs * l.outputs, 0);
const gemmOps = 2 * gemm + mlp.layers.reduce((s, l) => s + (l.relu ? l.outputs : 0), 0) + (mlp.layers[mlp.layers.length - 1].outputs - 1);
const denseMem = summarizeEnergy(energyModel, denseCounts, onnxModel.length);
const searchCounts = countsOf.get('search')!;
const searchE = summarizeEnergy(energyModel, searchCounts, searchRow.modelBytes);
const engineJs = statSync(fileURLToPath(new URL('../host/engine/engine.js', import.meta.url))).size;
const floorJs = statSync(fileURLToPath(new URL('./floor.js', import.meta.url))).size;

const md = `## Peers: condnet against the float32 MLP in ONNX Runtime Web (\`npm run bench:peers\`)

Written by \`npm run bench:peers\` (bench/peers.ts) on ${new Date().toISOString().slice(0, 10)}; ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, onnxruntime-web ${ort.env.versions.web}.
All rows answer the same ${int(n)} digits of \`${SPEC}\` (784 pixels, 10 classes), checked on all of them before timing:
\`tree\` and \`search\` reproduce every label in the engine; the floor gives \`search\`'s class on every digit; ONNX Runtime
Web gives \`floatClassify\`'s class on every digit (${ortDiffer} differ); the packed MLP is the integer network of \`condnet pack\`
(inputs ×${packed.network.quant.param}, ${packed.weightBits}-bit weights, as the search chose them: its class differs from the float network's on ${packedChanged} digits; packed
with 10-bit weights instead, whose bounds float64 holds, its exact float64 ONNX export gives the engine's class on every digit in ONNX Runtime Web). Times: batches of ${BATCH.toLocaleString('en-US')} inputs (the first
${BATCH.toLocaleString('en-US')} digits) on every side, one thread, median of per-round medians over ${ROUNDS} interleaved rounds of
${REPEATS} samples (each sample at least ${MIN_SAMPLE_MS} ms of whole batches).

| | |
|---|---|
| condnet \`tree\`, \`search\` | built by \`condnet build\` on the 10,000 digits, run by the release engine \`build/condnet.wasm\` |
| float32 MLP | test/fixtures/mnist-mlp/ (tfjs, 784-64-32-10), written by \`condnet export-onnx\` (Gemm + Relu, float32), run by onnxruntime-web's WebAssembly backend in Node (\`numThreads = 1\`); inputs float32, the dataset's pixel values (k/255 to 3 decimals) |
| packed MLP | the same network through \`condnet pack --dataset ${SPEC}\` (${packed.weightBits}-bit weights, exact integer arithmetic), in the engine |
| floor | bench/floor.ts: \`search\`'s projection and sorted keys in TypeScript typed arrays, a plain binary search, JIT-compiled by V8 |

${table}

- **ops / input**: DESIGN §2's mul + add + cmp, mean over the 10,000 digits, from the counting engine. The ONNX Runtime
  row carries the packed network's counts (mul ${num(denseOps.mul)}, add ${num(denseOps.add)}, cmp ${num(denseOps.cmp)}: weights that quantize to 0 or ±1 cost no mul,
  as DESIGN §2 counts them); a dense float Gemm performs every multiply, ${int(gemmOps)} ops, so this undercounts it slightly.
  The floor runs \`search\`'s algorithm and carries its counts.
- **energy / input**: host/measure/energy.ts with \`${energyModel.name}\` (Horowitz, ISSCC 2014, 45 nm; docs/ENERGY.md),
  mean over the digits of each digit's estimate. condnet rows and the floor: the integer figure (\`.integer.total\`, operations
  at their word widths) with the model's own bytes choosing the SRAM class. The ONNX Runtime row: the float32 figure
  (\`.float32.total\`) of the packed network's counts — its bytes read too: the packed blob stores 4-byte weights, as float32 does — with the ONNX model's ${int(onnxModel.length)} bytes choosing the class
  (${denseMem.sram.name}): ${num(denseMem.float32.arithmetic.mean)} pJ arithmetic + ${num(denseMem.float32.memory.mean)} pJ memory.
  \`search\` spends ${num(searchE.integer.memory.mean)} of its ${num(searchE.integer.total.mean)} pJ reading its 784 projection weights and keys from a ${int(searchRow.modelBytes)}-byte model (${searchE.sram.name}).
- **model bytes**: the blob for condnet rows, the .onnx file for ONNX Runtime, the floor's typed arrays (i32 projection, f64 keys, i32 labels).
- **runtime bytes**: the engine is \`build/condnet.wasm\` (${int(engineRuntime)} bytes; its JavaScript loader dist/host/engine/engine.js, ${int(engineJs)} bytes,
  is not counted). ONNX Runtime Web is the WebAssembly binary it loads in Node, ort-wasm-simd-threaded.wasm (${int(ortWasm)} bytes), plus its
  JavaScript: ort.node.min.mjs, ort-wasm-simd-threaded.mjs and the ESM build of onnxruntime-common (${int(ortJs)} bytes).
  The floor counts 0: it runs on the JavaScript engine that runs everything else (its compiled source, bench/floor.js, is ${int(floorJs)} bytes).

Targets:

| target | measured | |
|---|---:|---|
| \`tree\`: ≥ 100× less time per inference than the ONNX Runtime Web MLP | ${fix(timeTarget, 1)}× | ${timeTarget >= 100 ? '**met** in this run (a timing: it varies from run to run)' : '**missed** in this run'} |
| \`tree\`: energy per input ≥ 1,000× below the float32 MLP's | ${int(energyTree)}× | ${energyTree >= 1000 ? '**met**' : '**missed**'} |
| \`search\`: energy per input ≥ 100× below the float32 MLP's | ${fix(energySearch, 1)}× | ${energySearch >= 100 ? '**met**' : '**missed**'} |

${timeTarget >= 100 ? '' : `The time target is missed. A \`tree\` inference is ${fix(tree.ops.cmp)} single-pixel comparisons on average; at ${fix(tree.ns!)} ns
that is ${fix(tree.ns! / tree.ops.cmp)} ns per visited node: a chain of dependent loads (each test picks the next node's address) and
data-dependent branches, plus, in the engine, the check of each coordinate it reads against the declared range (DESIGN §4; folded into
one running value judged after the walk, a subtraction and a max per node for MNIST's one shared range). Arithmetic is not the limit. The same tree walked in plain TypeScript (bench/floor.ts, no domain
check) takes ${fix(treeFloor!.ns!)} ns in this run, ${fix(mlpRow.ns! / treeFloor!.ns!, 1)}× less than the MLP; how the engine's extra ${fix(tree.ns! - treeFloor!.ns!)} ns split
between the domain check and the WebAssembly code is not measured here. ONNX Runtime runs the MLP's ${int(gemm)} multiply-adds per input as one SIMD matrix
product per layer over the whole batch, ${fix(mlpRow.ns!)} ns per input.\n\n`}${energySearch >= 100 ? '' : `The \`search\` energy target is missed. Most of \`search\`'s energy is memory (${num(searchE.integer.memory.mean)} of ${num(searchE.integer.total.mean)} pJ): per input it reads
its 784 projection weights and ${fix(searchRow.ops.cmp)} keys, ${fix(stats(searchCounts.loads).mean)} bytes, from a ${int(searchRow.modelBytes)}-byte model, which the energy model
places in the ${searchE.sram.name} class like the MLP; the MLP reads ${num(stats(denseCounts.loads).mean)} bytes (${fix(stats(denseCounts.loads).mean / stats(searchCounts.loads).mean, 1)}×). The ratio is close to the ratio of bytes read,
not of operations.\n`}`;

writeBenchmarkSection('peers', md);
process.stdout.write(md);
log(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
