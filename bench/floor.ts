// The floor the engine is compared with: the same model as a JavaScript developer would write
// it by hand in TypeScript — a projection + binary search over the sorted keys for `search`,
// a walk over typed arrays for `tree` — JIT-compiled by V8, with no domain checks.

import { walkInOrder } from '../host/construct/search.js';
import type { Network, SearchNetwork, TreeNetwork } from '../host/network.js';

export interface Floor {
  classify(x: Int32Array, offset: number): number;
}

export function floorFrom(net: Network): Floor {
  if (net.kind !== 'search' && net.kind !== 'tree') throw new Error(`no hand-written floor for ${net.kind} networks`);
  return net.kind === 'search' ? searchFloor(net) : treeFloor(net);
}

function treeFloor(net: TreeNetwork): Floor {
  const { feature, threshold, below, above } = net;
  const m = feature.length;
  return {
    classify(x: Int32Array, offset: number): number {
      let r = 0;
      while (r < m) r = x[offset + feature[r]] >= threshold[r] ? above[r] : below[r];
      return r - m;
    },
  };
}

function searchFloor(net: SearchNetwork): Floor {
  // Recover the sorted keys and the label of each rank from the Eytzinger layout.
  const m = net.separators.length;
  const keys = new Float64Array(m);
  const labels = new Int32Array(m + 1);
  let sep = 0;
  let leaf = 0;
  walkInOrder(m, (p) => { labels[leaf++] = net.leaves[p - m - 1]; }, (p) => { keys[sep++] = net.separators[p - 1]; });
  const w = net.projection;
  const d = net.dim;
  return {
    classify(x: Int32Array, offset: number): number {
      let t = 0;
      for (let j = 0; j < d; j++) t += w[j] * x[offset + j];
      let lo = 0;
      let hi = m;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (t >= keys[mid]) lo = mid + 1;
        else hi = mid;
      }
      return labels[lo];
    },
  };
}
