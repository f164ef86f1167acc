// scikit-learn's CART through bench/cart.py (Debian's python3-sklearn), and its fitted trees
// packed as condnet `tree` networks, so the engine can check sklearn's depths exactly.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dataset } from '../host/data/dataset.js';
import type { TreeNetwork } from '../host/network.js';
import { PreorderTree, type Ref } from '../host/construct/preorder.js';

const PYTHON = process.env.CONDNET_PYTHON ?? '/usr/bin/python3';
const CART_PY = fileURLToPath(new URL('../../bench/cart.py', import.meta.url));
export const CRITERIA = ['entropy', 'gini'] as const;
export type Criterion = (typeof CRITERIA)[number];

export interface CartTree { left: number[]; right: number[]; feature: number[]; threshold: number[]; label: number[] }
export interface CartResult { fitSeconds: number; nodeCount: number; leaves: number; trainAccuracy: number; depth: number[]; tree: CartTree }
export interface CartOutput { sklearn: string; criteria: Record<Criterion, CartResult> }


/** sklearn's tree (node 0 the root, x_f ≤ t goes left) as a condnet tree in preorder. */
export function cartToNetwork(t: CartTree, template: TreeNetwork): TreeNetwork {
  const tree = new PreorderTree();
  const visit = (k: number, depth: number): Ref => (t.left[k] === -1
    ? tree.leaf(t.label[k], depth)
    : tree.node(t.feature[k], Math.floor(t.threshold[k]) + 1, () => visit(t.left[k], depth + 1), () => visit(t.right[k], depth + 1)));
  return { ...template, ...tree.finish(visit(0, 0)) };
}

export function runCart(ds: Dataset, xq: Int32Array): CartOutput {
  const dir = mkdtempSync(join(tmpdir(), 'condnet-cart-'));
  try {
    const xPath = join(dir, 'x.i32');
    const yPath = join(dir, 'y.i32');
    writeFileSync(xPath, new Uint8Array(xq.buffer, xq.byteOffset, xq.byteLength));
    const y = Int32Array.from(ds.y);
    writeFileSync(yPath, new Uint8Array(y.buffer));
    const r = spawnSync(PYTHON, [CART_PY, xPath, yPath, String(ds.n), String(ds.dim), ...CRITERIA], {
      encoding: 'utf8', maxBuffer: 1 << 30,
    });
    if (r.error || r.status !== 0) {
      throw new Error(`bench:trees needs scikit-learn for ${PYTHON} (Debian: apt-get install -y --no-install-recommends python3-sklearn; ` +
        `or set CONDNET_PYTHON): ${r.error?.message ?? r.stderr.trim().split('\n').pop()}`);
    }
    return JSON.parse(r.stdout) as CartOutput;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

