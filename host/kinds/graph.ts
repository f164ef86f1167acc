// Kind 5, `graph` (DESIGN §2, §3.5): a conditional network of branches on affine scores, class
// leaves, and net leaves that run a base network under a mask. Its writer, its reader
// (assembly/validate.ts validateGraph and checkGraphNode, check for check) and its reference
// evaluator (evaluateGraph, count for count).

import {
  ErrorCode, G_ABOVE, G_BELOW, G_FLAGS, G_KIND, G_RESERVED, G_ROW, G_THRESHOLD, GRAPH_NODE_BYTES, GraphFlag,
  GraphNodeKind, H_MAX_DEPTH, I64_WORDS, MAX_GRAPH_ROWS, MAX_MASK_BYTES, MAX_TREE_NODES, NeuronState, NodeKind,
  SectionId,
} from '../../assembly/format.js';
import { FieldRangeError } from '../format/errors.js';
import { fail, type BlobView } from '../format/blob-view.js';
import { check, I64_MAX, I64_MIN, type Section } from '../format/section.js';
import { dot, inputValues, type Evaluation } from '../engine/evaluation.js';
import { zeroCounts } from '../measure/counts.js';
import type { GraphNetwork, GraphNode } from '../network.js';
import type { Kind, Common } from './kind.js';
import { denseBufferBytes, readLayers, runLayers, writeLayers } from './layers.js';

// The base network (when net leaves exist), the nodes, the rows, the masks: in section-id
// order, the order FORMAT.md lists them.
function write(net: GraphNetwork): Section[] {
  const d = net.dim;
  check('row count', net.rowCount, 0, MAX_GRAPH_ROWS);
  check('row weights', net.rows.length, net.rowCount * d, net.rowCount * d);
  const rows = new Uint8Array(4 * net.rows.length);
  const rv = new DataView(rows.buffer);
  net.rows.forEach((w, j) => rv.setInt32(4 * j, w, true));
  const m = net.nodes.length;
  const refMax = m + net.classes.length - 1;
  const nodes = new Uint8Array(GRAPH_NODE_BYTES * m);
  const nv = new DataView(nodes.buffer);
  net.nodes.forEach((n, r) => {
    const at = GRAPH_NODE_BYTES * r;
    if (n.kind === 'net') {
      nv.setUint8(at + G_KIND, GraphNodeKind.Net);
      nv.setUint32(at + G_ROW, check(`net leaf ${r} mask`, n.row, 0, net.masks.length - 1), true);
      return;
    }
    nv.setUint8(at + G_KIND, GraphNodeKind.Branch);
    nv.setUint8(at + G_FLAGS, n.reuse ? GraphFlag.Reuse : 0);
    nv.setUint32(at + G_ROW, check(`branch ${r} row`, n.row, 0, net.rowCount - 1), true);
    nv.setUint32(at + G_BELOW, check(`branch ${r} below`, n.below, r + 1, refMax), true);
    nv.setUint32(at + G_ABOVE, check(`branch ${r} above`, n.above, r + 1, refMax), true);
    if (n.threshold < I64_MIN || n.threshold > I64_MAX) throw new FieldRangeError(`branch ${r} threshold`, n.threshold, I64_MIN, I64_MAX);
    nv.setBigInt64(at + G_THRESHOLD, n.threshold, true);
  });
  const out: Section[] = [];
  if (net.base) out.push(writeLayers({ ...net.base, dim: d, classes: net.classes }));
  else check('masks without a base network', net.masks.length, 0, 0);
  out.push({ id: SectionId.GraphNodes, elemBytes: GRAPH_NODE_BYTES, count: m, payload: nodes });
  out.push({ id: SectionId.GraphRows, elemBytes: 4, count: net.rows.length, payload: rows });
  if (net.base) {
    const neurons = net.base.layers.reduce((s, l) => s + l.outputs, 0);
    const mb = check('mask bytes', Math.ceil(neurons / 4), 1, MAX_MASK_BYTES);
    const masks = new Uint8Array(mb * net.masks.length);
    net.masks.forEach((states, i) => {
      check(`mask ${i} length`, states.length, neurons, neurons);
      states.forEach((st, k) => {
        masks[i * mb + (k >> 2)] |= check(`mask ${i} neuron ${k}`, st, NeuronState.Compute, NeuronState.Active) << (2 * (k & 3));
      });
    });
    out.push({ id: SectionId.GraphMasks, elemBytes: mb, count: net.masks.length, payload: masks });
  }
  return out;
}

/** The engine's validateGraph: rows, the base network and its masks, the preorder walk,
 *  the scratch. `withNet`: the paired sections (DenseLayers, GraphMasks) are present. */
function read(b: BlobView, common: Common): GraphNetwork {
  const { d, maxDepth } = b;
  const withNet = b.byId.has(SectionId.DenseLayers);
  const rs = b.sec(SectionId.GraphRows);
  const rowCount = Math.floor(rs.count / d);
  if (rs.count % d !== 0 || rowCount > MAX_GRAPH_ROWS || !b.shaped(SectionId.GraphRows, 4, rs.count)) b.shapeError(SectionId.GraphRows);
  const rows = new Int32Array(rs.count);
  for (let j = 0; j < rs.count; j++) rows[j] = b.i32(rs.offset + 4 * j);
  let base: GraphNetwork['base'];
  let widest = d;
  const masks: Uint8Array[] = [];
  if (withNet) {
    const l = readLayers(b);
    base = { layers: l.layers, output: l.output };
    widest = l.widest;
    const neurons = l.layers.reduce((s, x) => s + x.outputs, 0);
    const mb = Math.ceil(neurons / 4);
    const ms = b.sec(SectionId.GraphMasks);
    if (mb > MAX_MASK_BYTES || !b.shaped(SectionId.GraphMasks, mb, ms.count)) b.shapeError(SectionId.GraphMasks);
    for (let i = 0; i < ms.count; i++) {
      const states = new Uint8Array(neurons);
      for (let k = 0; k < 4 * mb; k++) {
        const at = ms.offset + i * mb + (k >> 2);
        const byte = b.u8(at);
        const state = (byte >> (2 * (k & 3))) & 3;
        if (state === 3 || (k >= neurons && state !== 0)) fail(ErrorCode.BadLeaf, { offset: at, value: byte, what: `mask ${i}, neuron ${k} state` });
        if (k < neurons) states[k] = state;
      }
      masks.push(states);
    }
  }
  const ns = b.sec(SectionId.GraphNodes);
  const m = ns.count;
  if (m > MAX_TREE_NODES || !b.shaped(SectionId.GraphNodes, GRAPH_NODE_BYTES, m)) b.shapeError(SectionId.GraphNodes);
  const nodes: GraphNode[] = new Array(m);
  b.walkPreorder(m, ns.offset, GRAPH_NODE_BYTES, (r, depth, at) => {
    const nk = b.u8(at + G_KIND);
    const flags = b.u8(at + G_FLAGS);
    const row = b.u32(at + G_ROW);
    const below = b.u32(at + G_BELOW);
    const above = b.u32(at + G_ABOVE);
    const threshold = b.i64(at + G_THRESHOLD);
    if (b.u16(at + G_RESERVED) !== 0) fail(ErrorCode.BadNode, { offset: at + G_RESERVED, value: b.u16(at + G_RESERVED), what: `node ${r} reserved field` });
    if (nk === GraphNodeKind.Net) {
      if (flags !== 0 || row >= masks.length || below !== 0 || above !== 0 || threshold !== 0n) {
        fail(ErrorCode.BadNode, { offset: at, value: row, limit: masks.length, what: `net leaf ${r} (mask index, and flags, refs and threshold zero)` });
      }
      nodes[r] = { kind: 'net', row, reuse: false, below: 0, above: 0, threshold: 0n };
      return []; // a leaf: it pushes nothing, and tests nothing, so no depth check
    }
    if (nk !== GraphNodeKind.Branch) fail(ErrorCode.BadNode, { offset: at + G_KIND, value: nk, what: `node ${r} kind` });
    if (depth > maxDepth) fail(ErrorCode.BadDepth, { offset: H_MAX_DEPTH, value: depth, limit: maxDepth, what: `node ${r}` });
    if (flags > GraphFlag.Reuse || row >= rowCount) fail(ErrorCode.BadNode, { offset: at, value: row, limit: rowCount, what: `branch ${r} (row index, flags ${flags})` });
    nodes[r] = { kind: 'branch', row, reuse: flags === GraphFlag.Reuse, below, above, threshold };
    return [[above, at + G_ABOVE], [below, at + G_BELOW]];
  });
  b.checkScratch(16 * widest + 8 * rowCount, 'the dense buffers and the registers');
  return {
    kind: 'graph', ...common, rows, rowCount, nodes, base, masks,
    ...(b.rootClass !== 0 ? { rootClass: b.rootClass } : {}),
  };
}

/** From the root: a branch computes its row into its register (or reuses it) and compares it
 *  with θ, until a class leaf or a net leaf; each node visited reads its whole entry. */
function evaluate(net: GraphNetwork, x: Int32Array, offset: number): Evaluation {
  const h = inputValues(net.dim, x, offset);
  const c = zeroCounts();
  const regs = new Map<number, bigint>();
  const m = net.nodes.length;
  let r = net.rootClass ?? 0; // with no nodes, the leaf of the root class; else node 0
  while (r < m) {
    const node = net.nodes[r];
    c.loads += GRAPH_NODE_BYTES;
    if (node.kind === 'net') {
      const mask = net.masks[node.row];
      c.loads += Math.ceil(mask.length / 4);
      return runLayers(net.base!, net.classes.length, h, c, mask);
    }
    if (!node.reuse) regs.set(node.row, dot(c, net.rows, node.row * net.dim, net.dim, h));
    r = (regs.get(node.row) ?? 0n) >= node.threshold ? node.above : node.below;
    c.cmp++;
  }
  c.wordOps = I64_WORDS * (c.mul + c.add + c.cmp);
  return { output: r - m, counts: c };
}

export const graph: Kind<GraphNetwork> = {
  nodeKind: NodeKind.Graph,
  write,
  read,
  evaluate,
  scratchBytes: (net) => denseBufferBytes(net.dim, net.base?.layers ?? []) + 8 * net.rowCount,
  rootClass: (net) => net.rootClass ?? 0,
};
