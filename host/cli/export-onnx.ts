// condnet export-onnx <dense.cnb|network> -o model.onnx [--float64] [--inexact] [--json]: an ONNX
// model (opset 13, Gemm + Relu per layer, input `x` [N, d], output `scores` [N, C], class =
// argmax with the lowest index winning ties) of a network file's float weights as they are, or
// of a dense blob's integer network, exact when its proven bounds allow (host/export/onnx.ts).

import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { MAGIC } from '../../assembly/format.js';
import { denseNetworkToOnnx, EXACT_INTEGER_LIMIT, floatNetworkToOnnx, type OnnxElement } from '../export/onnx.js';
import { readBlob } from '../format/reader.js';
import { classNames } from '../import/float-network.js';
import { loadFloatNetwork } from '../import/load.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { CliError } from './errors.js';
import { parseClassNames } from './io.js';

interface ExportFlags { output: string; float64?: boolean; inexact?: boolean; json?: boolean; classNames?: string[] }

function isBlob(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) === MAGIC;
}

export function registerExportOnnx(program: Command): void {
  program
    .command('export-onnx')
    .description('write an ONNX model (Gemm + Relu per layer) of a network file or of a dense blob\'s integer network')
    .argument('<network>', 'a dense blob (.cnb from `pack`), or a network file (condnet JSON, tfjs model.json, ONNX) exported with its float weights as they are')
    .requiredOption('-o, --output <file>', 'ONNX model to write')
    .option('--float64', 'dense blobs: double initializers and tensors (exact up to 2^53 instead of 2^24)')
    .option('--inexact', 'dense blobs: export even when the element type cannot hold every value exactly')
    .option('--class-names <a,b,…>', "network files: the text of the outputs 0, 1, …, written into the model's metadata (default: the file's names, else 0, 1, …)", parseClassNames)
    .option('--json', 'print a JSON summary')
    .addHelpText('after', '\nThe model takes x [N, d] and gives scores [N, C]; the class of a row is the argmax of its scores,\n' +
      'the lowest index winning ties. Network files keep their inputs (the MNIST MLP: pixel / 255); a dense blob\'s\n' +
      'model takes the engine\'s integers (MNIST: the pixel 0–255) and is refused unless it computes them exactly.\n' +
      '\nExamples:\n' +
      '  npx condnet export-onnx test/fixtures/mnist-mlp/model.json -o mlp.onnx\n' +
      '  npx condnet pack test/fixtures/mnist-mlp/model.json --dataset mnist:10000 -o mlp.cnb\n' +
      '  npx condnet export-onnx mlp.cnb --float64 -o mlp-int.onnx')
    .action((file: string, flags: ExportFlags) => {
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(readFileSync(file));
      } catch (e) {
        throw new CliError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      let summary: Record<string, unknown>;
      let out: Uint8Array;
      if (isBlob(bytes)) {
        const { network } = readBlob(bytes);
        if (flags.classNames) throw new CliError('--class-names applies to network files; a dense blob keeps the class names it was packed with');
        if (network.kind !== 'dense') {
          throw new CliError(`${file}: a ${network.kind} blob; export-onnx takes an unconditional dense blob (from \`condnet pack\`) or a network file`);
        }
        const element: OnnxElement = flags.float64 ? 'float64' : 'float32';
        const r = denseNetworkToOnnx(network, { element, inexact: flags.inexact, source: file });
        out = r.bytes;
        summary = {
          network: file, source: 'dense blob', element, exact: r.exact,
          largestValue: String(r.exactness.largest), exactLimit: String(EXACT_INTEGER_LIMIT[element]),
          bounds: r.exactness.bounds.map(String), input: `the engine's integers`,
        };
      } else {
        if (flags.float64 || flags.inexact) throw new CliError('--float64 and --inexact apply to dense blobs; a network file is exported as float32, its weights as they are');
        const loaded = loadFloatNetwork(file);
        const net = { ...loaded, classes: classNames(loaded, flags.classNames) };
        const r = floatNetworkToOnnx(net);
        out = r.bytes;
        summary = { network: file, source: 'float network', element: 'float32', classes: net.classes, roundedToFloat32: r.rounded, input: 'as the network takes it' };
        if (r.rounded > 0 && !flags.json) process.stderr.write(`condnet: ${r.rounded} weights and biases of ${file} rounded to float32\n`);
      }
      writeFileAtomic(flags.output, out);
      summary = { ...summary, output: flags.output, bytes: out.length };
      if (flags.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
      else {
        const exact = summary.source === 'dense blob'
          ? (summary.exact ? `, exact (every value an integer ≤ ${summary.largestValue} ≤ ${summary.exactLimit})` : ', NOT exact (--inexact: scores are rounded)')
          : '';
        process.stdout.write(`${file}: ${summary.source} as ${summary.element}${exact}; class = argmax of scores (lowest index wins ties)\n` +
          `wrote ${flags.output} (${out.length.toLocaleString('en-US')} bytes)\n`);
      }
    });
}
