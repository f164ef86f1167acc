// Kind 3, `dense` (DESIGN §2, §3.3): an unconditional network, every neuron run for every
// input. Its layers are the shared part (./layers.ts); this is the kind around them.

import { NodeKind } from '../../assembly/format.js';
import type { BlobView } from '../format/blob-view.js';
import { inputValues, type Evaluation } from '../engine/evaluation.js';
import { zeroCounts } from '../measure/counts.js';
import type { DenseNetwork } from '../network.js';
import type { Kind, Common } from './kind.js';
import { denseBufferBytes, readLayers, runLayers, writeLayers } from './layers.js';

/** The engine's validateDense: the layers, then the scratch of their two buffers. */
function read(b: BlobView, common: Common): DenseNetwork {
  const { layers, output, widest } = readLayers(b);
  b.checkScratch(16 * widest, 'two i64 buffers of the widest layer');
  return { kind: 'dense', ...common, layers, output };
}

function evaluate(net: DenseNetwork, x: Int32Array, offset: number): Evaluation {
  return runLayers(net, net.classes.length, inputValues(net.dim, x, offset), zeroCounts());
}

export const dense: Kind<DenseNetwork> = {
  nodeKind: NodeKind.Dense,
  write: (net) => [writeLayers(net)],
  read,
  evaluate,
  scratchBytes: (net) => denseBufferBytes(net.dim, net.layers),
};
