// Dataset → network, for every construction the CLI offers (`--construction`).

import type { Dataset } from '../data/dataset.js';
import { chooseQuantization, inputDomain, quantize } from '../data/quantize.js';
import type { Network } from '../network.js';
import { buildSearch } from './search.js';
import { buildTree } from './tree.js';
import { buildInterp } from './interp.js';
import { buildSqrt } from './sqrt.js';

export const CONSTRUCTIONS = ['search', 'tree', 'interp', 'sqrt'] as const;
export type Construction = (typeof CONSTRUCTIONS)[number];

export interface BuildOptions {
  construction?: Construction;
  /** Seed of every random draw (default 1). */
  seed?: number;
  /** Fixed fractional bits instead of the scan of DESIGN §4. */
  fracBits?: number;
  /** `tree`: weight of the path-length term of the split score. */
  beta?: number;
  /** `tree`: nodes of at most this many points choose their split by rollout. */
  lookaheadPoints?: number;
  /** Long builds report progress as (done, total). */
  onProgress?: (done: number, total: number) => void;
}

export function buildNetwork(ds: Dataset, opts: BuildOptions = {}): Network {
  const quant = chooseQuantization(ds, opts.fracBits);
  const xq = quantize(ds, quant);
  const domain = inputDomain(ds, xq);
  switch (opts.construction ?? 'search') {
    case 'search':
      return buildSearch(ds, xq, quant, domain, { seed: opts.seed });
    case 'sqrt':
      return buildSqrt(ds, xq, quant, domain, { seed: opts.seed }).network;
    case 'interp':
      return buildInterp(ds, xq, quant, domain, { seed: opts.seed });
    case 'tree':
      return buildTree(ds, xq, quant, domain, { beta: opts.beta, lookaheadPoints: opts.lookaheadPoints, onProgress: opts.onProgress });
  }
}
