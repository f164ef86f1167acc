// condnet on the Cortex-M4 beside the plain C an embedded engineer would write instead (issue 15;
// `npm run bench:mcu-baselines`, needs the packages of `npm run test:mcu` and, for CART,
// Debian's python3-sklearn). One run, one machine, one toolchain: the condnet `tree` and
// `search` models built on mnist:10000 run through the engine's firmware (runMcu: wasm2c +
// arm-none-eabi-gcc) and compiled to their own modules (condnet compile), and the plain-C
// baselines generated from the SAME blobs
// (bench/c-baselines.ts: a loop over the tree's node array, the tree as nested if/else, a dot
// product + binary search over search's keys), plus scikit-learn's CART trees (entropy, Gini)
// as if/else, run on every digit in the same QEMU with the same plugin, -Os and -O2. Every
// output is checked against the engine in Node. Writes the `mcu-baselines` section of
// docs/BENCHMARKS.md, with every ratio, and the energy per inference of each row under the
// device model (docs/ENERGY.md).
//
// usage: node dist/bench/mcu-baselines.js [--quick]   (--quick: mnist:1000, printed only, for a smoke run)

import { mkdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { MAX_DEPTH } from '../assembly/format.js';
import { buildNetwork } from '../host/construct/index.js';
import { quantize } from '../host/data/quantize.js';
import { loadDataset } from '../host/data/source.js';
import { Engine } from '../host/engine/engine.js';
import { writeBlob } from '../host/format/writer.js';
import { DEFAULT_DEVICE_ENERGY_MODEL, deviceEnergyOf, loadDeviceEnergyModel } from '../host/measure/energy.js';
import { measure } from '../host/measure/measure.js';
import { formatEnergy } from '../host/mcu/energy.js';
import { compileForDevice, MCU_ROOT, runMcu, type CompiledForDevice, type McuOpt, type McuReport } from '../host/mcu/run.js';
import type { SearchNetwork, TreeNetwork } from '../host/network.js';
import { mismatches, runBaseline, searchC, treeIfElseC, treeWalkC, type BaselineRun, type BaselineSource } from './c-baselines.js';
import { cartToNetwork, CRITERIA, runCart } from './cart.js';
import { writeBenchmarkSection } from './markdown-section.js';

const quick = process.argv.includes('--quick');
const SPEC = quick ? 'mnist:1000' : 'mnist:10000';
const OPTS: McuOpt[] = ['Os', 'O2'];
const WORK = join(MCU_ROOT, 'build', 'mcu', 'baselines');
const device = loadDeviceEnergyModel(DEFAULT_DEVICE_ENERGY_MODEL);

/** One implementation's figures at both optimization levels. */
interface Row {
  name: string;
  /** DESIGN §2 ops per input of the model it implements (mean). */
  ops: number;
  /** Bytes of the model's data in flash (tables), and of its evaluating code when generated. */
  modelBytes: string;
  byOpt: Record<McuOpt, { mean: number; min: number; max: number; flash: number; ram: number }>;
}

const t0 = performance.now();
mkdirSync(WORK, { recursive: true });
const log = (s: string) => process.stderr.write(`bench:mcu-baselines: ${s}\n`);
const ds = loadDataset(SPEC);

function fromMcu(r: McuReport): Row['byOpt'][McuOpt] {
  if (r.outputs.match !== r.outputs.total) throw new Error(`${r.model} -${r.opt}: ${r.outputs.total - r.outputs.match} outputs differ from Node`);
  return { mean: r.instructions.mean, min: r.instructions.min, max: r.instructions.max, flash: r.sizes.flash, ram: r.sizes.ram };
}

function fromBaseline(run: BaselineRun, expected: Int32Array): Row['byOpt'][McuOpt] {
  const bad = mismatches(run, expected);
  if (bad.length > 0) throw new Error(`${run.name} -${run.opt}: outputs differ from the engine's: ${JSON.stringify(bad)}`);
  return { mean: run.instructions.mean, min: run.instructions.min, max: run.instructions.max, flash: run.sizes.flash, ram: run.sizes.ram };
}

/** A condnet model through the engine's firmware, or compiled to its own module (`condnet
 *  compile`, docs/COMPILE.md), -Os and -O2. */
function condnetRow(name: string, file: string, ops: number, blobBytes: number, compiled?: CompiledForDevice): Row {
  const byOpt = {} as Row['byOpt'];
  let modelBytes = 0;
  for (const opt of OPTS) {
    const r = runMcu(file, ds, { opt, compiled, workDir: join(WORK, `${name.replace(/\W+/g, '-')}-${opt}`) });
    byOpt[opt] = fromMcu(r);
    if (opt === 'Os') modelBytes = r.sizes.modelBytes;
    log(`${name} -${opt}: mean ${r.instructions.mean.toFixed(2)} instructions (${r.seconds.run.toFixed(1)} s in QEMU)`);
  }
  return {
    name, ops, byOpt,
    modelBytes: compiled ? `${modelBytes.toLocaleString('en-US')} code and tables (the ${blobBytes.toLocaleString('en-US')}-byte blob compiled)`
      : `${blobBytes.toLocaleString('en-US')} (the blob, in linear memory)`,
  };
}

/** A generated C baseline, -Os and -O2, its outputs checked against `expected`. */
function baselineRow(name: string, src: BaselineSource, xq: Int32Array, expected: Int32Array, ops: number): Row {
  const byOpt = {} as Row['byOpt'];
  let tables = 0;
  let code = 0;
  const dir = join(WORK, src.name);
  for (const opt of OPTS) {
    const r = runBaseline(src, xq, ds.dim, ds.n, dir, opt);
    byOpt[opt] = fromBaseline(r, expected);
    if (opt === 'Os') [tables, code] = [r.sizes.tableBytes, r.sizes.codeBytes];
    log(`${name} -${opt}: mean ${r.instructions.mean.toFixed(2)} instructions (${r.seconds.run.toFixed(1)} s in QEMU)`);
  }
  return { name, ops, modelBytes: tables > 0 ? `${tables.toLocaleString('en-US')} tables + ${code.toLocaleString('en-US')} code` : `${code.toLocaleString('en-US')} code`, byOpt };
}

// ---- the condnet models, built on the digits as `condnet build` builds them ---------------------
function build(construction: 'tree' | 'search') {
  const net = buildNetwork(ds, { construction });
  const blob = writeBlob(net);
  const file = join(WORK, `${SPEC.replace(':', '-')}-${construction}.cnb`);
  writeFileSync(file, blob);
  const xq = quantize(ds, net.quant);
  const engine = new Engine('release');
  engine.loadOrThrow(blob);
  const expected = engine.evaluateBatch(xq, ds.n);
  const ops = measure(blob, ds, { timing: false }).ops.total.mean;
  return { net, blob, file, xq, expected, ops };
}

const tree = build('tree');
const treeNet = tree.net as TreeNetwork;
const treeRows: Row[] = [
  condnetRow('condnet `tree`, engine (wasm2c)', tree.file, tree.ops, tree.blob.length),
  condnetRow('condnet `tree`, compiled (condnet compile, wasm2c)', tree.file, tree.ops, tree.blob.length,
    await compileForDevice(tree.blob, join(WORK, 'tree-compiled'), false)),
  baselineRow('C loop over the same 8-byte node array', treeWalkC(treeNet, tree.blob), tree.xq, tree.expected, tree.ops),
  baselineRow('the same tree as nested if/else in C', treeIfElseC(treeNet), tree.xq, tree.expected, tree.ops),
];

// scikit-learn's CART on the same integers, as if/else; each packed as a condnet blob too, so
// its outputs are checked against the engine's on that blob (and its depths are the engine's ops).
const cart = runCart(ds, tree.xq);
for (const c of CRITERIA) {
  const res = cart.criteria[c];
  const depth = Math.max(...res.depth);
  if (depth > MAX_DEPTH) throw new Error(`CART ${c}: depth ${depth} > MAX_DEPTH ${MAX_DEPTH}, cannot check it in the engine`);
  const net = cartToNetwork(res.tree, treeNet);
  const blob = writeBlob(net);
  const engine = new Engine('release');
  engine.loadOrThrow(blob);
  const expected = engine.evaluateBatch(tree.xq, ds.n);
  const ops = res.depth.reduce((a, b) => a + b, 0) / res.depth.length;
  const src = treeIfElseC(net, `scikit-learn ${cart.sklearn} CART (${c}) as nested if/else in C (${net.feature.length} tests)`, `cart-${c}-ifelse`);
  treeRows.push(baselineRow(`scikit-learn CART (${c}) as nested if/else in C`, src, tree.xq, expected, ops));
}

const search = build('search');
const searchRows: Row[] = [
  condnetRow('condnet `search`, engine (wasm2c)', search.file, search.ops, search.blob.length),
  condnetRow('condnet `search`, compiled (condnet compile, wasm2c)', search.file, search.ops, search.blob.length,
    await compileForDevice(search.blob, join(WORK, 'search-compiled'), false)),
  baselineRow('C dot product (smlal) + binary search, same weights and keys', searchC(search.net as SearchNetwork), search.xq, search.expected, search.ops),
];

// ---- the section ---------------------------------------------------------------------------------
const seconds = (performance.now() - t0) / 1000;
const fmt = (v: number, digits = 0) => v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

function table(rows: Row[], refs: { label: string; row: Row }[]): string {
  const head = ['implementation', 'ops per input (DESIGN §2)', 'model bytes in flash',
    ...OPTS.flatMap((o) => [`instructions, mean -${o} (min / max)`, ...refs.map((r) => `÷ ${r.label}, -${o}`)]),
    'energy per inference, -Os (derived)', 'flash, -Os', 'RAM, -Os'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 || i === 2 ? '---' : '---:')).join('|')}|`];
  for (const r of rows) {
    const cells = [r.name, fmt(r.ops, 2), r.modelBytes];
    for (const o of OPTS) {
      const x = r.byOpt[o];
      cells.push(`**${fmt(x.mean, 1)}** (${fmt(x.min)} / ${fmt(x.max)})`, ...refs.map((ref) => ratio(x.mean, ref.row.byOpt[o].mean)));
    }
    cells.push(formatEnergy(deviceEnergyOf(device, r.byOpt.Os.mean)), fmt(r.byOpt.Os.flash), fmt(r.byOpt.Os.ram));
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

const [engineTree, compiledTree, walk, ifelse] = treeRows;
const [engineSearch, compiledSearch, cSearch] = searchRows;
const target = (what: string, measured: number, limit: number) => `| ${what} | ${limit}× | ${measured.toFixed(2)}× | ${measured <= limit ? '**met**' : '**missed**'} |`;
const qemu = spawnSync('qemu-system-arm', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
const gcc = spawnSync('arm-none-eabi-gcc', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
const body = `## Cortex-M4 (emulated): condnet beside plain C (\`npm run bench:mcu-baselines\`)

Written by \`npm run bench:mcu-baselines\` (bench/mcu-baselines.ts, bench/c-baselines.ts; ${fmt(seconds)} s) on ${new Date().toISOString().slice(0, 10)}.
One run: the condnet \`tree\` and \`search\` models built on ${SPEC} run through the engine's firmware (\`runMcu\`: the release
engine through wasm2c 1.0.32) and compiled to their own modules (\`condnet compile\`, docs/COMPILE.md), and plain-C baselines generated from the same blobs, all compiled by \`${gcc}\` with the
same flags (\`-mcpu=cortex-m4 -mthumb -mfloat-abi=soft\`, \`-Os\` and \`-O2\`, \`-ffunction-sections -fdata-sections\`),
linked with the same start-up and linker script, run on ${qemu}, machine \`mps2-an386\`, on all ${fmt(ds.n)} digits
streamed through semihosting, each call bracketed by the same marker functions and counted by the same TCG plugin
(\`mcu/insn-plugin.c\`; the call and its argument setup included, the markers' own instructions subtracted). Every output
of every row equals the engine's in Node on every digit (the CART rows: the engine's on the CART tree packed as a condnet
blob, which also gives their ops). The baselines do not check inputs against the model's domain; the engine does.

**\`tree\`** (÷: this row's mean over the C row's mean at the same optimization level):

${table(treeRows, [{ label: 'C node walk', row: walk }, { label: 'C if/else', row: ifelse }])}

**\`search\`**:

${table(searchRows, [{ label: 'C dot product + binary search', row: cSearch }])}

Issue 15's targets, measured here (-Os):

| target | limit | measured | |
|---|---:|---:|---|
${target('`tree`, compiled ÷ C if/else', compiledTree.byOpt.Os.mean / ifelse.byOpt.Os.mean, 1.5)}
${target('`tree`, interpreter ÷ C node walk', engineTree.byOpt.Os.mean / walk.byOpt.Os.mean, 2.5)}
${target('`search`, compiled ÷ C dot product + binary search', compiledSearch.byOpt.Os.mean / cSearch.byOpt.Os.mean, 1.2)}
${target('`search`, interpreter ÷ C dot product + binary search', engineSearch.byOpt.Os.mean / cSearch.byOpt.Os.mean, 2)}

- **model bytes in flash**: condnet engine rows, the blob (in the engine's linear memory, so it takes RAM too;
  docs/MCU.md); compiled rows, the module's functions and data segments as wasm2c and gcc made them (its tables are
  data segments, copied into linear memory at start: RAM too); C rows, the \`bl_*\` tables (\`nm -S\`) and \`baseline_eval\`'s code (the if/else rows are all code).
- **flash** and **RAM**: the whole firmware image and .data + .bss + linear memory + the stack (condnet rows: the
  measured high-water mark + 256 bytes; C rows: 8 KiB; docs/MCU.md); the C firmware holds the baseline, the same
  start-up and a static input row.
- **energy per inference**: the mean instructions at -Os × CPI ${device.cyclesPerInstruction.value} (assumed) × ${device.pJPerCycle.value} pJ per cycle,
  the device model \`${device.name}\` (${device.currentPerMHz.value} µA/MHz at ${device.supply.value} V, ${device.part}; docs/ENERGY.md): derived, not measured.
- **ops per input**: DESIGN §2's count of the model each row implements (the C rows run the same tests and arithmetic;
  CART's are its own trees' depths).
`;
process.stdout.write(`${treeRows.concat(searchRows).map((r) => `${r.name}: -Os ${r.byOpt.Os.mean.toFixed(2)}, -O2 ${r.byOpt.O2.mean.toFixed(2)}`).join('\n')}\n`);
if (quick) {
  // A smoke run on fewer digits does not replace the section's figures.
  process.stdout.write(`${body}\nbench:mcu-baselines --quick: docs/BENCHMARKS.md left as it was (${seconds.toFixed(0)} s)\n`);
} else {
  writeBenchmarkSection('mcu-baselines', body);
  process.stdout.write(`bench:mcu-baselines: wrote the mcu-baselines section of docs/BENCHMARKS.md (${seconds.toFixed(0)} s)\n`);
}
