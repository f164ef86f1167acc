// The one writer of .cnb blobs (docs/FORMAT.md). Every field is range-checked before it is
// written: a value that does not fit its width is refused, never wrapped.

import {
  MAGIC, FORMAT_VERSION, HEADER_BYTES, H_MAGIC, H_VERSION, H_HEADER_BYTES, H_BLOB_BYTES, H_CRC,
  H_KIND, H_QUANT_MODE, H_SECTION_COUNT, H_INPUT_DIM, H_CLASS_COUNT, H_MAX_DEPTH,
  H_SCRATCH_BYTES, H_QUANT_PARAM, H_PAIRS, SECTION_ENTRY_BYTES, S_ID, S_ELEM_BYTES, S_OFFSET,
  S_BYTES, S_COUNT, SECTION_ALIGN, NodeKind, SectionId, MAX_CLASSES, MAX_INPUT_DIM,
  MAX_KEY_MAGNITUDE, MAX_DEPTH, T_FEATURE, T_THRESHOLD, T_BELOW, T_ABOVE, MAX_DENSE_LAYERS,
  MAX_DENSE_WIDTH, MAX_SCRATCH_BYTES, D_OUTPUT, DENSE_PREFIX_BYTES, L_OUTPUTS, L_INPUTS, L_FLAGS,
  LAYER_HEADER_BYTES, LayerFlag, DenseOutput, MAX_INSTRUCTIONS, MAX_TERMS, MAX_LIMBS, P_WIDTH, P_FLAGS,
  P_BIAS_LIMBS, P_TERMS, INSTRUCTION_HEADER_BYTES, PT_SOURCE, PT_SOURCE_LIMBS, PT_WEIGHT_LIMBS,
  PROGRAM_TERM_BYTES, QuantMode, MAX_FRAC_BITS, MAX_GRAPH_ROWS, MAX_MASK_BYTES, GRAPH_NODE_BYTES, G_KIND, G_FLAGS,
  G_ROW, G_BELOW, G_ABOVE, G_THRESHOLD, GraphNodeKind, GraphFlag, NeuronState,
} from '../../assembly/format.js';
import type { Domain } from '../data/quantize.js';
import {
  denseScratchBytes, graphScratchBytes, limbsOf, registerLimbs, type DenseNetwork, type GraphNetwork, type Network,
  type ProgramNetwork, type SearchNetwork, type TreeNetwork,
} from '../network.js';
import { crc32 } from './crc32.js';
import { readBlob } from './reader.js';
import { FieldRangeError } from './errors.js';

interface Section {
  id: SectionId;
  elemBytes: number;
  count: number;
  payload: Uint8Array;
}

const U32_MAX = 0xffffffff;

function check(field: string, v: number, lo: number, hi: number): number {
  if (!Number.isInteger(v) || v < lo || v > hi) throw new FieldRangeError(field, v, lo, hi);
  return v;
}

/** Bytes per stored leaf class: the network's own (read from a blob), else the narrowest of
 *  u8, u16, u32 that holds every class index. */
export function leafWidth(net: SearchNetwork): 1 | 2 | 4 {
  const c = net.classes.length;
  return net.leafBytes ?? (c <= 0x100 ? 1 : c <= 0x10000 ? 2 : 4);
}

/** One shared (lo, hi) pair when every coordinate has the same bounds (MNIST: 8 bytes, not
 *  6 KB), else one pair per coordinate. */
function domainSection(domain: Domain): Section {
  const d = domain.lo.length;
  const shared = domain.lo.every((lo, j) => lo === domain.lo[0] && domain.hi[j] === domain.hi[0]);
  const count = shared ? 1 : d;
  const payload = new Uint8Array(8 * count);
  const v = new DataView(payload.buffer);
  for (let j = 0; j < count; j++) {
    v.setInt32(8 * j, domain.lo[j], true);
    v.setInt32(8 * j + 4, domain.hi[j], true);
  }
  return { id: SectionId.Domain, elemBytes: 8, count, payload };
}

function labelsSection(classes: string[]): Section {
  const enc = new TextEncoder();
  const texts = classes.map((c) => enc.encode(c));
  const textBytes = texts.reduce((s, t) => s + t.length, 0);
  const payload = new Uint8Array(4 * classes.length + textBytes);
  const v = new DataView(payload.buffer);
  let end = 0;
  texts.forEach((t, c) => {
    payload.set(t, 4 * classes.length + end);
    end += t.length;
    v.setUint32(4 * c, check('label table size', end, 0, U32_MAX), true);
  });
  return { id: SectionId.Labels, elemBytes: 0, count: classes.length, payload };
}

/** Bytes per stored projection weight: the network's own (read from a blob), else 2 when
 *  every weight fits an i16 (half the bytes each input reads), else 4. */
export function projectionWidth(net: SearchNetwork): 2 | 4 {
  return net.projectionBytes ?? (net.projection.every((w) => w >= -0x8000 && w <= 0x7fff) ? 2 : 4);
}

function searchSections(net: SearchNetwork): Section[] {
  const d = net.dim;
  const pw = projectionWidth(net);
  const proj = new Uint8Array(pw * d);
  const pv = new DataView(proj.buffer);
  net.projection.forEach((w, j) => {
    const [lo, hi] = pw === 2 ? [-0x8000, 0x7fff] : [-0x80000000, 0x7fffffff];
    if (w === 0 || w < lo || w > hi) throw new FieldRangeError(`projection[${j}] (non-zero, ${pw} bytes)`, w, lo, hi);
    if (pw === 2) pv.setInt16(2 * j, w, true);
    else pv.setInt32(4 * j, w, true);
  });
  const m = net.separators.length;
  const seps = new Uint8Array(8 * m);
  const sv = new DataView(seps.buffer);
  net.separators.forEach((k, i) => {
    sv.setBigInt64(8 * i, BigInt(check(`separator[${i}]`, k, -MAX_KEY_MAGNITUDE, MAX_KEY_MAGNITUDE)), true);
  });
  if (net.leaves.length !== m + 1) throw new FieldRangeError('leaf count', net.leaves.length, m + 1, m + 1);
  const width = leafWidth(net);
  const leaves = new Uint8Array(width * (m + 1));
  const lv = new DataView(leaves.buffer);
  net.leaves.forEach((c, i) => {
    check(`leaf[${i}]`, c, 0, Math.min(net.classes.length - 1, 2 ** (8 * width) - 1));
    if (width === 1) lv.setUint8(i, c);
    else if (width === 2) lv.setUint16(2 * i, c, true);
    else lv.setUint32(4 * i, c, true);
  });
  return [
    { id: SectionId.Projection, elemBytes: pw, count: d, payload: proj },
    { id: SectionId.Separators, elemBytes: 8, count: m, payload: seps },
    { id: SectionId.Leaves, elemBytes: width, count: m + 1, payload: leaves },
  ];
}

/** Bytes per TreeNodes field: the network's own (read from a blob), else 2 when every
 *  feature, threshold and ref fits 16 bits, else 4. */
export function treeFieldBytes(net: TreeNetwork): 2 | 4 {
  if (net.fieldBytes) return net.fieldBytes;
  const m = net.feature.length;
  const narrow = net.dim <= 0x10000 && m + net.classes.length <= 0x10000
    && net.threshold.every((t) => t >= -0x8000 && t <= 0x7fff);
  return narrow ? 2 : 4;
}

function treeSections(net: TreeNetwork): Section[] {
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

function denseSections(net: Pick<DenseNetwork, 'dim' | 'classes' | 'layers' | 'output'>): Section[] {
  check('dense layer count', net.layers.length, 1, MAX_DENSE_LAYERS);
  let bytes = DENSE_PREFIX_BYTES;
  for (const l of net.layers) bytes += LAYER_HEADER_BYTES + align(4 * l.weights.length) + 8 * l.outputs;
  const payload = new Uint8Array(check('dense layers size', bytes, 0, U32_MAX));
  const v = new DataView(payload.buffer);
  v.setUint32(D_OUTPUT, net.output === 'argmax' ? DenseOutput.Argmax : DenseOutput.ScalarClass, true);
  let at = DENSE_PREFIX_BYTES;
  let inputs = net.dim;
  net.layers.forEach((l, k) => {
    check(`layer ${k} inputs`, l.inputs, inputs, inputs);
    check(`layer ${k} outputs`, l.outputs, 1, MAX_DENSE_WIDTH);
    const rows = l.sharedRow ? 1 : l.outputs;
    check(`layer ${k} weight count`, l.weights.length, rows * l.inputs, rows * l.inputs);
    check(`layer ${k} bias count`, l.biases.length, l.outputs, l.outputs);
    v.setUint32(at + L_OUTPUTS, l.outputs, true);
    v.setUint32(at + L_INPUTS, l.inputs, true);
    v.setUint32(at + L_FLAGS, (l.relu ? LayerFlag.Relu : 0) | (l.sharedRow ? LayerFlag.SharedRow : 0), true);
    at += LAYER_HEADER_BYTES;
    l.weights.forEach((w, j) => v.setInt32(at + 4 * j, w, true));
    at += align(4 * l.weights.length);
    l.biases.forEach((b, o) => v.setBigInt64(at + 8 * o, b, true));
    at += 8 * l.outputs;
    inputs = l.outputs;
  });
  check('output width', inputs, net.output === 'argmax' ? net.classes.length : 1, net.output === 'argmax' ? net.classes.length : 1);
  return [{ id: SectionId.DenseLayers, elemBytes: 0, count: net.layers.length, payload }];
}

const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

// The base network (when net leaves exist), the nodes, the rows, the masks: in section-id
// order, the order FORMAT.md lists them.
function graphSections(net: GraphNetwork): Section[] {
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
  if (net.base) out.push(...denseSections({ ...net.base, dim: d, classes: net.classes }));
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

/** The bytes of one instruction (docs/FORMAT.md): what the engine reads to run it. */
export function instructionBytes(bias: bigint, weights: bigint[]): number {
  return INSTRUCTION_HEADER_BYTES + 4 * limbsOf(bias) + weights.reduce((s, w) => s + PROGRAM_TERM_BYTES + 4 * limbsOf(w), 0);
}

function putLimbs(v: DataView, at: number, x: bigint, limbs: number): void {
  let u = BigInt.asUintN(32 * limbs, x);
  for (let k = 0; k < limbs; k++, u >>= 32n) v.setUint32(at + 4 * k, Number(u & 0xffffffffn), true);
}

function programSections(net: ProgramNetwork): Section[] {
  check('instruction count', net.instructions.length, 1, MAX_INSTRUCTIONS);
  const sizes = net.instructions.map((i) => instructionBytes(i.bias, i.terms.map((t) => t.weight)));
  const payload = new Uint8Array(check('program size', sizes.reduce((a, b) => a + b, 0), 0, U32_MAX));
  const v = new DataView(payload.buffer);
  let at = 0;
  let end = net.dim;
  net.instructions.forEach((ins, i) => {
    const biasLimbs = limbsOf(ins.bias);
    v.setUint16(at + P_WIDTH, check(`instruction ${i} width`, ins.width, Math.max(1, biasLimbs), MAX_LIMBS), true);
    v.setUint8(at + P_FLAGS, ins.relu ? 1 : 0);
    v.setUint16(at + P_BIAS_LIMBS, biasLimbs, true);
    v.setUint32(at + P_TERMS, check(`instruction ${i} terms`, ins.terms.length, 1, MAX_TERMS), true);
    at += INSTRUCTION_HEADER_BYTES;
    putLimbs(v, at, ins.bias, biasLimbs);
    at += 4 * biasLimbs;
    for (const t of ins.terms) {
      const wl = check(`instruction ${i} weight limbs (no zero weights)`, limbsOf(t.weight), 1, MAX_LIMBS);
      check(`instruction ${i} source`, t.source + t.sourceLimbs, t.sourceLimbs, end);
      v.setUint32(at + PT_SOURCE, t.source, true);
      v.setUint16(at + PT_SOURCE_LIMBS, check(`instruction ${i} source limbs`, t.sourceLimbs, 1, MAX_LIMBS), true);
      v.setUint16(at + PT_WEIGHT_LIMBS, wl, true);
      at += PROGRAM_TERM_BYTES;
      putLimbs(v, at, t.weight, wl);
      at += 4 * wl;
    }
    end += ins.width;
  });
  return [{ id: SectionId.LimbProgram, elemBytes: 0, count: net.instructions.length, payload }];
}

const align = (x: number) => Math.ceil(x / SECTION_ALIGN) * SECTION_ALIGN;

/** Pack a network into a .cnb blob. */
export function writeBlob(net: Network): Uint8Array {
  check('input dimension', net.dim, 1, MAX_INPUT_DIM);
  check('class count', net.classes.length, 1, MAX_CLASSES);
  const sections = [
    domainSection(net.domain),
    labelsSection(net.classes),
    ...(net.kind === 'search' ? searchSections(net) : net.kind === 'tree' ? treeSections(net)
      : net.kind === 'dense' ? denseSections(net) : net.kind === 'program' ? programSections(net) : graphSections(net)),
  ];
  let at = HEADER_BYTES + SECTION_ENTRY_BYTES * sections.length;
  const offsets = sections.map((s) => {
    at = align(at);
    const o = at;
    at += s.payload.length;
    return o;
  });
  const total = check('blob size', at, 0, U32_MAX);
  const blob = new Uint8Array(total);
  const v = new DataView(blob.buffer);
  v.setUint32(H_MAGIC, MAGIC, true);
  v.setUint16(H_VERSION, FORMAT_VERSION, true);
  v.setUint16(H_HEADER_BYTES, HEADER_BYTES, true);
  v.setUint32(H_BLOB_BYTES, total, true);
  v.setUint8(H_KIND, { search: NodeKind.Search, tree: NodeKind.Tree, dense: NodeKind.Dense, program: NodeKind.LimbProgram, graph: NodeKind.Graph }[net.kind]);
  v.setUint8(H_QUANT_MODE, net.quant.mode);
  v.setUint16(H_SECTION_COUNT, sections.length, true);
  v.setUint32(H_INPUT_DIM, net.dim, true);
  v.setUint32(H_CLASS_COUNT, net.classes.length, true);
  v.setUint32(H_MAX_DEPTH, check('max depth', net.maxDepth, 0, MAX_DEPTH), true);
  const scratch = net.kind === 'dense' ? denseScratchBytes(net) : net.kind === 'program' ? 4 * registerLimbs(net)
    : net.kind === 'graph' ? graphScratchBytes(net) : 0;
  v.setUint32(H_SCRATCH_BYTES, check('scratch bytes', scratch, 0, MAX_SCRATCH_BYTES), true);
  v.setInt32(H_QUANT_PARAM, check('quantization parameter', net.quant.param, net.quant.mode === QuantMode.Scale ? 1 : 0,
    net.quant.mode === QuantMode.Scale ? 0x7fffffff : MAX_FRAC_BITS), true);
  v.setUint32(H_PAIRS, check('pairs', net.pairs, 0, U32_MAX), true);
  sections.forEach((s, i) => {
    const e = HEADER_BYTES + SECTION_ENTRY_BYTES * i;
    v.setUint16(e + S_ID, s.id, true);
    v.setUint16(e + S_ELEM_BYTES, s.elemBytes, true);
    v.setUint32(e + S_OFFSET, offsets[i], true);
    v.setUint32(e + S_BYTES, s.payload.length, true);
    v.setUint32(e + S_COUNT, s.count, true);
    blob.set(s.payload, offsets[i]);
  });
  v.setUint32(H_CRC, crc32(blob, H_CRC), true);
  // A tree's or a graph's structure (preorder, depth) is checked by the reader's walk, so the
  // writer never hands out a blob the readers would refuse.
  if (net.kind === 'tree' || net.kind === 'graph') readBlob(blob);
  return blob;
}
