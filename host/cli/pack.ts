// condnet pack <network> [--dataset D] [--weight-bits B] -o dense.cnb: a trained float network
// (condnet JSON, tfjs model.json or ONNX) quantized exactly (DESIGN §4) into a dense blob that can be
// verified and measured like every other model.

import type { Command } from 'commander';
import { QuantMode } from '../../assembly/format.js';
import { Engine } from '../engine/engine.js';
import { writeBlob } from '../format/writer.js';
import { floatClassify } from '../import/float-network.js';
import { loadFloatNetwork } from '../import/load.js';
import { DEFAULT_WEIGHT_BITS, quantizeNetwork, type NetworkQuantization } from '../import/quantize-network.js';
import { outputClasses, packForDataset } from '../import/pack.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { CliError } from './errors.js';
import { openDataset, parseIntOption, withHeaderOptions } from './io.js';
import { progress, withStep } from './progress.js';

interface PackFlags { dataset?: string; weightBits: number; fracBits: number; inputRange: string; output: string; json?: boolean; header?: boolean }

export function registerPack(program: Command): void {
  withHeaderOptions(program
    .command('pack')
    .description('quantize a trained dense ReLU network exactly (power-of-two scales) into a dense blob')
    .argument('<network>', 'condnet network JSON, a tfjs layers model.json, or an ONNX model')
    .option('--dataset <spec>', 'the inputs it serves: their quantization and domain, and a count of changed predictions')
    .option('--weight-bits <b>', 'signed bits per weight after scaling', parseIntOption('--weight-bits'), DEFAULT_WEIGHT_BITS)
    .option('--frac-bits <f>', 'without --dataset: inputs as round(x·2^f)', parseIntOption('--frac-bits'), 8)
    .option('--input-range <lo,hi>', 'without --dataset: the range of every input', '0,1')
    .requiredOption('-o, --output <file>', 'dense blob to write')
    .option('--json', 'print a JSON summary'))
    .addHelpText('after', '\nExample:\n  condnet pack test/fixtures/mnist-mlp/model.json --dataset mnist:10000 -o mlp.cnb')
    .action((file: string, flags: PackFlags) => {
      const p = progress(flags.json);
      const net = loadFloatNetwork(file);
      const ds = flags.dataset ? withStep(p, `load ${flags.dataset}`, 1, () => openDataset(flags.dataset!, flags)) : undefined;
      let q: NetworkQuantization;
      let xq: Int32Array | undefined;
      if (ds) {
        ({ xq, ...q } = withStep(p, 'quantize', 1, () => packForDataset(net, ds, flags.weightBits)));
      } else {
        const [lo, hi] = flags.inputRange.split(',').map(Number);
        if (!(lo <= hi)) throw new CliError(`--input-range must be lo,hi with lo ≤ hi, got "${flags.inputRange}"`, 2);
        const s = 2 ** flags.fracBits;
        const domain = { lo: new Int32Array(net.inputDim).fill(Math.floor(lo * s)), hi: new Int32Array(net.inputDim).fill(Math.ceil(hi * s)) };
        q = quantizeNetwork(net, { mode: QuantMode.FracBits, param: flags.fracBits }, domain, outputClasses(net), flags.weightBits);
      }
      const blob = writeBlob(q.network);
      // How many of the given inputs the quantized network classifies differently from the float one.
      let changed: number | undefined;
      if (ds && xq) {
        changed = withStep(p, 'compare with the float network', ds.n, (step) => {
          const engine = new Engine('release');
          engine.loadOrThrow(blob);
          const out = engine.evaluateBatch(xq!, ds.n);
          let k = 0;
          for (let i = 0; i < ds.n; i++) {
            if (out[i] !== floatClassify(net, ds.x, i * ds.dim)) k++;
            if (i % 1024 === 0) step.update(i);
          }
          return k;
        });
      }
      writeFileAtomic(flags.output, blob);
      const summary = {
        network: file, layers: net.layers.map((l) => `${l.inputs}→${l.outputs}${l.relu ? ' relu' : ''}`),
        weightBits: flags.weightBits, shifts: q.shifts, bounds: q.bounds.map(String),
        blobBytes: blob.length, output: flags.output,
        ...(ds ? { dataset: ds.name, inputs: ds.n, changedPredictions: changed } : {}),
      };
      if (flags.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
      else {
        process.stdout.write(
          `${file}: ${summary.layers.join(', ')}; weights ×2^(${q.shifts.join(', ')}) into ${flags.weightBits}-bit integers\n` +
          (ds ? `${ds.name}: the integer network changes the float network's class on ${changed} of ${ds.n} inputs\n` : '') +
          `wrote ${flags.output} (${blob.length.toLocaleString('en-US')} bytes)\n`);
      }
    });
}
