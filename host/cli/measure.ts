// condnet measure <model.cnb> <dataset> [--json] [--energy [name|file]]: DESIGN §2's counts per
// input, bytes, time, and (DESIGN §7) pJ per input under an energy model file (docs/ENERGY.md).

import type { Command } from 'commander';
import { measure, type MeasureReport } from '../measure/measure.js';
import { DEFAULT_DEVICE_ENERGY_MODEL, DEFAULT_ENERGY_MODEL, loadDeviceEnergyModel, loadEnergyModel, type EnergyReport } from '../measure/energy.js';
import { checkMcuResult, deviceEnergyReport, deviceEnergyText, readMcuResult, type DeviceEnergyReport } from '../mcu/energy.js';
import { table } from '../measure/text-table.js';
import { openDatasetFor, openModelFile, withHeaderOptions } from './io.js';
import { progress, withStep } from './progress.js';

export function measureText(r: MeasureReport): string {
  const row = (name: string, s: { min: number; mean: number; max: number }) => [name, s.min, s.mean, s.max];
  const lines = [
    `${r.dataset}: ${r.n} inputs, ${r.construction}`,
    '',
    table([
      row('mul', r.ops.mul), row('add', r.ops.add), row('cmp', r.ops.cmp), row('ops (total)', r.ops.total),
      row('wordOps', r.wordOps), row('loads (bytes)', r.loads),
    ], ['per input', 'min', 'mean', 'max']),
    '',
  ];
  const classes = Object.entries(r.byClass);
  if (classes.length <= 20) {
    lines.push(table(classes.map(([label, c]) => [label, c.count, c.total.mean, c.total.max, c.cmp.max]),
      ['class', 'inputs', 'ops mean', 'ops max', 'cmp max']), '');
  }
  if (r.lineAlternatingBound !== undefined) {
    lines.push(`line-alternating bound (DESIGN §2, proven for this dataset): worst case needs ≥ ${r.lineAlternatingBound} cmp; measured max ${r.ops.cmp.max}`);
  }
  lines.push(
    r.moduleBytes === undefined ? `blob ${r.blobBytes.toLocaleString('en-US')} bytes, release engine ${r.engineBytes.toLocaleString('en-US')} bytes`
      : `compiled model ${r.moduleBytes.toLocaleString('en-US')} bytes (blob ${r.blobBytes.toLocaleString('en-US')} bytes; counts from the counting engine, which its counting variant matches)`,
    Number.isNaN(r.nsPerInference) ? '' : `${r.nsPerInference.toFixed(1)} ns per inference in ${r.moduleBytes === undefined ? 'the engine' : 'the compiled model'} (batches of 1,024, median)`,
  );
  return lines.filter((l, i, a) => !(l === '' && i === a.length - 1)).join('\n') + '\n';
}

/** The --energy section of the human output. */
export function energyText(e: EnergyReport): string {
  const kb = (b: number | null) => (b === null ? 'any size' : `≤ ${b.toLocaleString('en-US')} bytes`);
  const row = (name: string, s: { mean: number; max: number }) => [name, s.mean, s.max];
  const side = (label: string, x: EnergyReport['integer']) => [
    row(`${label} arithmetic`, x.arithmetic), row(`${label} memory`, x.memory), row(`${label} total`, x.total),
  ];
  return [
    `energy (${e.model}, ${e.file}; estimates, docs/ENERGY.md): model of ${e.modelBytes.toLocaleString('en-US')} bytes read from ${e.sram.name} (${kb(e.sram.maxBytes)}), ${e.sram.pJPer64BitRead} pJ per 64-bit read`,
    table([...side('integer (engine)', e.integer), ...side('float32 (same ops)', e.float32)], ['pJ per input', 'mean', 'max']),
    `float32 / integer, mean total: ${Number.isNaN(e.float32OverInteger) ? '-' : e.float32OverInteger.toFixed(3)}`,
  ].join('\n') + '\n';
}

/** What measure says about the device when it has no instruction counts (docs/DECISIONS.md). */
export const DEVICE_RUN_NEEDED = 'energy on the Cortex-M4: needs a device run (npx condnet mcu <model> <dataset> --json > mcu.json, then --mcu mcu.json; docs/ENERGY.md)\n';

export function registerMeasure(program: Command): void {
  withHeaderOptions(program
    .command('measure')
    .description('count operations, memory reads and bytes per input, and time the engine')
    .argument('<model>', 'model: a blob (.cnb) or a compiled model (.wasm)')
    .argument('<dataset>', 'inputs to measure on (labelled dataset)')
    .option('--no-timing', 'skip the timing run')
    .option('--json', 'print the report as JSON')
    .option('--energy [model]', `pJ per input, integer engine against float32, under an energy model: a built-in name (energy/<name>.json) or a JSON file (default ${DEFAULT_ENERGY_MODEL}; docs/ENERGY.md)`)
    .option('--mcu <mcu.json>', 'energy per inference on the Cortex-M4 from a saved "condnet mcu … --json" of this model on this dataset (measure does not run the device)')
    .option('--device-energy <name|file>', 'device energy model for --mcu (docs/ENERGY.md)', DEFAULT_DEVICE_ENERGY_MODEL))
    .addHelpText('after', '\nExamples:\n  npx condnet measure model.cnb mnist:10000 --json\n  npx condnet measure model.cnb mnist:10000 --energy horowitz-45nm\n' +
      '  npx condnet mcu model.cnb mnist:10000 --json > mcu.json && npx condnet measure model.cnb mnist:10000 --energy --mcu mcu.json')
    .action((model: string, spec: string, flags: { header?: boolean; json?: boolean; timing: boolean; energy?: string | true; mcu?: string; deviceEnergy: string }) => {
      const energyModel = flags.energy === undefined ? null : loadEnergyModel(flags.energy === true ? DEFAULT_ENERGY_MODEL : flags.energy);
      const deviceModel = flags.mcu === undefined ? null : loadDeviceEnergyModel(flags.deviceEnergy);
      const mcuResult = flags.mcu === undefined ? null : readMcuResult(flags.mcu);
      const p = progress(flags.json);
      const opened = openModelFile(model);
      const ds = withStep(p, `load ${spec}`, 1, () => openDatasetFor(opened, spec, flags));
      if (mcuResult && flags.mcu) checkMcuResult(mcuResult, flags.mcu, opened.bytes, model, ds);
      const r: MeasureReport & { device?: DeviceEnergyReport } = withStep(p, flags.timing ? 'count and time in the engine' : 'count in the engine', 1,
        () => measure(opened, ds, { timing: flags.timing, ...(energyModel ? { energy: energyModel } : {}) }));
      if (deviceModel && mcuResult) r.device = deviceEnergyReport(deviceModel, mcuResult);
      if (flags.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      else {
        let text = measureText(r) + (r.energy ? '\n' + energyText(r.energy) : '');
        if (r.device) text += '\n' + deviceEnergyText(r.device) + `  (instructions from ${flags.mcu}: ${r.device.run.inputs.toLocaleString('en-US')} inputs at -${r.device.run.opt}, mean ${r.device.run.instructions.mean.toFixed(2)})\n`;
        else if (r.energy) text += DEVICE_RUN_NEEDED;
        process.stdout.write(text);
      }
    });
}
