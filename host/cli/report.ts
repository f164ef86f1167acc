// condnet report <model.cnb> <dataset> -o report.html [--sweep sweep.json] [--frontier f.json] [--energy name|file]:
// one self-contained HTML page with the model's charts (host/report/, docs/REPORT.md).

import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { checkOutputPath, writeFileAtomic } from '../io/atomic-write.js';
import { DEFAULT_DEVICE_ENERGY_MODEL, DEFAULT_ENERGY_MODEL, energyOf, loadDeviceEnergyModel, loadEnergyModel } from '../measure/energy.js';
import { checkMcuResult, deviceEnergyReport, readMcuResult } from '../mcu/energy.js';
import { collectReport, parseFrontierJson, parseSweepJson, renderReport } from '../report/index.js';
import { CliError } from './errors.js';
import { openDatasetFor, openModelFile, withHeaderOptions } from './io.js';
import { progress } from './progress.js';

interface ReportFlags { output: string; sweep?: string; frontier?: string; energy: string; header?: boolean; mcu?: string; deviceEnergy: string }

/** A file the report draws from, as text; a read failure is one line naming it. */
function readInputFile(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export function registerReport(program: Command): void {
  withHeaderOptions(program
    .command('report')
    .description('write one self-contained HTML page: ops per input (histogram, by class), energy by class, blob bytes by section, and a sweep')
    .argument('<model>', 'model: a blob (.cnb) or a compiled model (.wasm)')
    .argument('<dataset>', 'inputs to measure on (labelled dataset)')
    .requiredOption('-o, --output <file.html>', 'the page to write')
    .option('--sweep <sweep.json>', 'also draw ops against n from the JSON of "condnet sweep --json"')
    .option('--frontier <frontier.json>', 'also draw mean ops against held-out fidelity of synthesized graphs, from the file of "npm run bench:synth-fidelity" (docs/synth-fidelity.json)')
    .option('--energy <name|file>', 'energy model: a built-in name (energy/<name>.json) or a JSON file', DEFAULT_ENERGY_MODEL)
    .option('--mcu <mcu.json>', 'energy on the Cortex-M4 from a saved "condnet mcu … --json" of this model on this dataset')
    .option('--device-energy <name|file>', 'device energy model for --mcu (docs/ENERGY.md)', DEFAULT_DEVICE_ENERGY_MODEL))
    .addHelpText('after', '\nExample:\n  npx condnet sweep --constructions search,tree --n-max 65536 --json > sweep.json\n'
      + '  npx condnet report model.cnb mnist:10000 --sweep sweep.json -o report.html')
    .action(async (model: string, spec: string, flags: ReportFlags) => {
      // Every input is checked before the long part, so a typo fails at once.
      checkOutputPath(flags.output);
      const opened = openModelFile(model);
      const sweep = flags.sweep === undefined ? undefined : parseSweepJson(readInputFile(flags.sweep, 'sweep'), flags.sweep);
      const frontier = flags.frontier === undefined ? undefined : parseFrontierJson(readInputFile(flags.frontier, 'frontier'), flags.frontier);
      const energy = loadEnergyModel(flags.energy);
      const deviceModel = flags.mcu === undefined ? undefined : loadDeviceEnergyModel(flags.deviceEnergy);
      const mcuResult = flags.mcu === undefined ? undefined : readMcuResult(flags.mcu);
      const ds = openDatasetFor(opened, spec, flags);
      if (mcuResult && flags.mcu) checkMcuResult(mcuResult, flags.mcu, opened.bytes, model, ds);
      const device = deviceModel && mcuResult && flags.mcu ? { file: flags.mcu, energy: deviceEnergyReport(deviceModel, mcuResult) } : undefined;

      const p = progress();
      const counting = p.step('count operations', ds.n);
      let data;
      try {
        data = collectReport(opened, ds, {
          energy: { model: energy.name, of: (counts, bytes) => energyOf(energy, counts, bytes) },
          onProgress: (done) => counting.update(done),
        });
      } finally {
        counting.stop();
      }
      const drawing = p.step('draw the charts', 1);
      let html: string;
      try {
        html = await renderReport({
          model, data, ...(sweep && flags.sweep ? { sweep: { file: flags.sweep, report: sweep } } : {}),
          ...(frontier && flags.frontier ? { frontier: { file: flags.frontier, report: frontier } } : {}), ...(device ? { device } : {}),
        });
        drawing.update(1);
      } finally {
        drawing.stop();
      }
      writeFileAtomic(flags.output, html);
      process.stdout.write(`${data.dataset}: ${data.n} inputs, ${data.construction}; ops per input ${data.ops.total.mean.toFixed(2)} mean, ${data.ops.total.max} max\n`
        + `wrote ${flags.output} (${Buffer.byteLength(html).toLocaleString('en-US')} bytes)\n`);
    });
}
