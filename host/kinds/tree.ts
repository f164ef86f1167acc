// Kind 2, `tree` (DESIGN §3.2): branch nodes `x_f ≥ θ` in preorder, refs r ≥ m naming class
// leaves. Its writer, its reader (assembly/validate.ts validateTree and checkTreeNode, check
// for check) and its reference evaluator (assembly/evaluate.ts, the tree walks).

import {
  ErrorCode, H_MAX_DEPTH, NodeKind, SectionId, MAX_TREE_NODES, T_ABOVE, T_BELOW, T_FEATURE, T_THRESHOLD,
} from '../../assembly/format.js';
import { fail, type BlobView } from '../format/blob-view.js';
import { check, type Section } from '../format/section.js';
import type { Evaluation } from '../engine/evaluation.js';
import { zeroCounts } from '../measure/counts.js';
import type { TreeNetwork } from '../network.js';
import type { Kind, Common } from './kind.js';

/** Bytes per TreeNodes field: the network's own (read from a blob), else 2 when every
 *  feature, threshold and ref fits 16 bits, else 4. */
export function treeFieldBytes(net: TreeNetwork): 2 | 4 {
  if (net.fieldBytes) return net.fieldBytes;
  const m = net.feature.length;
  const narrow = net.dim <= 0x10000 && m + net.classes.length <= 0x10000
    && net.threshold.every((t) => t >= -0x8000 && t <= 0x7fff);
  return narrow ? 2 : 4;
}

function write(net: TreeNetwork): Section[] {
  const m = net.feature.length;
  const w = treeFieldBytes(net);
  const payload = new Uint8Array(4 * w * m);
  const v = new DataView(payload.buffer);
  const refMax = m + net.classes.length - 1;
  if (w === 2) {
    check('refs (m + C − 1) in 16-bit nodes', refMax, 0, 0xffff);
    check('input dimension in 16-bit nodes', net.dim, 1, 0x10000);
  }
  const put = (at: number, value: number) => (w === 2 ? v.setUint16(at, value, true) : v.setUint32(at, value, true));
  const [tLo, tHi] = w === 2 ? [-0x8000, 0x7fff] : [-0x80000000, 0x7fffffff];
  for (let r = 0; r < m; r++) {
    const at = 4 * w * r;
    put(at + w * T_FEATURE, check(`node ${r} feature`, net.feature[r], 0, net.dim - 1));
    const t = check(`node ${r} threshold`, net.threshold[r], tLo, tHi);
    if (w === 2) v.setInt16(at + w * T_THRESHOLD, t, true);
    else v.setInt32(at + w * T_THRESHOLD, t, true);
    put(at + w * T_BELOW, check(`node ${r} below`, net.below[r], r + 1, refMax));
    put(at + w * T_ABOVE, check(`node ${r} above`, net.above[r], r + 1, refMax));
  }
  return [{ id: SectionId.TreeNodes, elemBytes: 4 * w, count: m, payload }];
}

function read(b: BlobView, common: Common): TreeNetwork {
  const { d, maxDepth } = b;
  const ts = b.sec(SectionId.TreeNodes);
  const m = ts.count;
  if ((ts.elemBytes !== 8 && ts.elemBytes !== 16) || m > MAX_TREE_NODES || !b.shaped(SectionId.TreeNodes, ts.elemBytes, m)) b.shapeError(SectionId.TreeNodes);
  const w = ts.elemBytes / 4;
  const field = (at: number, k: number) => (w === 2 ? b.u16(at + w * k) : b.u32(at + w * k));
  const feature = new Uint32Array(m);
  const threshold = new Int32Array(m);
  const below = new Uint32Array(m);
  const above = new Uint32Array(m);
  b.walkPreorder(m, ts.offset, ts.elemBytes, (r, depth, at) => {
    if (depth > maxDepth) fail(ErrorCode.BadDepth, { offset: H_MAX_DEPTH, value: depth, limit: maxDepth, what: `node ${r}` });
    feature[r] = field(at, T_FEATURE);
    if (feature[r] >= d) fail(ErrorCode.BadNode, { offset: at, value: feature[r], limit: d - 1, what: `node ${r} feature` });
    threshold[r] = w === 2 ? b.i16(at + w * T_THRESHOLD) : b.i32(at + w * T_THRESHOLD);
    above[r] = field(at, T_ABOVE);
    below[r] = field(at, T_BELOW);
    return [[above[r], at + w * T_ABOVE], [below[r], at + w * T_BELOW]];
  });
  return {
    kind: 'tree', ...common, feature, threshold, below, above, fieldBytes: w as 2 | 4,
    ...(b.rootClass !== 0 ? { rootClass: b.rootClass } : {}),
  };
}

/** One i32 comparison per node (1 word); reads feature, threshold and the ref taken. Only
 *  the coordinates on the path are read, so only they are checked against the domain. */
function evaluate(net: TreeNetwork, x: Int32Array, offset: number): Evaluation {
  const c = zeroCounts();
  const m = net.feature.length;
  const w = treeFieldBytes(net);
  let r = net.rootClass ?? 0; // with no nodes, the leaf of the root class; else node 0
  while (r < m) {
    const f = net.feature[r];
    const xf = x[offset + f];
    if (xf < net.domain.lo[f] || xf > net.domain.hi[f]) return { output: -ErrorCode.InputOutOfDomain, counts: c, coordinate: f };
    r = xf >= net.threshold[r] ? net.above[r] : net.below[r];
    c.cmp++;
    c.wordOps++;
    c.loads += 3 * w;
  }
  return { output: r - m, counts: c };
}

export const tree: Kind<TreeNetwork> = {
  nodeKind: NodeKind.Tree, write, read, evaluate, scratchBytes: () => 0, rootClass: (net) => net.rootClass ?? 0,
};
