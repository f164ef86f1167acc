// condnet mcu <model.cnb> <dataset> [--opt Os|O2|O3] [--counting] [--limit N] [--json] [--work dir]:
// the model on an emulated Cortex-M4 (docs/MCU.md), through runMcu (host/mcu/run.ts); this file
// holds the options and the printing.

import { basename } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { join } from 'node:path';
import { DEFAULT_DEVICE_ENERGY_MODEL, DEFAULT_ENERGY_MODEL, loadDeviceEnergyModel, loadEnergyModel } from '../measure/energy.js';
import { deviceEnergyReport, deviceEnergyText, modelSha256, operationsEnergyFor, operationsEnergyLine } from '../mcu/energy.js';
import { compileForDevice, MCU_OPTS, mcuWorkDir, runMcu, STACK_MARGIN, type CompiledForDevice, type McuOpt, type McuReport } from '../mcu/run.js';
import { CondnetError } from '../errors.js';
import { openModelFile } from './io.js';
import { CliError } from './errors.js';
import { openDatasetFor, parseIntOption, withHeaderOptions } from './io.js';
import { progress, withStep } from './progress.js';

const int = (v: number) => v.toLocaleString('en-US');

export function mcuText(r: McuReport): string {
  const s = r.sizes;
  const lines = [
    `${basename(r.model)} (${r.kind}${r.runs === 'compiled' ? ', compiled' : ''}) on ${r.dataset}: ${int(r.inputs)} inputs on the ${r.target.replace(/-mthumb$/, `-mthumb -${r.opt}`)}`,
    `outputs: ${int(r.outputs.match)} / ${int(r.outputs.total)} identical to the engine in Node`,
    ...r.outputs.mismatches.map((m) => `  input #${m.input}: Node ${m.expected}, Cortex-M4 ${m.actual}`),
  ];
  if (r.counting) {
    lines.push(`counting build: ${int(r.counting.match)} / ${int(r.counting.total)} identical (class, mul, add, cmp, wordOps, loads)`,
      ...r.counting.mismatches.map((m) => `  input #${m.input}: Node ${m.expected}, Cortex-M4 ${m.actual}`));
  }
  lines.push(
    `instructions per inference: mean ${r.instructions.mean.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}, min ${int(r.instructions.min)}, max ${int(r.instructions.max)}` +
      ` (the evaluate() call, marker overhead of ${r.instructions.calibration} subtracted)`,
    `flash: ${int(s.flash)} bytes (text ${int(s.text)} + rodata ${int(s.rodata)} + data ${int(s.data)}); ${int(s.flashWithoutModel)} without the model's ${int(s.modelBytes)}-byte ${r.runs === 'compiled' ? 'code and tables' : 'array'}`,
    `RAM: ${int(s.ram)} bytes: wasm linear memory ${int(s.wasmMemory)} (${r.runs === 'compiled' ? "the module's static data" : 'the model copy, its scratch'} and one input), .data + .bss ${int(s.data + s.bss)}, stack ${int(s.stack)} reserved (${int(s.stackUsed)} used at most, plus ${STACK_MARGIN})`,
  );
  const e = r.energy;
  const estimate = !e ? '' : e.operations ? operationsEnergyLine(e.operations) : e.operationsSkipped ? `45 nm estimate: not computed (${e.operationsSkipped})\n` : '';
  return lines.join('\n') + '\n' + (e ? deviceEnergyText(e.device) + estimate : '');
}

interface McuFlags {
  opt: McuOpt;
  counting?: boolean;
  limit?: number;
  work?: string;
  json?: boolean;
  header?: boolean;
  timeout: number;
  compiled?: boolean;
  deviceEnergy: string;
  energy: string;
}

export function registerMcu(program: Command): void {
  withHeaderOptions(program
    .command('mcu')
    .description('run a model on an emulated Cortex-M4 (wasm2c + arm-none-eabi-gcc, QEMU mps2-an386): outputs against Node, instructions per inference, flash and RAM')
    .argument('<model>', 'the model: a blob (.cnb), run by the engine, or a compiled model (.wasm), run as compiled code')
    .argument('<dataset>', 'inputs, as for measure (CSV, JSON lines, mnist:N, synthetic:…)')
    .addOption(new Option('--opt <level>', 'arm-none-eabi-gcc optimization').choices(MCU_OPTS).default('Os'))
    .option('--counting', 'also run the counting engine build and compare its counts per input with Node\'s')
    .option('--compiled', 'a blob: run it compiled (condnet compile) instead of in the engine')
    .option('--limit <n>', 'only the first n inputs', parseIntOption('--limit'))
    .option('--work <dir>', 'folder for the firmware and its files (default build/mcu/<model>-<opt>)')
    .option('--timeout <seconds>', 'QEMU time limit per run', parseIntOption('--timeout'), 1800)
    .option('--device-energy <name|file>', 'device energy model pricing each instruction (docs/ENERGY.md)', DEFAULT_DEVICE_ENERGY_MODEL)
    .option('--energy <name|file>', 'operations energy model for the 45 nm estimate beside it', DEFAULT_ENERGY_MODEL)
    .option('--json', 'print the report as JSON (instructions per input included)'))
    .addHelpText('after', '\nNeeds Debian\'s wabt, gcc-arm-none-eabi, libnewlib-arm-none-eabi, qemu-system-arm and gcc (docs/MCU.md).\n' +
      '\nExamples:\n  npx condnet mcu mnist-tree.cnb mnist:10000\n  npx condnet mcu mnist-search.cnb mnist:1000 --opt O2 --counting')
    .action(async (file: string, spec: string, flags: McuFlags) => {
      if (flags.limit !== undefined && flags.limit < 1) throw new CliError('--limit must be at least 1', 2);
      // Energy models first, so a typo fails before minutes of QEMU.
      const device = loadDeviceEnergyModel(flags.deviceEnergy);
      const operations = loadEnergyModel(flags.energy);
      const p = progress(flags.json);
      const model = openModelFile(file);
      const ds = withStep(p, `load ${spec}`, 1, () => openDatasetFor(model, spec, flags));
      // A compiled model runs as its device build: compiled again from the blob it carries, with
      // its memory a constant the C compiler sees (docs/COMPILE.md), and a counting variant.
      const step = model.compiled || flags.compiled ? p.step('compile the model for the device', 1) : undefined;
      let compiled: CompiledForDevice | undefined;
      if (step) {
        try {
          compiled = await compileForDevice(model.blob, join(mcuWorkDir(file, flags.opt, flags.work), 'modules'), !!flags.counting);
          step.update(1);
        } finally {
          step.stop();
        }
      }
      const r = withStep(p, 'build the firmware, run it in QEMU', 1, () =>
        runMcu(file, ds, { opt: flags.opt, counting: flags.counting, limit: flags.limit, workDir: flags.work, timeoutSeconds: flags.timeout, compiled }));
      r.modelSha256 = modelSha256(model.bytes);
      r.energy = { device: deviceEnergyReport(device, r) };
      try {
        r.energy.operations = withStep(p, 'count the same inputs in Node (45 nm estimate)', 1, () => operationsEnergyFor(model.blob, ds, operations, flags.limit));
      } catch (e) {
        // The device run stands on its own; an input the engine refuses (it answers an error
        // code on the device too) leaves the 45 nm estimate out, saying why.
        if (!(e instanceof CondnetError)) throw e;
        r.energy.operationsSkipped = e.userMessage;
      }
      if (flags.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      else process.stdout.write(mcuText(r));
      const bad = r.outputs.match !== r.outputs.total || (r.counting !== undefined && r.counting.match !== r.counting.total);
      if (bad) process.exitCode = 1;
    });
}
