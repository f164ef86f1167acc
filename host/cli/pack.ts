// condnet pack <network> [--dataset D] [--weight-bits B] [--class-names …] [--max-changed N]
// -o dense.cnb: a trained float network (condnet JSON, tfjs model.json or ONNX) quantized
// exactly (DESIGN §4) into a dense blob that can be verified and measured like every other
// model. With a dataset, the quantization is searched until the integer network answers the
// float network's class on every input (docs/NETWORKS.md).

import type { Command } from 'commander';
import { QuantMode } from '../../assembly/format.js';
import { writeBlob } from '../format/writer.js';
import { classNames } from '../import/float-network.js';
import { loadFloatNetwork } from '../import/load.js';
import { describeFit, fitNetwork, type NetworkFit } from '../import/pack.js';
import { quantizeNetwork, type NetworkQuantization } from '../import/quantize-network.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { CliError } from './errors.js';
import { changedRefusal, openDataset, parseIntOption, withHeaderOptions, withNetworkOptions } from './io.js';
import { progress, withStep } from './progress.js';

interface PackFlags {
  dataset?: string; weightBits?: number; fracBits: number; inputRange: string; output: string; json?: boolean; header?: boolean;
  classNames?: string[]; maxChanged?: number;
}

export function registerPack(program: Command): void {
  withNetworkOptions(withHeaderOptions(program
    .command('pack')
    .description('quantize a trained dense ReLU network exactly (power-of-two scales) into a dense blob that answers as the float network does')
    .argument('<network>', 'condnet network JSON, a tfjs layers model.json, or an ONNX model')
    .option('--dataset <spec>', 'the inputs it serves: the quantization is searched until the integer network answers the float network\'s class on each')
    .option('--weight-bits <b>', 'signed bits per weight after scaling (default: searched from 8 with a dataset, else 8)', parseIntOption('--weight-bits'))
    .option('--frac-bits <f>', 'without --dataset: inputs as round(x·2^f)', parseIntOption('--frac-bits'), 8)
    .option('--input-range <lo,hi>', 'without --dataset: the range of every input', '0,1')
    .requiredOption('-o, --output <file>', 'dense blob to write')
    .option('--json', 'print a JSON summary')))
    .addHelpText('after', '\nExample:\n  npx condnet pack test/fixtures/mnist-mlp/model.json --dataset mnist:10000 -o mlp.cnb')
    .action((file: string, flags: PackFlags) => {
      const p = progress(flags.json);
      const net = loadFloatNetwork(file);
      const ds = flags.dataset ? withStep(p, `load ${flags.dataset}`, 1, () => openDataset(flags.dataset!, flags)) : undefined;
      let q: NetworkQuantization & { weightBits: number };
      let fit: NetworkFit | undefined;
      if (ds) {
        fit = withStep(p, 'quantize until the integer network agrees', 1, (step) =>
          fitNetwork(net, ds, { weightBits: flags.weightBits, classNames: flags.classNames, onStep: (d, t) => step.update(d / t) }));
        q = fit;
      } else {
        const [lo, hi] = flags.inputRange.split(',').map(Number);
        if (!(lo <= hi)) throw new CliError(`--input-range must be lo,hi with lo ≤ hi, got "${flags.inputRange}"`, 2);
        const s = 2 ** flags.fracBits;
        const domain = { lo: new Int32Array(net.inputDim).fill(Math.floor(lo * s)), hi: new Int32Array(net.inputDim).fill(Math.ceil(hi * s)) };
        const weightBits = flags.weightBits ?? 8;
        q = { ...quantizeNetwork(net, { mode: QuantMode.FracBits, param: flags.fracBits }, domain, classNames(net, flags.classNames), weightBits), weightBits };
      }
      const blob = writeBlob(q.network);
      const changed = fit ? fit.n - fit.agree : 0;
      const refusal = fit ? changedRefusal(changed, fit.n, flags.maxChanged) : undefined;
      if (!refusal) writeFileAtomic(flags.output, blob);
      const summary = {
        network: file, layers: net.layers.map((l) => `${l.inputs}→${l.outputs}${l.relu ? ' relu' : ''}`),
        classes: q.network.classes, quantization: describeFit({ quant: q.network.quant, weightBits: q.weightBits }),
        weightBits: q.weightBits, shifts: q.shifts, bounds: q.bounds.map(String),
        blobBytes: blob.length, output: refusal ? null : flags.output,
        ...(ds && fit ? {
          dataset: ds.name, inputs: ds.n, changedPredictions: changed,
          agreement: { agree: fit.agree, n: fit.n, share: fit.agree / fit.n },
          ...(fit.limit ? { limit: fit.limit } : {}),
          steps: fit.steps.map((s) => ({ step: describeFit(s), ...(s.agree !== undefined ? { agree: s.agree } : { refused: s.refused }) })),
        } : {}),
      };
      if (flags.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
      else {
        const pct = fit ? ((100 * fit.agree) / fit.n).toFixed(2) : '';
        process.stdout.write(
          `${file}: ${summary.layers.join(', ')}; classes ${q.network.classes.join(', ')}\n` +
          `${summary.quantization}; weights ×2^(${q.shifts.join(', ')})\n` +
          (ds && fit ? `${ds.name}: the integer network answers the float network's class on ${fit.agree.toLocaleString('en-US')} / ${fit.n.toLocaleString('en-US')} inputs (${pct}%)` +
            (fit.limit ? `; ${fit.limit}` : '') + '\n' : '') +
          (refusal ? '' : `wrote ${flags.output} (${blob.length.toLocaleString('en-US')} bytes)\n`));
      }
      if (refusal) {
        process.stderr.write(`condnet: ${refusal}\n`);
        process.exitCode = 1;
      }
    });
}
