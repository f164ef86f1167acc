// Compiled models against the engine in Node (issue 15; `npm run bench:compiled`): the `tree` and
// `search` models built on mnist:10000, each timed as a blob in the release engine and as its own
// module (`condnet compile`, docs/COMPILE.md), in batches of 1,024 digits (host/measure/measure.ts's
// timePerInference: median over repeats), the two taken in turn, five rounds, so that a busy
// machine slows both alike. Every output of the module is checked against the engine's on all
// 10,000 digits first. Writes the `compiled` section of docs/BENCHMARKS.md.

import { loadDataset } from '../host/data/source.js';
import { quantize } from '../host/data/quantize.js';
import { buildNetwork } from '../host/construct/index.js';
import { compileModel } from '../host/compile/compile.js';
import { openModel } from '../host/engine/model.js';
import { writeBlob } from '../host/format/writer.js';
import { BATCH, timePerInference } from '../host/measure/measure.js';
import { median } from '../host/measure/stats.js';
import { writeBenchmarkSection } from './markdown-section.js';

const SPEC = 'mnist:10000';
const ROUNDS = 5;
const t0 = performance.now();
const ds = loadDataset(SPEC);
const fmt = (v: number, digits = 0) => v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

const rows: string[] = [];
const ratios: Record<string, number> = {};
for (const construction of ['tree', 'search'] as const) {
  const net = buildNetwork(ds, { construction });
  const blob = writeBlob(net);
  const xq = quantize(ds, net.quant);
  const c0 = performance.now();
  const { wasm } = await compileModel(blob);
  const compileSeconds = (performance.now() - c0) / 1000;
  const engine = openModel(blob);
  const compiled = openModel(wasm);
  const want = engine.release().evaluateBatch(xq, ds.n);
  const got = compiled.release().evaluateBatch(xq, ds.n);
  const differ = want.reduce((k, y, i) => k + (y === got[i] ? 0 : 1), 0);
  if (differ > 0) throw new Error(`${construction}: the compiled module differs from the engine on ${differ} digits`);
  const te: number[] = [];
  const tc: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    te.push(timePerInference(engine, ds.dim, xq, ds.n, 300));
    tc.push(timePerInference(compiled, ds.dim, xq, ds.n, 300));
  }
  const e = median(te);
  const c = median(tc);
  ratios[construction] = e / c;
  process.stderr.write(`bench:compiled: ${construction}: engine ${e.toFixed(1)} ns, compiled ${c.toFixed(1)} ns (${(e / c).toFixed(2)}×)\n`);
  rows.push(`| \`${construction}\` | ${fmt(blob.length)} | ${fmt(wasm.length)} | ${compileSeconds.toFixed(1)} | ${fmt(e, 1)} | ${fmt(c, 1)} | **${(e / c).toFixed(2)}×** |`);
}

const body = `## Compiled models in Node (\`npm run bench:compiled\`)

Written by \`npm run bench:compiled\` (bench/compiled.ts; ${fmt((performance.now() - t0) / 1000)} s) on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}.
The ${SPEC} models as blobs in the release engine and as their own modules (\`condnet compile\`, docs/COMPILE.md), in
Node's WebAssembly: time per inference in batches of ${fmt(BATCH)} digits (median over repeats), the engine and the module
timed in turn, median of ${ROUNDS} rounds. The module's outputs equal the engine's on all ${fmt(ds.n)} digits (checked first).

| model | blob bytes | module bytes (blob included) | compile, s | engine, ns per inference | compiled, ns per inference | speed-up |
|---|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}

Issue 15's target, the compiled tree at least 2× faster than the engine: **${ratios.tree >= 2 ? 'met' : 'missed'}** (${ratios.tree.toFixed(2)}×).
`;
writeBenchmarkSection('compiled', body);
process.stdout.write(body);
