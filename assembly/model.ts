// What validation learned about the blob, kept in globals so evaluation reads no header and
// allocates nothing. Written only by validate(); evaluation trusts it while `valid` is set.
// Contract: the caller must not change the blob's bytes between validate() and evaluate().

import { NodeKind, MAX_DENSE_LAYERS } from "./format";

export let valid = false;
export let kind: i32 = 0; //         NodeKind of the validated blob
export let inputDim: usize = 0;
export let domain: usize = 0; //      address of the (i32 lo, i32 hi) pairs
export let domainStride: usize = 0; // 8, or 0 when one pair bounds every coordinate
/** Where a tree's or graph's walk starts: node 0, or with no nodes the leaf of the header's
 *  root class (a ref r ≥ m = 0 is the leaf of class r). */
export let rootRef: u32 = 0;

// search
export let projection: usize = 0; //  address of d × i16|i32
export let projectionBytes: usize = 0;
export let separators: usize = 0; //  address of m × i64, Eytzinger order
export let separatorCount: usize = 0;
export let leaves: usize = 0; //      address of (m + 1) × u8|u16|u32
export let leafBytes: usize = 0;

// tree
export let treeNodes: usize = 0; //   address of m branch nodes
export let treeNodeCount: u32 = 0;
export let treeFieldBytes: usize = 0; // 2 or 4

// dense: per layer, at DENSE_LAYER + l·LAYER_ENTRY: weights, biases, outputs, flags (u32 each)
export const LAYER_ENTRY: usize = 16;
export const DENSE_LAYER: usize = memory.data(MAX_DENSE_LAYERS * <i32>LAYER_ENTRY);
export let denseLayerCount: u32 = 0;
export let denseOutput: u32 = 0; // DenseOutput
export let classCount: u32 = 0;
export let scratch: usize = 0; //   where evaluation writes: two dense buffers or the registers
export let scratchEnd: usize = 0;
export let scratchHalf: usize = 0;

export function setCommon(d: usize, dom: usize, stride: usize, root: u32): void {
  scratch = 0;
  scratchEnd = 0;
  inputDim = d;
  domain = dom;
  domainStride = stride;
  rootRef = root;
}

export function setSearch(proj: usize, projBytes: usize, seps: usize, m: usize, lv: usize, lvBytes: usize): void {
  projection = proj;
  projectionBytes = projBytes;
  separators = seps;
  separatorCount = m;
  leaves = lv;
  leafBytes = lvBytes;
  kind = NodeKind.Search;
  valid = true;
}

export function setTree(nodes: usize, m: u32, fieldBytes: usize): void {
  treeNodes = nodes;
  treeNodeCount = m;
  treeFieldBytes = fieldBytes;
  kind = NodeKind.Tree;
  valid = true;
}

export function setDense(layers: u32, output: u32, classes: u32, at: usize, half: usize): void {
  denseLayerCount = layers;
  denseOutput = output;
  classCount = classes;
  scratch = at;
  scratchEnd = at + 2 * half;
  scratchHalf = half;
  kind = NodeKind.Dense;
  valid = true;
}

// program
export let program: usize = 0; //      address of the first instruction
export let instructionCount: u32 = 0;

export function setProgram(at: usize, count: u32, classes: u32, regs: usize, limbs: usize): void {
  program = at;
  instructionCount = count;
  classCount = classes;
  scratch = regs;
  scratchEnd = regs + limbs * 4;
  kind = NodeKind.Program;
  valid = true;
}

// graph: nodes, rows (d × i32 each) and their registers, masks over the dense layers above
export let graphNodes: usize = 0;
export let graphNodeCount: u32 = 0;
export let graphRows: usize = 0;
export let registers: usize = 0; //  rowCount × i64, zeroed for each input
export let registerBytes: usize = 0;
export let masks: usize = 0;
export let maskBytes: usize = 0;

export function setGraph(nodes: usize, m: u32, rows: usize, regBytes: usize, mk: usize, mkBytes: usize): void {
  graphNodes = nodes;
  graphNodeCount = m;
  graphRows = rows;
  registers = scratchEnd; // after the two dense buffers setDense reserved
  registerBytes = regBytes;
  scratchEnd += regBytes;
  masks = mk;
  maskBytes = mkBytes;
  kind = NodeKind.Graph;
  valid = true;
}

export function invalidate(): void {
  valid = false;
}

/** Bytes of linear memory, as u64 so 65,536 pages do not wrap to 0. */
// @ts-ignore: decorator
@inline export function memoryBytes(): u64 {
  return <u64>memory.size() << 16;
}

/** May the caller's region [ptr, ptr + len) be read or written by a call? It must lie in
 *  memory and outside the scratch evaluation writes, which would clobber it mid-call. */
// @ts-ignore: decorator
@inline export function callerRegion(ptr: usize, len: u64): bool {
  return inMemory(ptr, len) && (len == 0 || <u64>ptr >= <u64>scratchEnd || <u64>ptr + len <= <u64>scratch);
}

/** Is [ptr, ptr + len) inside linear memory? Lengths compared, never end pointers. */
// @ts-ignore: decorator
@inline export function inMemory(ptr: usize, len: u64): bool {
  const total = memoryBytes();
  return len <= total && <u64>ptr <= total - len;
}
