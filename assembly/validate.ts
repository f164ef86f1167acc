// Untrusted bytes → error code. Runs once per blob; evaluation then trusts what it recorded.
// The checks run in exactly the order docs/FORMAT.md ("Validation order") lists, and the
// host's reader (host/format/reader.ts) runs the same order, so both give one code per blob.
// Every length is compared as an unsigned difference (`bytes > len - offset`), never as an
// end pointer that could wrap.

import {
  ErrorCode, MAGIC, FORMAT_VERSION, HEADER_BYTES, H_MAGIC, H_VERSION, H_HEADER_BYTES,
  H_BLOB_BYTES, H_CRC, H_KIND, H_QUANT_MODE, H_SECTION_COUNT, H_INPUT_DIM, H_CLASS_COUNT,
  H_MAX_DEPTH, H_SCRATCH_BYTES, H_QUANT_PARAM, H_ROOT_CLASS, H_RESERVED, SECTION_ENTRY_BYTES, S_ID,
  S_ELEM_BYTES, S_OFFSET, S_BYTES, S_COUNT, SECTION_ALIGN, MAX_INPUT_DIM, MAX_CLASSES,
  MAX_SECTIONS, MAX_DEPTH, MAX_SCRATCH_BYTES, MAX_SEPARATORS, MAX_KEY_MAGNITUDE, MAX_FRAC_BITS,
  KIND_LAST_SUPPORTED, KIND_LAST_RESERVED, SECTION_LAST_SUPPORTED, SECTION_LAST_STRUCTURAL,
  SECTION_LAST_OPTIONAL, KIND_TABLE, KIND_COLUMNS, K_SECTIONS, K_PAIRED, K_TRAITS, KindTrait,
  SectionId, QuantMode, NodeKind, MAX_TREE_NODES, T_FEATURE,
  T_BELOW, T_ABOVE, MAX_DENSE_LAYERS, MAX_DENSE_WIDTH, D_OUTPUT, D_RESERVED,
  DENSE_PREFIX_BYTES, L_OUTPUTS, L_INPUTS, L_FLAGS, L_RESERVED, LAYER_HEADER_BYTES, LayerFlag,
  DenseOutput, MAX_INSTRUCTIONS, MAX_TERMS, MAX_LIMBS, P_WIDTH, P_FLAGS, P_RESERVED,
  P_BIAS_LIMBS, P_RESERVED2, P_TERMS, INSTRUCTION_HEADER_BYTES, PT_SOURCE, PT_SOURCE_LIMBS,
  PT_WEIGHT_LIMBS, PROGRAM_TERM_BYTES, MAX_GRAPH_ROWS, MAX_MASK_BYTES,
  GRAPH_NODE_BYTES, G_KIND, G_FLAGS, G_RESERVED, G_ROW, G_BELOW, G_ABOVE, G_THRESHOLD, GraphNodeKind, GraphFlag,
} from "./format";
import { crc32 } from "./crc32";
import { runs } from "./profile";
import {
  rootRef, inMemory, invalidate, setCommon, setSearch, setTree, setDense, setProgram, setGraph, DENSE_LAYER,
  LAYER_ENTRY,
} from "./model";

// Address of the section-table entry of each supported id (static memory, no allocation).
const ENTRY_OF: usize = memory.data((SECTION_LAST_SUPPORTED + 1) << 2);
// @ts-ignore: decorator
@inline function entry(id: u32): usize { return <usize>load<u32>(ENTRY_OF + (id << 2)); }
// @ts-ignore: decorator
@inline function secElem(id: u32): u32 { return <u32>load<u16>(entry(id) + S_ELEM_BYTES); }
// @ts-ignore: decorator
@inline function secOffset(id: u32): u32 { return load<u32>(entry(id) + S_OFFSET); }
// @ts-ignore: decorator
@inline function secBytes(id: u32): u32 { return load<u32>(entry(id) + S_BYTES); }
// @ts-ignore: decorator
@inline function secCount(id: u32): u32 { return load<u32>(entry(id) + S_COUNT); }

/** Where section `id` (a structural one the validated blob holds) starts: the validator
 *  recorded its table entry, so callers that read a section (the WASI module's labels) need
 *  not walk the table again. */
export function sectionStart(ptr: usize, id: u32): usize {
  return ptr + secOffset(id);
}

/** Column `column` of the kind table's row for a kind ≤ KIND_LAST_SUPPORTED: a plain load
 *  from the table's data, as the standard library reads its own static arrays (an
 *  `unchecked` index calls a helper: bytes in a budgeted engine). */
// @ts-ignore: decorator
@inline function kindColumn(kind: i32, column: i32): i32 {
  return load<i32>(changetype<usize>(KIND_TABLE) + ((kind * KIND_COLUMNS + column) << 2));
}

/** Validate the blob at [ptr, ptr + len). Returns ErrorCode.Ok or the first failing check. */
export function validate(ptr: usize, blobLen: usize): i32 {
  invalidate();
  const len = <u32>blobLen;
  if (!inMemory(ptr, len)) return ErrorCode.OutOfMemory;
  if (len < <u32>HEADER_BYTES) return ErrorCode.Truncated;
  if (load<u32>(ptr + H_MAGIC) != MAGIC) return ErrorCode.BadMagic;
  if (<i32>load<u16>(ptr + H_VERSION) != FORMAT_VERSION) return ErrorCode.UnsupportedVersion;
  if (<i32>load<u16>(ptr + H_HEADER_BYTES) != HEADER_BYTES) return ErrorCode.BadHeader;
  const blobBytes = load<u32>(ptr + H_BLOB_BYTES);
  if (blobBytes > len) return ErrorCode.Truncated;
  if (blobBytes < len) return ErrorCode.LengthMismatch;
  if (crc32(ptr, blobLen, H_CRC) != load<u32>(ptr + H_CRC)) return ErrorCode.BadChecksum;
  if ((load<u64>(ptr + H_RESERVED) | load<u64>(ptr + H_RESERVED + 8)) != 0) return ErrorCode.BadHeader;
  const kind = <i32>load<u8>(ptr + H_KIND);
  if (kind == 0 || kind > KIND_LAST_RESERVED) return ErrorCode.BadKind;
  if (kind > KIND_LAST_SUPPORTED || !runs(kind)) return ErrorCode.UnsupportedKind; // a profile runs its kinds only
  const quantMode = <i32>load<u8>(ptr + H_QUANT_MODE);
  const quantParam = load<i32>(ptr + H_QUANT_PARAM);
  if (quantMode == QuantMode.FracBits) {
    if (<u32>quantParam > <u32>MAX_FRAC_BITS) return ErrorCode.BadHeader;
  } else if (quantMode == QuantMode.Scale) {
    if (quantParam < 1) return ErrorCode.BadHeader;
  } else return ErrorCode.BadHeader;

  const d = load<u32>(ptr + H_INPUT_DIM);
  const classes = load<u32>(ptr + H_CLASS_COUNT);
  const sections = <u32>load<u16>(ptr + H_SECTION_COUNT);
  const maxDepth = load<u32>(ptr + H_MAX_DEPTH);
  if (d == 0 || d > <u32>MAX_INPUT_DIM || classes == 0 || classes > <u32>MAX_CLASSES || sections > <u32>MAX_SECTIONS
    || maxDepth > <u32>MAX_DEPTH || load<u32>(ptr + H_SCRATCH_BYTES) > <u32>MAX_SCRATCH_BYTES) return ErrorCode.OverLimit;
  // The root class answers for a structure whose root is a leaf (no nodes); other kinds have
  // no such leaf and keep it 0, as every blob written before the field existed does.
  const rootClass = load<u32>(ptr + H_ROOT_CLASS);
  if (rootClass != 0 && (rootClass >= classes || (kindColumn(kind, K_TRAITS) & KindTrait.Preorder) == 0)) {
    return ErrorCode.BadHeader;
  }

  // Section table: framed entries in increasing, non-overlapping, aligned order. Optional
  // sections (ids past the structural ones) are framed like the others, then skipped.
  const tableEnd = <u32>HEADER_BYTES + sections * SECTION_ENTRY_BYTES;
  if (tableEnd > len) return ErrorCode.BadSection;
  let seen: u64 = 0;
  let prevEnd = tableEnd;
  for (let i: u32 = 0; i < sections; i++) {
    const e = ptr + HEADER_BYTES + i * SECTION_ENTRY_BYTES;
    const id = <u32>load<u16>(e + S_ID);
    const offset = load<u32>(e + S_OFFSET);
    const bytes = load<u32>(e + S_BYTES);
    if (id == 0 || id > <u32>SECTION_LAST_OPTIONAL) return ErrorCode.BadSection;
    if (id > <u32>SECTION_LAST_SUPPORTED && id <= <u32>SECTION_LAST_STRUCTURAL) return ErrorCode.UnsupportedSection;
    if (offset % SECTION_ALIGN != 0 || offset < prevEnd) return ErrorCode.BadSection;
    if (offset > len || bytes > len - offset) return ErrorCode.BadSection;
    if (seen & (<u64>1 << id)) return ErrorCode.BadSection;
    seen |= <u64>1 << id;
    if (id <= <u32>SECTION_LAST_SUPPORTED) store<u32>(ENTRY_OF + (id << 2), <u32>e);
    prevEnd = offset + bytes;
  }
  const structural = <u32>seen;
  const paired = kindColumn(kind, K_PAIRED);
  const expected = kindColumn(kind, K_SECTIONS) | (structural & paired ? paired : 0);
  if (structural & ~expected) return ErrorCode.BadSection;
  if (expected & ~structural) return ErrorCode.MissingSection;

  // Domain: d pairs, or one pair shared by every coordinate; lo ≤ hi.
  const domCount = secCount(SectionId.Domain);
  if (domCount != 1 && domCount != d || !shaped(SectionId.Domain, 8, domCount)) return ErrorCode.BadSection;
  const dom = ptr + secOffset(SectionId.Domain);
  for (let j: usize = 0; j < domCount; j++) {
    if (load<i32>(dom + (j << 3)) > load<i32>(dom + (j << 3) + 4)) return ErrorCode.BadDomain;
  }
  const stride: usize = domCount == 1 ? 0 : 8;

  // Labels: C end offsets, non-decreasing, the last one closing the text exactly.
  const lb = secBytes(SectionId.Labels);
  if (secElem(SectionId.Labels) != 0 || secCount(SectionId.Labels) != classes
    || <u64>lb < <u64>classes << 2) return ErrorCode.BadSection;
  const labels = ptr + secOffset(SectionId.Labels);
  let end: u32 = 0;
  for (let c: usize = 0; c < classes; c++) {
    const next = load<u32>(labels + (c << 2));
    if (next < end) return ErrorCode.BadLabels;
    end = next;
  }
  if (end != lb - (classes << 2)) return ErrorCode.BadLabels;

  setCommon(d, dom, stride, rootClass);
  // An arm's code is compiled only into a build that runs its kind (assembly/profile.ts).
  switch (kind) {
    case NodeKind.Search: if (runs(NodeKind.Search)) return validateSearch(ptr, d, classes, maxDepth, dom, stride); break;
    case NodeKind.Tree: if (runs(NodeKind.Tree)) return validateTree(ptr, d, classes, maxDepth); break;
    case NodeKind.Dense: if (runs(NodeKind.Dense)) return validateDense(ptr, len, d, classes); break;
    case NodeKind.Program: if (runs(NodeKind.Program)) return validateProgram(ptr, len, d, classes); break;
    case NodeKind.Graph: if (runs(NodeKind.Graph)) return validateGraph(ptr, len, d, classes, maxDepth, (structural & paired) != 0); break;
  }
  return unreachable(); // a kind this build does not run was refused above
}

function validateSearch(ptr: usize, d: u32, classes: u32, maxDepth: u32, dom: usize, stride: usize): i32 {
  // Projection: d non-zero weights of 2 or 4 bytes.
  const wb = secElem(SectionId.Projection);
  if ((wb != 2 && wb != 4) || !shaped(SectionId.Projection, wb, d)) return ErrorCode.BadSection;
  const proj = ptr + secOffset(SectionId.Projection);
  // One pass over the weights: zero weights now, the key bound (step 21) reported later. The
  // sum stops growing once past the limit, so it never wraps (each term is below 2^62).
  let bound: u64 = 0;
  for (let j: usize = 0; j < d; j++) {
    const w = weightAt(proj, j, wb);
    if (w == 0) return ErrorCode.BadWeight;
    const x = max(abs64(load<i32>(dom + j * stride)), abs64(load<i32>(dom + j * stride + 4)));
    if (bound <= <u64>MAX_KEY_MAGNITUDE) bound += abs64(w) * x;
  }

  // Separators: m keys; leaves: m + 1 classes below C.
  const m = secCount(SectionId.Separators);
  if (m > <u32>MAX_SEPARATORS || !shaped(SectionId.Separators, 8, m)) return ErrorCode.BadSection;
  const leafBytes = secElem(SectionId.Leaves);
  if ((leafBytes != 1 && leafBytes != 2 && leafBytes != 4) || !shaped(SectionId.Leaves, leafBytes, m + 1)) {
    return ErrorCode.BadSection;
  }
  const lv = ptr + secOffset(SectionId.Leaves);
  for (let i: usize = 0; i <= m; i++) {
    const cls = leafBytes == 1 ? <u32>load<u8>(lv + i)
      : leafBytes == 2 ? <u32>load<u16>(lv + (i << 1)) : load<u32>(lv + (i << 2));
    if (cls >= classes) return ErrorCode.BadLeaf;
  }

  // The deepest leaf of a full heap of 2m + 1 positions sits at depth ⌊log₂(2m + 1)⌋.
  if (maxDepth < 31 - clz<u32>(2 * m + 1)) return ErrorCode.BadDepth;

  // Every key over the declared domain fits ±MAX_KEY_MAGNITUDE (|w|·|x| ≤ 2^62: no wrap).
  if (bound > <u64>MAX_KEY_MAGNITUDE) return ErrorCode.KeyRange;

  setSearch(proj, wb, ptr + secOffset(SectionId.Separators), m, lv, leafBytes);
  return ErrorCode.Ok;
}

// Pending (node, depth) pairs of the preorder walk, for any blob, valid or not: depths on the
// stack rise strictly from bottom to top except for the two children just pushed, and only
// a node of depth ≤ maxDepth ≤ MAX_DEPTH pushes children (depth + 1). So the stack never
// holds more than MAX_DEPTH + 2 entries and needs no overflow check.
const STACK_ENTRIES: u32 = MAX_DEPTH + 2;
const STACK: usize = memory.data(STACK_ENTRIES << 3);

/** The walk's first stack entry, (node 0, depth 1), when there are nodes: the stack's top;
 *  −1 when there are nodes and a root class too (the root is then node 0, not a leaf). */
function walkStart(m: u32): i32 {
  if (m == 0) return 0;
  if (rootRef != 0) return -1;
  store<u32>(STACK, 0);
  store<u32>(STACK + 4, 1);
  return 1;
}

// What a node's check leaves for the walk: its two refs, "above" and "below".
let childAbove: u32 = 0;
let childBelow: u32 = 0;
/** A node's check found a leaf: it tests nothing and pushes nothing. */
const LEAF_NODE = -1;

/** The one preorder walk of every kind whose KindTrait has Preorder: node r must be the next
 *  one stored, so every link points forward, no node is shared or unreachable, and the walk
 *  ends after m nodes. Each node is checked by its kind's rule (`graph`: checkGraphNode,
 *  else checkTreeNode: these are the only two kinds with preorder nodes); its children are pushed "above" first so that "below" is walked first: a
 *  ref < m with depth + 1, a ref ≥ m checked as a class. */
function walkPreorder(graph: bool, nodes: usize, m: u32, elem: u32, classes: u32, maxDepth: u32): i32 {
  const start = walkStart(m);
  if (start < 0) return ErrorCode.BadNode;
  let top = <u32>start;
  let next: u32 = 0;
  while (top > 0) {
    top--;
    const r = load<u32>(STACK + (top << 3));
    const depth = load<u32>(STACK + (top << 3) + 4);
    if (r != next) return ErrorCode.BadNode;
    next++;
    const node = nodes + <usize>r * elem;
    const e = graph ? checkGraphNode(node, depth, maxDepth) : checkTreeNode(node, elem, depth, maxDepth);
    if (e == LEAF_NODE) continue;
    if (e != ErrorCode.Ok) return e;
    for (let k = 0; k < 2; k++) {
      const child = k == 0 ? childAbove : childBelow;
      if (child >= m) {
        if (child - m >= classes) return ErrorCode.BadLeaf;
      } else {
        store<u32>(STACK + (top << 3), child);
        store<u32>(STACK + (top << 3) + 4, depth + 1);
        top++;
      }
    }
  }
  return next != m ? ErrorCode.BadNode : ErrorCode.Ok;
}

// The limits a node's check compares with (set before the walk): a tree node's coordinate
// < d; a graph branch's row < rows, a net leaf's mask < masks.
let nodeLimit: u32 = 0;
let maskLimit: u32 = 0;

function checkTreeNode(node: usize, elem: u32, depth: u32, maxDepth: u32): i32 {
  const w: usize = elem >> 2;
  if (depth > maxDepth) return ErrorCode.BadDepth;
  if (nodeField(node, T_FEATURE, w) >= nodeLimit) return ErrorCode.BadNode;
  childAbove = nodeField(node, T_ABOVE, w);
  childBelow = nodeField(node, T_BELOW, w);
  return ErrorCode.Ok;
}

function validateTree(ptr: usize, d: u32, classes: u32, maxDepth: u32): i32 {
  const elem = secElem(SectionId.TreeNodes);
  const m = secCount(SectionId.TreeNodes);
  if ((elem != 8 && elem != 16) || m > <u32>MAX_TREE_NODES || !shaped(SectionId.TreeNodes, elem, m)) {
    return ErrorCode.BadSection;
  }
  const nodes = ptr + secOffset(SectionId.TreeNodes);
  nodeLimit = d;
  const e = walkPreorder(false, nodes, m, elem, classes, maxDepth);
  if (e != ErrorCode.Ok) return e;
  setTree(nodes, m, elem >> 2);
  return ErrorCode.Ok;
}

/** The scratch a kind's ScratchRule needs: declared by the header, and inside linear memory
 *  right after the blob (at the next multiple of 8), where evaluation writes. */
function checkScratch(ptr: usize, len: u32, need: u64): i32 {
  if (<u64>load<u32>(ptr + H_SCRATCH_BYTES) < need) return ErrorCode.BadScratch;
  if (!inMemory(scratchAt(ptr, len), need)) return ErrorCode.OutOfMemory;
  return ErrorCode.Ok;
}

// @ts-ignore: decorator
@inline function scratchAt(ptr: usize, len: u32): usize {
  return (ptr + len + 7) & ~7;
}

// What walkLayers learned: the widest layer (or the input) and the neurons of all layers.
let widest: u32 = 0;
let neurons: u32 = 0;

function validateDense(ptr: usize, len: u32, d: u32, classes: u32): i32 {
  const e = walkLayers(ptr, d, classes);
  if (e != ErrorCode.Ok) return e;
  // Two i64 buffers of the widest layer (or the input), in the scratch right after the blob.
  const half = <usize>widest << 3;
  const s = checkScratch(ptr, len, <u64>half * 2);
  if (s != ErrorCode.Ok) return s;
  setDense(secCount(SectionId.DenseLayers), load<u32>(ptr + secOffset(SectionId.DenseLayers) + D_OUTPUT), classes, scratchAt(ptr, len), half);
  return ErrorCode.Ok;
}

// Each layer is framed like a wasm section: its header, then weights and biases whose sizes
// follow from it, each length compared with what is left of the payload before it is used.
function walkLayers(ptr: usize, d: u32, classes: u32): i32 {
  const layers = secCount(SectionId.DenseLayers);
  const bytes = secBytes(SectionId.DenseLayers);
  if (secElem(SectionId.DenseLayers) != 0 || layers == 0 || layers > <u32>MAX_DENSE_LAYERS
    || bytes < <u32>DENSE_PREFIX_BYTES) return ErrorCode.BadSection;
  const base = ptr + secOffset(SectionId.DenseLayers);
  const output = load<u32>(base + D_OUTPUT);
  if (output > <u32>DenseOutput.ScalarClass || load<u32>(base + D_RESERVED) != 0) return ErrorCode.BadLayer;
  let at: u32 = DENSE_PREFIX_BYTES;
  let inputs = d;
  widest = d;
  neurons = 0;
  for (let l: u32 = 0; l < layers; l++) {
    if (<u32>LAYER_HEADER_BYTES > bytes - at) return ErrorCode.BadSection;
    const h = base + at;
    const outputs = load<u32>(h + L_OUTPUTS);
    const flags = load<u32>(h + L_FLAGS);
    if (outputs == 0 || outputs > <u32>MAX_DENSE_WIDTH || load<u32>(h + L_INPUTS) != inputs
      || (flags & ~(LayerFlag.Relu | LayerFlag.SharedRow)) != 0 || load<u32>(h + L_RESERVED) != 0) {
      return ErrorCode.BadLayer;
    }
    at += LAYER_HEADER_BYTES;
    const weights = (flags & LayerFlag.SharedRow) ? <u64>inputs : <u64>outputs * <u64>inputs;
    const weightBytes = (weights * 4 + 7) & ~7;
    if (weightBytes > <u64>(bytes - at)) return ErrorCode.BadSection;
    const entry = DENSE_LAYER + <usize>l * LAYER_ENTRY;
    store<u32>(entry, <u32>(base + at));
    at += <u32>weightBytes;
    if (<u64>outputs * 8 > <u64>(bytes - at)) return ErrorCode.BadSection;
    store<u32>(entry + 4, <u32>(base + at));
    store<u32>(entry + 8, outputs);
    store<u32>(entry + 12, flags);
    at += outputs << 3;
    inputs = outputs;
    if (outputs > widest) widest = outputs;
    neurons += outputs; // ≤ MAX_DENSE_LAYERS · MAX_DENSE_WIDTH: no wrap
  }
  if (at != bytes) return ErrorCode.BadSection;
  if (inputs != (output == DenseOutput.Argmax ? classes : 1)) return ErrorCode.BadLayer;
  return ErrorCode.Ok;
}

// Rows, then the base network and its masks (when net leaves exist), then the nodes in the
// tree's preorder walk, then the scratch: the dense buffers (the input as i64 first), and
// one i64 register per row.
function validateGraph(ptr: usize, len: u32, d: u32, classes: u32, maxDepth: u32, withNet: bool): i32 {
  const rowWeights = secCount(SectionId.GraphRows);
  const rowCount = rowWeights / d;
  if (rowWeights % d != 0 || rowCount > <u32>MAX_GRAPH_ROWS || !shaped(SectionId.GraphRows, 4, rowWeights)) {
    return ErrorCode.BadSection;
  }
  let layers: u32 = 0;
  let output: u32 = 0;
  let maskCount: u32 = 0;
  let mb: u32 = 0;
  let mk: usize = 0;
  widest = d;
  if (withNet) {
    const e = walkLayers(ptr, d, classes);
    if (e != ErrorCode.Ok) return e;
    layers = secCount(SectionId.DenseLayers);
    output = load<u32>(ptr + secOffset(SectionId.DenseLayers) + D_OUTPUT);
    mb = (neurons + 3) >> 2;
    maskCount = secCount(SectionId.GraphMasks);
    if (mb > <u32>MAX_MASK_BYTES || !shaped(SectionId.GraphMasks, mb, maskCount)) return ErrorCode.BadSection;
    mk = ptr + secOffset(SectionId.GraphMasks);
    // States are 0..2, and the bits past the last neuron of a mask are zero.
    const pad = (neurons & 3) << 1;
    for (let i: u32 = 0; i < maskCount * mb; i++) {
      const b = <u32>load<u8>(mk + i);
      if ((b & (b >>> 1) & 0x55) != 0 || (pad != 0 && i % mb == mb - 1 && (b >>> pad) != 0)) return ErrorCode.BadLeaf;
    }
  }
  const m = secCount(SectionId.GraphNodes);
  if (m > <u32>MAX_TREE_NODES || !shaped(SectionId.GraphNodes, GRAPH_NODE_BYTES, m)) return ErrorCode.BadSection;
  const nodes = ptr + secOffset(SectionId.GraphNodes);
  nodeLimit = rowCount;
  maskLimit = maskCount;
  const e = walkPreorder(true, nodes, m, GRAPH_NODE_BYTES, classes, maxDepth);
  if (e != ErrorCode.Ok) return e;
  const half = <u64>widest << 3;
  const s = checkScratch(ptr, len, half * 2 + (<u64>rowCount << 3));
  if (s != ErrorCode.Ok) return s;
  setDense(layers, output, classes, scratchAt(ptr, len), <usize>half);
  setGraph(nodes, m, ptr + secOffset(SectionId.GraphRows), <usize>rowCount << 3, mk, mb);
  return ErrorCode.Ok;
}

function checkGraphNode(node: usize, depth: u32, maxDepth: u32): i32 {
  const nk = <u32>load<u8>(node + G_KIND);
  const flags = <u32>load<u8>(node + G_FLAGS);
  const row = load<u32>(node + G_ROW);
  if (load<u16>(node + G_RESERVED) != 0) return ErrorCode.BadNode;
  if (nk == GraphNodeKind.Net) {
    // A leaf: it tests nothing, so its depth is its parent's.
    if (flags != 0 || row >= maskLimit || load<u32>(node + G_BELOW) != 0 || load<u32>(node + G_ABOVE) != 0
      || load<i64>(node + G_THRESHOLD) != 0) return ErrorCode.BadNode;
    return LEAF_NODE;
  }
  if (nk != GraphNodeKind.Branch) return ErrorCode.BadNode;
  if (depth > maxDepth) return ErrorCode.BadDepth;
  if (flags > <u32>GraphFlag.Reuse || row >= nodeLimit) return ErrorCode.BadNode;
  childAbove = load<u32>(node + G_ABOVE);
  childBelow = load<u32>(node + G_BELOW);
  return ErrorCode.Ok;
}

// Framed like the dense layers: each instruction header, its bias, each term header and its
// weight, lengths compared with what is left before use. A term may read only registers
// already written (the inputs, then earlier instructions): links point backwards into a
// bounded file, and the program runs straight through, once.
function validateProgram(ptr: usize, len: u32, d: u32, classes: u32): i32 {
  const count = secCount(SectionId.Program);
  const bytes = secBytes(SectionId.Program);
  if (secElem(SectionId.Program) != 0 || count == 0 || count > <u32>MAX_INSTRUCTIONS) return ErrorCode.BadSection;
  const base = ptr + secOffset(SectionId.Program);
  let at: u32 = 0;
  let end: u64 = d; // limbs of the register file written so far
  for (let i: u32 = 0; i < count; i++) {
    if (<u32>INSTRUCTION_HEADER_BYTES > bytes - at) return ErrorCode.BadSection;
    const h = base + at;
    const width = <u32>load<u16>(h + P_WIDTH);
    const biasLimbs = <u32>load<u16>(h + P_BIAS_LIMBS);
    const terms = load<u32>(h + P_TERMS);
    if (width == 0 || width > <u32>MAX_LIMBS || load<u8>(h + P_FLAGS) > 1 || load<u8>(h + P_RESERVED) != 0
      || load<u16>(h + P_RESERVED2) != 0 || biasLimbs > width || terms == 0 || terms > <u32>MAX_TERMS) {
      return ErrorCode.BadInstruction;
    }
    at += INSTRUCTION_HEADER_BYTES;
    if (biasLimbs << 2 > bytes - at) return ErrorCode.BadSection;
    if (biasLimbs > 0 && !minimal(base + at, biasLimbs)) return ErrorCode.BadWeight;
    at += biasLimbs << 2;
    for (let t: u32 = 0; t < terms; t++) {
      if (<u32>PROGRAM_TERM_BYTES > bytes - at) return ErrorCode.BadSection;
      const th = base + at;
      const sourceLimbs = <u32>load<u16>(th + PT_SOURCE_LIMBS);
      const weightLimbs = <u32>load<u16>(th + PT_WEIGHT_LIMBS);
      if (sourceLimbs == 0 || sourceLimbs > <u32>MAX_LIMBS || weightLimbs == 0 || weightLimbs > <u32>MAX_LIMBS
        || <u64>load<u32>(th + PT_SOURCE) + sourceLimbs > end) return ErrorCode.BadInstruction;
      at += PROGRAM_TERM_BYTES;
      if (weightLimbs << 2 > bytes - at) return ErrorCode.BadSection;
      if (!minimal(base + at, weightLimbs)) return ErrorCode.BadWeight;
      at += weightLimbs << 2;
    }
    end += width;
  }
  if (at != bytes) return ErrorCode.BadSection;
  // The register file lives in the scratch right after the blob.
  const s = checkScratch(ptr, len, end << 2);
  if (s != ErrorCode.Ok) return s;
  setProgram(base, count, classes, scratchAt(ptr, len), <usize>end);
  return ErrorCode.Ok;
}

/** Is the integer of `limbs` limbs at p non-zero and minimally encoded (its top limb is not
 *  a mere sign extension)? Then ±1 is exactly a one-limb 1 or −1, which the counting needs. */
function minimal(p: usize, limbs: u32): bool {
  const top = load<u32>(p + ((limbs - 1) << 2));
  if (limbs == 1) return top != 0;
  const below = load<u32>(p + ((limbs - 2) << 2)) >>> 31;
  return !(top == 0 && below == 0) && !(top == 0xffffffff && below == 1);
}

/** Projection weight j, stored in `wb` = 2 or 4 bytes. */
// @ts-ignore: decorator
@inline function weightAt(proj: usize, j: usize, wb: u32): i32 {
  return wb == 2 ? <i32>load<i16>(proj + (j << 1)) : load<i32>(proj + (j << 2));
}

/** Does section `id` hold exactly `count` elements of `elem` bytes? */
function shaped(id: i32, elem: u32, count: u32): bool {
  return secElem(id) == elem && secCount(id) == count
    && <u64>secBytes(id) == <u64>count * <u64>elem;
}

/** Unsigned field `k` of the TreeNodes element at `node`, fields of w = 2 or 4 bytes. */
// @ts-ignore: decorator
@inline function nodeField(node: usize, k: usize, w: usize): u32 {
  return w == 2 ? <u32>load<u16>(node + (k << 1)) : load<u32>(node + (k << 2));
}

// @ts-ignore: decorator
@inline function abs64(v: i32): u64 {
  return <u64>(v < 0 ? -<i64>v : <i64>v);
}
