// The one reader of .cnb blobs on the host. It runs the checks of assembly/validate.ts in the
// same order (docs/FORMAT.md, "Validation order"), so both readers give every blob the same
// ErrorCode; then it decodes the network.

import {
  ErrorCode, MAGIC, FORMAT_VERSION, HEADER_BYTES, H_MAGIC, H_VERSION, H_HEADER_BYTES,
  H_BLOB_BYTES, H_CRC, H_KIND, H_QUANT_MODE, H_SECTION_COUNT, H_INPUT_DIM, H_CLASS_COUNT,
  H_MAX_DEPTH, H_SCRATCH_BYTES, H_QUANT_PARAM, H_PAIRS, H_RESERVED, SECTION_ENTRY_BYTES, S_ID,
  S_ELEM_BYTES, S_OFFSET, S_BYTES, S_COUNT, SECTION_ALIGN, MAX_INPUT_DIM, MAX_CLASSES,
  MAX_SECTIONS, MAX_DEPTH, MAX_SCRATCH_BYTES, MAX_SEPARATORS, MAX_KEY_MAGNITUDE, MAX_FRAC_BITS,
  KIND_LAST_SUPPORTED, KIND_LAST_RESERVED, SECTION_LAST_SUPPORTED, SECTION_LAST_RESERVED,
  SectionId, QuantMode, NodeKind, SEARCH_SECTIONS, TREE_SECTIONS, MAX_TREE_NODES, T_FEATURE,
  T_THRESHOLD, T_BELOW, T_ABOVE, DENSE_SECTIONS, MAX_DENSE_LAYERS, MAX_DENSE_WIDTH, D_OUTPUT,
  D_RESERVED, DENSE_PREFIX_BYTES, L_OUTPUTS, L_INPUTS, L_FLAGS, L_RESERVED, LAYER_HEADER_BYTES,
  LayerFlag, DenseOutput, PROGRAM_SECTIONS, MAX_INSTRUCTIONS, MAX_TERMS, MAX_LIMBS, P_WIDTH, P_FLAGS,
  P_RESERVED, P_BIAS_LIMBS, P_RESERVED2, P_TERMS, INSTRUCTION_HEADER_BYTES, PT_SOURCE, PT_SOURCE_LIMBS,
  PT_WEIGHT_LIMBS, PROGRAM_TERM_BYTES, GRAPH_SECTIONS, GRAPH_NET_SECTIONS, MAX_GRAPH_ROWS, MAX_MASK_BYTES,
  GRAPH_NODE_BYTES, G_KIND, G_FLAGS, G_RESERVED, G_ROW, G_BELOW, G_ABOVE, G_THRESHOLD, GraphNodeKind, GraphFlag,
} from '../../assembly/format.js';
import type {
  DenseLayer, DenseNetwork, GraphNetwork, GraphNode, Instruction, Network, ProgramNetwork, SearchNetwork, TreeNetwork,
} from '../network.js';
import { searchDepth } from '../network.js';
import { crc32 } from './crc32.js';
import { BlobError, type BlobErrorDetail } from './errors.js';

export interface SectionInfo {
  id: SectionId;
  name: string;
  elemBytes: number;
  offset: number;
  bytes: number;
  count: number;
}

export interface ReadResult {
  network: Network;
  sections: SectionInfo[];
  bytes: number;
}

function fail(code: ErrorCode, detail: BlobErrorDetail = {}): never {
  throw BlobError.of(code, detail);
}

/** Validate and decode a blob; throws BlobError with the code every reader gives. */
export function readBlob(blob: Uint8Array): ReadResult {
  const len = blob.length;
  if (len < HEADER_BYTES) fail(ErrorCode.Truncated, { value: len, limit: HEADER_BYTES, what: 'blob shorter than the header' });
  const v = new DataView(blob.buffer, blob.byteOffset, len);
  const u8 = (o: number) => v.getUint8(o);
  const u16 = (o: number) => v.getUint16(o, true);
  const u32 = (o: number) => v.getUint32(o, true);
  const i32 = (o: number) => v.getInt32(o, true);

  if (u32(H_MAGIC) !== MAGIC) fail(ErrorCode.BadMagic, { offset: H_MAGIC, value: u32(H_MAGIC) });
  if (u16(H_VERSION) !== FORMAT_VERSION) fail(ErrorCode.UnsupportedVersion, { offset: H_VERSION, value: u16(H_VERSION), limit: FORMAT_VERSION });
  if (u16(H_HEADER_BYTES) !== HEADER_BYTES) fail(ErrorCode.BadHeader, { offset: H_HEADER_BYTES, value: u16(H_HEADER_BYTES), what: 'header size' });
  const blobBytes = u32(H_BLOB_BYTES);
  if (blobBytes > len) fail(ErrorCode.Truncated, { offset: H_BLOB_BYTES, value: len, limit: blobBytes, what: 'bytes present vs bytes declared' });
  if (blobBytes < len) fail(ErrorCode.LengthMismatch, { offset: H_BLOB_BYTES, value: len, limit: blobBytes, what: 'bytes present vs bytes declared' });
  const crc = crc32(blob, H_CRC);
  if (crc !== u32(H_CRC)) fail(ErrorCode.BadChecksum, { offset: H_CRC, value: u32(H_CRC), limit: crc, what: 'stored vs computed CRC-32' });
  for (let i = H_RESERVED; i < HEADER_BYTES; i++) {
    if (u8(i) !== 0) fail(ErrorCode.BadHeader, { offset: i, value: u8(i), what: 'reserved byte' });
  }
  const kind = u8(H_KIND);
  if (kind === 0 || kind > KIND_LAST_RESERVED) fail(ErrorCode.BadKind, { offset: H_KIND, value: kind });
  if (kind > KIND_LAST_SUPPORTED) fail(ErrorCode.UnsupportedKind, { offset: H_KIND, value: kind, limit: KIND_LAST_SUPPORTED });
  const quantMode = u8(H_QUANT_MODE);
  const quantParam = i32(H_QUANT_PARAM);
  if (quantMode === QuantMode.FracBits) {
    if (quantParam < 0 || quantParam > MAX_FRAC_BITS) fail(ErrorCode.BadHeader, { offset: H_QUANT_PARAM, value: quantParam, limit: MAX_FRAC_BITS, what: 'fractional bits' });
  } else if (quantMode === QuantMode.Scale) {
    if (quantParam < 1) fail(ErrorCode.BadHeader, { offset: H_QUANT_PARAM, value: quantParam, what: 'scale' });
  } else fail(ErrorCode.BadHeader, { offset: H_QUANT_MODE, value: quantMode, what: 'quantization mode' });

  const d = u32(H_INPUT_DIM);
  const classes = u32(H_CLASS_COUNT);
  const sections = u16(H_SECTION_COUNT);
  const maxDepth = u32(H_MAX_DEPTH);
  if (d === 0 || d > MAX_INPUT_DIM) fail(ErrorCode.OverLimit, { offset: H_INPUT_DIM, value: d, limit: MAX_INPUT_DIM, what: 'input dimension' });
  if (classes === 0 || classes > MAX_CLASSES) fail(ErrorCode.OverLimit, { offset: H_CLASS_COUNT, value: classes, limit: MAX_CLASSES, what: 'class count' });
  if (sections > MAX_SECTIONS) fail(ErrorCode.OverLimit, { offset: H_SECTION_COUNT, value: sections, limit: MAX_SECTIONS, what: 'section count' });
  if (maxDepth > MAX_DEPTH) fail(ErrorCode.OverLimit, { offset: H_MAX_DEPTH, value: maxDepth, limit: MAX_DEPTH, what: 'depth' });
  const scratch = u32(H_SCRATCH_BYTES);
  if (scratch > MAX_SCRATCH_BYTES) fail(ErrorCode.OverLimit, { offset: H_SCRATCH_BYTES, value: scratch, limit: MAX_SCRATCH_BYTES, what: 'scratch bytes' });

  const tableEnd = HEADER_BYTES + sections * SECTION_ENTRY_BYTES;
  if (tableEnd > len) fail(ErrorCode.BadSection, { offset: H_SECTION_COUNT, value: tableEnd, limit: len, what: 'section table end' });
  const byId = new Map<number, SectionInfo>();
  const infos: SectionInfo[] = [];
  let prevEnd = tableEnd;
  for (let i = 0; i < sections; i++) {
    const e = HEADER_BYTES + i * SECTION_ENTRY_BYTES;
    const id = u16(e + S_ID);
    const offset = u32(e + S_OFFSET);
    const bytes = u32(e + S_BYTES);
    const what = `section entry ${i}`;
    if (id === 0 || id > SECTION_LAST_RESERVED) fail(ErrorCode.BadSection, { offset: e + S_ID, value: id, what });
    if (id > SECTION_LAST_SUPPORTED) fail(ErrorCode.UnsupportedSection, { offset: e + S_ID, value: id, limit: SECTION_LAST_SUPPORTED, what });
    if (offset % SECTION_ALIGN !== 0 || offset < prevEnd) fail(ErrorCode.BadSection, { offset: e + S_OFFSET, value: offset, limit: prevEnd, what: `${what} offset (aligned, after the previous section)` });
    if (offset > len || bytes > len - offset) fail(ErrorCode.BadSection, { offset: e + S_BYTES, value: bytes, limit: Math.max(0, len - offset), what: `${what} length` });
    if (byId.has(id)) fail(ErrorCode.BadSection, { offset: e + S_ID, value: id, what: `${what}: duplicate id` });
    const info: SectionInfo = { id, name: SectionId[id], elemBytes: u16(e + S_ELEM_BYTES), offset, bytes, count: u32(e + S_COUNT) };
    byId.set(id, info);
    infos.push(info);
    prevEnd = offset + bytes;
  }
  const present = infos.reduce((m, s) => m | (1 << s.id), 0);
  const expected = [0, SEARCH_SECTIONS, TREE_SECTIONS, DENSE_SECTIONS, PROGRAM_SECTIONS,
    GRAPH_SECTIONS | (present & GRAPH_NET_SECTIONS ? GRAPH_NET_SECTIONS : 0)][kind];
  for (const info of infos) {
    if (!(expected & (1 << info.id))) fail(ErrorCode.BadSection, { value: info.id, what: `section ${info.name} in a ${NodeKind[kind]} blob` });
  }
  for (let id = 1; id <= SECTION_LAST_SUPPORTED; id++) {
    if (expected & (1 << id) && !byId.has(id)) fail(ErrorCode.MissingSection, { value: id, what: `section ${SectionId[id]}` });
  }
  const sec = (id: SectionId) => byId.get(id)!;
  const shaped = (id: SectionId, elem: number, count: number) => {
    const s = sec(id);
    return s.elemBytes === elem && s.count === count && s.bytes === count * elem;
  };
  const shapeError = (id: SectionId): never => {
    const s = sec(id);
    return fail(ErrorCode.BadSection, { offset: s.offset, value: s.bytes, what: `section ${s.name} (element bytes ${s.elemBytes}, count ${s.count})` });
  };

  const ds = sec(SectionId.Domain);
  if ((ds.count !== 1 && ds.count !== d) || !shaped(SectionId.Domain, 8, ds.count)) shapeError(SectionId.Domain);
  const lo = new Int32Array(d);
  const hi = new Int32Array(d);
  for (let j = 0; j < ds.count; j++) {
    lo[j] = i32(ds.offset + 8 * j);
    hi[j] = i32(ds.offset + 8 * j + 4);
    if (lo[j] > hi[j]) fail(ErrorCode.BadDomain, { offset: ds.offset + 8 * j, value: lo[j], limit: hi[j], what: `coordinate ${j}` });
  }
  if (ds.count === 1) {
    lo.fill(lo[0]);
    hi.fill(hi[0]);
  }

  const ls = sec(SectionId.Labels);
  if (ls.elemBytes !== 0 || ls.count !== classes || ls.bytes < 4 * classes) shapeError(SectionId.Labels);
  const ends = new Uint32Array(classes);
  let end = 0;
  for (let c = 0; c < classes; c++) {
    const next = u32(ls.offset + 4 * c);
    if (next < end) fail(ErrorCode.BadLabels, { offset: ls.offset + 4 * c, value: next, limit: end, what: `end of label ${c}` });
    end = ends[c] = next;
  }
  if (end !== ls.bytes - 4 * classes) fail(ErrorCode.BadLabels, { offset: ls.offset, value: end, limit: ls.bytes - 4 * classes, what: 'label text length' });

  const dec = new TextDecoder();
  const text = ls.offset + 4 * classes;
  const labels: string[] = [];
  for (let c = 0, start = 0; c < classes; start = ends[c], c++) {
    labels.push(dec.decode(blob.subarray(text + start, text + ends[c])));
  }
  const common = {
    dim: d,
    classes: labels,
    quant: { mode: quantMode, param: quantParam },
    domain: { lo, hi },
    maxDepth,
    pairs: u32(H_PAIRS),
  };
  const network = kind === NodeKind.Search ? readSearch(common) : kind === NodeKind.Tree ? readTree(common)
    : kind === NodeKind.Dense ? readDense(common) : kind === NodeKind.LimbProgram ? readProgram(common)
      : readGraph(common, (present & GRAPH_NET_SECTIONS) !== 0);
  return { network, sections: infos, bytes: len };

  type Common = Omit<SearchNetwork, 'kind' | 'projection' | 'separators' | 'leaves'>;

  function readSearch(common: Common): SearchNetwork {
    const pw = sec(SectionId.Projection).elemBytes;
    if ((pw !== 2 && pw !== 4) || !shaped(SectionId.Projection, pw, d)) shapeError(SectionId.Projection);
    const proj = sec(SectionId.Projection).offset;
    const projection = new Int32Array(d);
    for (let j = 0; j < d; j++) {
      projection[j] = pw === 2 ? v.getInt16(proj + 2 * j, true) : i32(proj + 4 * j);
      if (projection[j] === 0) fail(ErrorCode.BadWeight, { offset: proj + pw * j, value: 0, what: `weight ${j}` });
    }

    const m = sec(SectionId.Separators).count;
    if (m > MAX_SEPARATORS || !shaped(SectionId.Separators, 8, m)) shapeError(SectionId.Separators);
    const leafBytes = sec(SectionId.Leaves).elemBytes;
    if ((leafBytes !== 1 && leafBytes !== 2 && leafBytes !== 4) || !shaped(SectionId.Leaves, leafBytes, m + 1)) shapeError(SectionId.Leaves);
    const lv = sec(SectionId.Leaves).offset;
    const leaves = new Uint32Array(m + 1);
    for (let i = 0; i <= m; i++) {
      const at = lv + i * leafBytes;
      const c = leafBytes === 1 ? u8(at) : leafBytes === 2 ? u16(at) : u32(at);
      if (c >= classes) fail(ErrorCode.BadLeaf, { offset: at, value: c, limit: classes - 1, what: `leaf ${i}` });
      leaves[i] = c;
    }

    if (maxDepth < searchDepth(m)) fail(ErrorCode.BadDepth, { offset: H_MAX_DEPTH, value: maxDepth, limit: searchDepth(m) });

    let bound = 0n;
    for (let j = 0; j < d; j++) {
      bound += BigInt(Math.abs(projection[j])) * BigInt(Math.max(Math.abs(lo[j]), Math.abs(hi[j])));
      if (bound > BigInt(MAX_KEY_MAGNITUDE)) fail(ErrorCode.KeyRange, { value: bound, limit: MAX_KEY_MAGNITUDE, what: `key bound after coordinate ${j}` });
    }

    // Decoding: separators become numbers. |t| ≤ 2^53 − 1 (checked above), so comparing t with
    // a separator rounded to a double gives the same answer as comparing with the exact i64.
    const sepAt = sec(SectionId.Separators).offset;
    const separators = new Float64Array(m);
    for (let i = 0; i < m; i++) separators[i] = Number(v.getBigInt64(sepAt + 8 * i, true));
    return { kind: 'search', ...common, projection, projectionBytes: pw as 2 | 4, separators, leaves, leafBytes: leafBytes as 1 | 2 | 4 };
  }

  function readDense(common: Common): DenseNetwork {
    const { layers, output, widest } = readLayers();
    if (scratch < 16 * widest) fail(ErrorCode.BadLayer, { offset: H_SCRATCH_BYTES, value: scratch, limit: 16 * widest, what: 'scratch bytes for two i64 buffers of the widest layer' });
    return { kind: 'dense', ...common, layers, output };
  }

  // The engine's framing of layers (assembly/validate.ts, walkLayers), check for check.
  function readLayers(): { layers: DenseLayer[]; output: 'argmax' | 'scalar'; widest: number } {
    const ds = sec(SectionId.DenseLayers);
    const count = ds.count;
    if (ds.elemBytes !== 0 || count === 0 || count > MAX_DENSE_LAYERS || ds.bytes < DENSE_PREFIX_BYTES) shapeError(SectionId.DenseLayers);
    const base = ds.offset;
    const output = u32(base + D_OUTPUT);
    if (output > DenseOutput.ScalarClass || u32(base + D_RESERVED) !== 0) fail(ErrorCode.BadLayer, { offset: base, value: output, what: 'output mode or reserved word' });
    let at = DENSE_PREFIX_BYTES;
    let inputs = d;
    let widest = d;
    const layers: DenseLayer[] = [];
    for (let k = 0; k < count; k++) {
      if (LAYER_HEADER_BYTES > ds.bytes - at) fail(ErrorCode.BadSection, { offset: base + at, value: ds.bytes - at, limit: LAYER_HEADER_BYTES, what: `layer ${k} header` });
      const h = base + at;
      const outputs = u32(h + L_OUTPUTS);
      const flags = u32(h + L_FLAGS);
      if (outputs === 0 || outputs > MAX_DENSE_WIDTH || u32(h + L_INPUTS) !== inputs
        || (flags & ~(LayerFlag.Relu | LayerFlag.SharedRow)) !== 0 || u32(h + L_RESERVED) !== 0) {
        fail(ErrorCode.BadLayer, { offset: h, value: outputs, what: `layer ${k} header (outputs, inputs ${u32(h + L_INPUTS)} vs ${inputs}, flags ${flags})` });
      }
      at += LAYER_HEADER_BYTES;
      const sharedRow = (flags & LayerFlag.SharedRow) !== 0;
      const nWeights = sharedRow ? inputs : outputs * inputs;
      const weightBytes = Math.ceil((nWeights * 4) / 8) * 8;
      if (weightBytes > ds.bytes - at) fail(ErrorCode.BadSection, { offset: base + at, value: weightBytes, limit: ds.bytes - at, what: `layer ${k} weights` });
      const weights = new Int32Array(nWeights);
      for (let j = 0; j < nWeights; j++) weights[j] = i32(base + at + 4 * j);
      at += weightBytes;
      if (outputs * 8 > ds.bytes - at) fail(ErrorCode.BadSection, { offset: base + at, value: outputs * 8, limit: ds.bytes - at, what: `layer ${k} biases` });
      const biases = new BigInt64Array(outputs);
      for (let o = 0; o < outputs; o++) biases[o] = v.getBigInt64(base + at + 8 * o, true);
      at += 8 * outputs;
      layers.push({ inputs, outputs, relu: (flags & LayerFlag.Relu) !== 0, sharedRow, weights, biases });
      inputs = outputs;
      widest = Math.max(widest, outputs);
    }
    if (at !== ds.bytes) fail(ErrorCode.BadSection, { offset: base + at, value: ds.bytes - at, what: 'bytes after the last layer' });
    const want = output === DenseOutput.Argmax ? classes : 1;
    if (inputs !== want) fail(ErrorCode.BadLayer, { value: inputs, limit: want, what: 'outputs of the last layer' });
    return { layers, output: output === DenseOutput.Argmax ? 'argmax' : 'scalar', widest };
  }

  // The engine's validateGraph (assembly/validate.ts), check for check: rows, the base
  // network and its masks, the preorder walk, the scratch.
  function readGraph(common: Common, withNet: boolean): GraphNetwork {
    const rs = sec(SectionId.GraphRows);
    const rowCount = Math.floor(rs.count / d);
    if (rs.count % d !== 0 || rowCount > MAX_GRAPH_ROWS || !shaped(SectionId.GraphRows, 4, rs.count)) shapeError(SectionId.GraphRows);
    const rows = new Int32Array(rs.count);
    for (let j = 0; j < rs.count; j++) rows[j] = i32(rs.offset + 4 * j);
    let base: GraphNetwork['base'];
    let widest = d;
    const masks: Uint8Array[] = [];
    if (withNet) {
      const l = readLayers();
      base = { layers: l.layers, output: l.output };
      widest = l.widest;
      const neurons = l.layers.reduce((s, x) => s + x.outputs, 0);
      const mb = Math.ceil(neurons / 4);
      const ms = sec(SectionId.GraphMasks);
      if (mb > MAX_MASK_BYTES || !shaped(SectionId.GraphMasks, mb, ms.count)) shapeError(SectionId.GraphMasks);
      for (let i = 0; i < ms.count; i++) {
        const states = new Uint8Array(neurons);
        for (let b = 0; b < mb; b++) {
          const at = ms.offset + i * mb + b;
          const byte = u8(at);
          for (let q = 0; q < 4; q++) {
            const state = (byte >> (2 * q)) & 3;
            const k = 4 * b + q;
            if (state === 3 || (k >= neurons && state !== 0)) fail(ErrorCode.BadLeaf, { offset: at, value: byte, what: `mask ${i}, neuron ${k} state` });
            if (k < neurons) states[k] = state;
          }
        }
        masks.push(states);
      }
    }
    const ns = sec(SectionId.GraphNodes);
    const m = ns.count;
    if (m > MAX_TREE_NODES || !shaped(SectionId.GraphNodes, GRAPH_NODE_BYTES, m)) shapeError(SectionId.GraphNodes);
    const nodes: GraphNode[] = new Array(m);
    walkPreorder(m, ns.offset, GRAPH_NODE_BYTES, (r, depth, at) => {
      const nk = u8(at + G_KIND);
      const flags = u8(at + G_FLAGS);
      const row = u32(at + G_ROW);
      const below = u32(at + G_BELOW);
      const above = u32(at + G_ABOVE);
      const threshold = v.getBigInt64(at + G_THRESHOLD, true);
      if (u16(at + G_RESERVED) !== 0) fail(ErrorCode.BadNode, { offset: at + G_RESERVED, value: u16(at + G_RESERVED), what: `node ${r} reserved field` });
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
    const need = 16 * widest + 8 * rowCount;
    if (scratch < need) fail(ErrorCode.BadNode, { offset: H_SCRATCH_BYTES, value: scratch, limit: need, what: 'scratch bytes for the dense buffers and the registers' });
    return { kind: 'graph', ...common, rows, rowCount, nodes, base, masks };
  }

  /** A signed integer of `limbs` u32 limbs at `at`. */
  function limbsAt(at: number, limbs: number): bigint {
    let x = 0n;
    for (let k = limbs - 1; k >= 0; k--) x = (x << 32n) | BigInt(u32(at + 4 * k));
    return BigInt.asIntN(32 * limbs, x);
  }

  /** The engine's `minimal` (assembly/validate.ts): non-zero, no redundant top limb. */
  function minimal(at: number, limbs: number): boolean {
    const top = u32(at + 4 * (limbs - 1));
    if (limbs === 1) return top !== 0;
    const below = u32(at + 4 * (limbs - 2)) >>> 31;
    return !(top === 0 && below === 0) && !(top === 0xffffffff && below === 1);
  }

  // The engine's framing of instructions (assembly/validate.ts, validateProgram), check for check.
  function readProgram(common: Common): ProgramNetwork {
    const ps = sec(SectionId.LimbProgram);
    const count = ps.count;
    if (ps.elemBytes !== 0 || count === 0 || count > MAX_INSTRUCTIONS) shapeError(SectionId.LimbProgram);
    const base = ps.offset;
    let at = 0;
    let end = d;
    const instructions: Instruction[] = [];
    for (let i = 0; i < count; i++) {
      if (INSTRUCTION_HEADER_BYTES > ps.bytes - at) fail(ErrorCode.BadSection, { offset: base + at, what: `instruction ${i} header` });
      const h = base + at;
      const width = u16(h + P_WIDTH);
      const flags = u8(h + P_FLAGS);
      const biasLimbs = u16(h + P_BIAS_LIMBS);
      const terms = u32(h + P_TERMS);
      if (width === 0 || width > MAX_LIMBS || flags > 1 || u8(h + P_RESERVED) !== 0 || u16(h + P_RESERVED2) !== 0
        || biasLimbs > width || terms === 0 || terms > MAX_TERMS) {
        fail(ErrorCode.BadInstruction, { offset: h, value: width, what: `instruction ${i} header (width, flags ${flags}, bias limbs ${biasLimbs}, terms ${terms})` });
      }
      at += INSTRUCTION_HEADER_BYTES;
      if (4 * biasLimbs > ps.bytes - at) fail(ErrorCode.BadSection, { offset: base + at, what: `instruction ${i} bias` });
      if (biasLimbs > 0 && !minimal(base + at, biasLimbs)) fail(ErrorCode.BadWeight, { offset: base + at, what: `instruction ${i} bias (zero or not minimal)` });
      const bias = biasLimbs > 0 ? limbsAt(base + at, biasLimbs) : 0n;
      at += 4 * biasLimbs;
      const list: Instruction['terms'] = [];
      for (let t = 0; t < terms; t++) {
        if (PROGRAM_TERM_BYTES > ps.bytes - at) fail(ErrorCode.BadSection, { offset: base + at, what: `instruction ${i} term ${t}` });
        const th = base + at;
        const source = u32(th + PT_SOURCE);
        const sourceLimbs = u16(th + PT_SOURCE_LIMBS);
        const weightLimbs = u16(th + PT_WEIGHT_LIMBS);
        if (sourceLimbs === 0 || sourceLimbs > MAX_LIMBS || weightLimbs === 0 || weightLimbs > MAX_LIMBS || source + sourceLimbs > end) {
          fail(ErrorCode.BadInstruction, { offset: th, value: source, limit: end, what: `instruction ${i} term ${t} (source limbs ${sourceLimbs}, weight limbs ${weightLimbs})` });
        }
        at += PROGRAM_TERM_BYTES;
        if (4 * weightLimbs > ps.bytes - at) fail(ErrorCode.BadSection, { offset: base + at, what: `instruction ${i} term ${t} weight` });
        if (!minimal(base + at, weightLimbs)) fail(ErrorCode.BadWeight, { offset: base + at, what: `instruction ${i} term ${t} weight (zero or not minimal)` });
        list.push({ source, sourceLimbs, weight: limbsAt(base + at, weightLimbs) });
        at += 4 * weightLimbs;
      }
      instructions.push({ width, relu: flags === 1, bias, terms: list });
      end += width;
    }
    if (at !== ps.bytes) fail(ErrorCode.BadSection, { offset: base + at, value: ps.bytes - at, what: 'bytes after the last instruction' });
    if (scratch < 4 * end) fail(ErrorCode.BadInstruction, { offset: H_SCRATCH_BYTES, value: scratch, limit: 4 * end, what: 'scratch bytes for the register file' });
    return { kind: 'program', ...common, instructions };
  }

  /** The engine's preorder walk (assembly/validate.ts, walkStart and pushChildren), check for
   *  check: node r must be the next popped; `visit` checks node r (its depth counts the
   *  branches above it and itself) and returns its children (ref, byte offset), "above"
   *  first; a ref ≥ m is a class, checked here, a ref < m is pushed. */
  function walkPreorder(m: number, offset: number, elemBytes: number,
    visit: (r: number, depth: number, at: number) => [number, number][]): void {
    const stack: Array<[number, number]> = m > 0 ? [[0, 1]] : [];
    let next = 0;
    while (stack.length > 0) {
      const [r, depth] = stack.pop()!;
      const at = offset + elemBytes * r;
      if (r !== next) fail(ErrorCode.BadNode, { offset: at, value: r, limit: next, what: 'node out of preorder (expected index as limit)' });
      next++;
      for (const [child, field] of visit(r, depth, at)) {
        if (child >= m) {
          if (child - m >= classes) fail(ErrorCode.BadLeaf, { offset: field, value: child - m, limit: classes - 1, what: `node ${r} leaf` });
        } else {
          stack.push([child, depth + 1]);
        }
      }
    }
    if (next !== m) fail(ErrorCode.BadNode, { offset, value: next, limit: m, what: 'nodes reached vs stored' });
  }

  function readTree(common: Common): TreeNetwork {
    const ts = sec(SectionId.TreeNodes);
    const m = ts.count;
    if ((ts.elemBytes !== 8 && ts.elemBytes !== 16) || m > MAX_TREE_NODES || !shaped(SectionId.TreeNodes, ts.elemBytes, m)) shapeError(SectionId.TreeNodes);
    const w = ts.elemBytes / 4;
    const field = (r: number, k: number) => (w === 2 ? u16 : u32)(ts.offset + ts.elemBytes * r + w * k);
    const feature = new Uint32Array(m);
    const threshold = new Int32Array(m);
    const below = new Uint32Array(m);
    const above = new Uint32Array(m);
    walkPreorder(m, ts.offset, ts.elemBytes, (r, depth, at) => {
      if (depth > maxDepth) fail(ErrorCode.BadDepth, { offset: H_MAX_DEPTH, value: depth, limit: maxDepth, what: `node ${r}` });
      feature[r] = field(r, T_FEATURE);
      if (feature[r] >= d) fail(ErrorCode.BadNode, { offset: at, value: feature[r], limit: d - 1, what: `node ${r} feature` });
      threshold[r] = w === 2 ? v.getInt16(at + w * T_THRESHOLD, true) : i32(at + w * T_THRESHOLD);
      above[r] = field(r, T_ABOVE);
      below[r] = field(r, T_BELOW);
      return [[above[r], at + w * T_ABOVE], [below[r], at + w * T_BELOW]];
    });
    return { kind: 'tree', ...common, feature, threshold, below, above, fieldBytes: w as 2 | 4 };
  }
}
