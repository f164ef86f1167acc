// Shared by the node:test suites: build a model from a dataset spec in one call.

import { buildNetwork, type BuildOptions } from '../host/construct/index.js';
import { loadDataset } from '../host/data/source.js';
import type { Dataset } from '../host/data/dataset.js';
import { quantize } from '../host/data/quantize.js';
import { writeBlob } from '../host/format/writer.js';
import type { Network } from '../host/network.js';

export interface Built {
  ds: Dataset;
  net: Network;
  blob: Uint8Array;
  xq: Int32Array;
}

export function buildFrom(spec: string | Dataset, opts: BuildOptions = {}): Built {
  const ds = typeof spec === 'string' ? loadDataset(spec) : spec;
  const net = buildNetwork(ds, opts);
  return { ds, net, blob: writeBlob(net), xq: quantize(ds, net.quant) };
}
