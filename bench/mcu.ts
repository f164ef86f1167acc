// Cortex-M4 benchmark (`npm run bench:mcu`; needs the packages of `npm run test:mcu`, docs/MCU.md):
// instructions per inference on QEMU's mps2-an386, counted by the project's TCG plugin, for
// `search`, `tree` and `interp` on mnist:1000 and mnist:10000, the demonstration MLP packed as a
// dense blob and its synthesized conditional graph, each with arm-none-eabi-gcc -Os and -O2;
// with the firmware's flash (with and without the model) and RAM. Every run also checks the
// firmware's outputs against the engine in Node. Writes the `mcu` section of docs/BENCHMARKS.md.
//
// Inputs: every input of the dataset, streamed from a host file through semihosting.
//
// usage: node dist/bench/mcu.js [--quick]   (--quick: mnist:1000 models only, for a smoke run)

import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '../host/data/source.js';
import { measure } from '../host/measure/measure.js';
import { MCU_ROOT, runMcu, type McuOpt, type McuReport } from '../host/mcu/run.js';
import { readModel } from '../host/io/read-model.js';
import { writeBenchmarkSection } from './markdown-section.js';

const CLI = fileURLToPath(new URL('../host/cli/main.js', import.meta.url));
const MLP = fileURLToPath(new URL('../../test/fixtures/mnist-mlp/model.json', import.meta.url));
const WORK = join(MCU_ROOT, 'build', 'mcu', 'bench');
const OPTS: McuOpt[] = ['Os', 'O2'];
const quick = process.argv.includes('--quick');

interface Case {
  name: string;
  file: string;
  dataset: string;
  make: string[];
  /** Inputs run (undefined: all). */
  limit?: number;
}

const cases: Case[] = [];
for (const n of quick ? [1000] : [1000, 10000]) {
  for (const c of ['search', 'tree', 'interp']) {
    cases.push({
      name: `${c}`, file: `mnist-${n}-${c}.cnb`, dataset: `mnist:${n}`,
      make: ['build', `mnist:${n}`, '--construction', c],
    });
  }
}
if (!quick) {
  cases.push({ name: 'MLP 784-64-32-10 (dense)', file: 'mlp.cnb', dataset: 'mnist:10000', make: ['pack', MLP, '--dataset', 'mnist:10000'] });
  cases.push({ name: 'MLP synthesized (graph)', file: 'mlp-synth.cnb', dataset: 'mnist:10000', make: ['synth', MLP, 'mnist:10000[0:8000]'] });
}

function run(args: string[]): void {
  const r = spawnSync(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`condnet ${args.join(' ')} failed (status ${r.status})`);
}

const fmt = (v: number, digits = 0) => v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const t0 = performance.now();
mkdirSync(WORK, { recursive: true });
const rows: string[] = [];
let sizes: McuReport['sizes'] | undefined;
for (const c of cases) {
  const model = join(WORK, c.file);
  run([...c.make, '-o', model]);
  const ds = loadDataset(c.dataset);
  const sample = c.limit !== undefined && c.limit < ds.n ? loadDataset(`${c.dataset}[0:${c.limit}]`) : ds;
  const ops = measure(readModel(model), sample, { timing: false }).ops.total;
  const byOpt: McuReport[] = [];
  for (const opt of OPTS) {
    const r = runMcu(model, sample, { opt, workDir: join(WORK, `${c.file.replace(/\.cnb$/, '')}-${opt}`) });
    if (r.outputs.match !== r.outputs.total) throw new Error(`${c.file} -${opt}: ${r.outputs.total - r.outputs.match} outputs differ from Node`);
    process.stderr.write(`bench:mcu: ${c.file} on ${sample.name} -${opt}: mean ${r.instructions.mean.toFixed(2)} insns (${r.seconds.run.toFixed(1)} s in QEMU)\n`);
    byOpt.push(r);
  }
  const [os, o2] = byOpt;
  sizes ??= os.sizes;
  const ins = (r: McuReport) => `${fmt(r.instructions.mean, 1)} | ${fmt(r.instructions.min)} / ${fmt(r.instructions.max)}`;
  rows.push(`| ${c.name} | ${c.dataset} | ${c.limit !== undefined && c.limit < ds.n ? `first ${fmt(c.limit)} (every input costs the same)` : `all ${fmt(ds.n)}`} | ` +
    `${fmt(ops.mean, 2)} | ${ins(os)} | ${ins(o2)} | ${(os.instructions.mean / ops.mean).toFixed(1)} | ${fmt(os.sizes.modelBytes)} | ` +
    `${fmt(os.sizes.flash)} | ${fmt(os.sizes.ram)} (${fmt(os.sizes.memoryBytes)} B linear memory) | ${fmt(os.sizes.stackUsed)} |`);
}
const seconds = (performance.now() - t0) / 1000;
const s = sizes!;
const qemu = spawnSync('qemu-system-arm', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
const gcc = spawnSync('arm-none-eabi-gcc', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
const body = `## Cortex-M4 (emulated): instructions per inference, flash and RAM

Written by \`npm run bench:mcu\` (${fmt(seconds)} s; [docs/MCU.md](MCU.md)). The release engine
through \`wasm2c\` (wabt 1.0.32) and \`${gcc}\` (\`-mcpu=cortex-m4 -mthumb\`, soft float),
bare-metal runtime \`mcu/wasm-rt-mcu.c\` (explicit bounds checks, call-depth counting), run on
${qemu}, machine \`mps2-an386\`, semihosting. Instructions are counted exactly by the
project's TCG plugin (\`mcu/insn-plugin.c\`) between two marker functions around each
\`evaluate()\` call, the call and its argument setup included, the markers' own instructions
subtracted. Every run's outputs equal the engine's in Node. Every input of each dataset runs,
streamed from a host file through semihosting. The MLP of the synthesis issue, packed with
\`condnet pack test/fixtures/mnist-mlp/model.json --dataset mnist:10000\`, and its conditional
version, \`condnet synth test/fixtures/mnist-mlp/model.json 'mnist:10000[0:8000]'\`, run on all
10,000 digits (the graph is exact on the first 8,000; on the rest it answers its own class).

| model | dataset | inputs run | ops per input, mean (DESIGN §2) | instructions, mean (-Os) | min / max (-Os) | instructions, mean (-O2) | min / max (-O2) | instructions per op (-Os) | model bytes (flash; copied to RAM) | flash, -Os | RAM, -Os | stack used, -Os |
|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}

Firmware without the model (-Os): **${fmt(s.flashWithoutModel)} bytes of flash** (text ${fmt(s.text)} + rodata
${fmt(s.rodata - s.modelBytes)} + data ${fmt(s.data)}; the flash image minus the model array; an
empty-model build measures the same within alignment). RAM: the model is copied into the wasm
linear memory, a static buffer of whole 64 KiB pages (model, declared scratch, one input), plus
.data + .bss ${fmt(s.data + s.bss)} bytes and a stack of ${fmt(s.stack)} bytes (its high-water mark, from a painted
stack, in the last column).
`;
writeBenchmarkSection('mcu', body);
process.stdout.write(`bench:mcu: wrote the mcu section of docs/BENCHMARKS.md (${seconds.toFixed(0)} s)\n`);
