// A float network → the exact integer dense network for a dataset's inputs: the dataset's
// quantization and domain, its class names when the outputs match them in number. Shared by
// `condnet pack` and `verify --against`, so both mean the same integer network.

import type { Dataset } from '../data/dataset.js';
import { chooseQuantization, inputDomain, quantize } from '../data/quantize.js';
import type { FloatNetwork } from './float-network.js';
import { NetworkImportError } from './float-network.js';
import { DEFAULT_WEIGHT_BITS, quantizeNetwork, type NetworkQuantization } from './quantize-network.js';

/** The class names of the outputs: the network's own, else the dataset's when they match in
 *  number (a network trained on the dataset's class indices), else the output indices. */
export function outputClasses(net: FloatNetwork, ds?: Dataset): string[] {
  const outputs = net.layers[net.layers.length - 1].outputs;
  if (net.classes) return net.classes;
  if (ds && ds.classes.length === outputs) return ds.classes;
  return Array.from({ length: outputs }, (_, i) => String(i));
}

export function packForDataset(net: FloatNetwork, ds: Dataset, weightBits = DEFAULT_WEIGHT_BITS): NetworkQuantization & { xq: Int32Array } {
  if (ds.dim !== net.inputDim) throw new NetworkImportError(net.source, `takes ${net.inputDim} inputs; ${ds.name} has ${ds.dim}`);
  const quant = chooseQuantization(ds);
  const xq = quantize(ds, quant);
  return { ...quantizeNetwork(net, quant, inputDomain(ds, xq), outputClasses(net, ds), weightBits), xq };
}
