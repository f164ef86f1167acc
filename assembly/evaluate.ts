// The trusting integer loop: the blob was validated, so no bounds are checked here except the
// caller's input, which is never trusted. Counters are compiled in only for the counting build.

import {
  ErrorCode, I64_WORDS, NodeKind, T_THRESHOLD, T_BELOW, T_ABOVE, LayerFlag, DenseOutput,
  P_WIDTH, P_FLAGS, P_BIAS_LIMBS, P_TERMS, INSTRUCTION_HEADER_BYTES, PT_SOURCE, PT_SOURCE_LIMBS,
  PT_WEIGHT_LIMBS, PROGRAM_TERM_BYTES, GRAPH_NODE_BYTES, G_KIND, G_FLAGS, G_ROW, G_BELOW, G_ABOVE,
  G_THRESHOLD, GraphNodeKind, GraphFlag, NeuronState,
} from "./format";
import { mulAdd, ONE } from "./limbs";
import { COUNTING, countAdd, countCmp, countMul, reset, touch } from "./counters";
import { PROFILE, runs } from "./profile";
import {
  valid, kind, rootRef, inputDim, domain, domainStride, projection, projectionBytes, separators, separatorCount, leaves,
  leafBytes, treeNodes, treeNodeCount, treeFieldBytes, callerRegion, DENSE_LAYER, LAYER_ENTRY,
  denseLayerCount, denseOutput, classCount, scratch, scratchHalf, program, instructionCount,
  graphNodes, graphNodeCount, graphRows, registers, registerBytes, masks, maskBytes,
} from "./model";

/** The WASI modules' build (asc --use CONDNET_SMALL=1): one loop per structure, each field
 *  width read at run time, where the engine for hosts compiles one loop per width. Same
 *  results and counts (test/wasi.test.ts holds the counting WASI module to the goldens). */
// @ts-ignore: decorator
@inline const SMALL: bool = isDefined(CONDNET_SMALL);

/** A blob read, recorded by the counting build. `network`: counted in `loads` (DESIGN §2). */
// @ts-ignore: decorator
@inline function read<T>(addr: usize, network: bool): T {
  if (COUNTING) touch(addr, sizeof<T>(), network);
  return load<T>(addr);
}

/** What `project` returns for an input outside the domain: no key reaches it (|t| < 2^53). */
const OUTSIDE = i64.MIN_VALUE;

/** w·x over the d weights, each `wb` bytes (2: i16 when every weight fits, so an input reads
 *  half the projection bytes; else 4), or OUTSIDE. Inlined with a constant `wb` in the host's
 *  engine (one loop per width), with the stored width in the SMALL build (one loop). */
// @ts-ignore: decorator
@inline function project(input: usize, wb: usize): i64 {
  let t: i64 = 0;
  for (let j: usize = 0; j < inputDim; j++) {
    const x = load<i32>(input + (j << 2));
    if (outOfDomain(x, j)) return OUTSIDE;
    const at = projection + j * wb;
    const w = wb == 2 ? <i32>load<i16>(at) : load<i32>(at);
    if (COUNTING) { touch(at, wb, true); if (w != 1 && w != -1) countMul(1, I64_WORDS); }
    t += <i64>w * <i64>x;
  }
  return t;
}

/** Does x leave the declared domain of coordinate j? lo ≤ x ≤ hi as one unsigned compare of
 *  the offsets from lo, exact for every i32. A range check: read, but not counted in loads. */
// @ts-ignore: decorator
@inline function outOfDomain(x: i32, j: usize): bool {
  const bounds = read<u64>(domain + j * domainStride, false); // lo, then hi
  return <u32>(x - <i32>bounds) > <u32>(<i32>(bounds >>> 32) - <i32>bounds);
}

/** Class of the input of inputDim i32 at `input`, or −ErrorCode. */
export function evaluate(input: usize): i32 {
  if (!valid) return -ErrorCode.NotValidated;
  if (!callerRegion(input, <u64>inputDim << 2)) return -ErrorCode.OutOfMemory;
  return evaluateTrusted(input);
}

/** Classes (or −ErrorCode) of `count` inputs into `out` (i32 each). Returns 0, or the first
 *  negative code met; every output slot is written either way. */
export function evaluateBatch(input: usize, count: u32, out: usize): i32 {
  if (!valid) return -ErrorCode.NotValidated;
  if (!callerRegion(input, <u64>count * (<u64>inputDim << 2)) || !callerRegion(out, <u64>count << 2)) {
    return -ErrorCode.OutOfMemory;
  }
  // The common fast case, MNIST's tree (8-byte nodes, one domain pair), is chosen once per
  // batch rather than once per input.
  if (!COUNTING && !PROFILE && kind == NodeKind.Tree && treeFieldBytes == 2 && domainStride == 0) {
    return batchOf(input, count, out, true);
  }
  return batchOf(input, count, out, false);
}

// @ts-ignore: decorator
@inline function batchOf(input: usize, count: u32, out: usize, narrowShared: bool): i32 {
  let first: i32 = 0;
  const stride = inputDim << 2;
  for (let i: u32 = 0; i < count; i++) {
    const at = input + <usize>i * stride;
    const r = narrowShared ? walkNarrowShared(at) : evaluateTrusted(at);
    store<i32>(out + (<usize>i << 2), r);
    if (r < 0 && first == 0) first = r;
  }
  return first;
}

function evaluateTrusted(input: usize): i32 {
  if (COUNTING) reset();
  const r = evaluateKind(input);
  // An input that is refused has no counts (DESIGN §2), whatever it ran before the refusal.
  if (COUNTING && r < 0) reset();
  return r;
}

// @ts-ignore: decorator
@inline function evaluateKind(input: usize): i32 {
  // An arm's code is compiled only into a build that runs its kind (assembly/profile.ts).
  switch (kind) {
    case NodeKind.Search: if (runs(NodeKind.Search)) return evaluateSearch(input); break;
    case NodeKind.Tree: if (runs(NodeKind.Tree)) return evaluateTree(input); break;
    case NodeKind.Dense: if (runs(NodeKind.Dense)) return evaluateDense(input); break;
    case NodeKind.Program: if (runs(NodeKind.Program)) return evaluateProgram(input); break;
    case NodeKind.Graph: if (runs(NodeKind.Graph)) return evaluateGraph(input); break;
  }
  return unreachable(); // validate() sets only the kinds this build runs
}

// Projection t = w·x (i32 × i32 into an i64 accumulator), then the Eytzinger descent:
// heap position i goes to 2i + [t ≥ key_i] until it passes the m separators; positions
// m + 1 … 2m + 1 are the leaves.
function evaluateSearch(input: usize): i32 {
  const t = SMALL ? project(input, projectionBytes) : projectionBytes == 2 ? project(input, 2) : project(input, 4);
  if (t == OUTSIDE) return -ErrorCode.InputOutOfDomain;
  if (COUNTING) countAdd(<u32>inputDim - 1, I64_WORDS);
  const m = separatorCount;
  let i: usize = 1;
  while (i <= m) {
    i = (i << 1) | <usize>(t >= read<i64>(separators + ((i - 1) << 3), true));
    if (COUNTING) countCmp(1, I64_WORDS);
  }
  const leaf = i - m - 1;
  if (leafBytes == 1) return <i32>read<u8>(leaves + leaf, true);
  if (leafBytes == 2) return <i32>read<u16>(leaves + (leaf << 1), true);
  return read<i32>(leaves + (leaf << 2), true);
}

// From the root, one coordinate test per node: x_f ≥ θ takes the "above" ref, else "below",
// until a ref past the m nodes names a leaf. Validation proved the refs run forward in
// preorder within maxDepth, so the loop needs no guard. Only coordinates the path reads are
// checked against the domain (DESIGN §4); x_f and θ are i32, so each test is one word.
// The host's engine runs 8-byte nodes in their own loop and 16-byte ones in walkFields
// with a constant width; the SMALL build runs both in walkFields with the stored width.
function evaluateTree(input: usize): i32 {
  // MNIST's kind of tree, 8-byte nodes and one (lo, hi) pair for every coordinate, has a walk
  // of its own; every other tree takes the walk over fields, whose width is a constant in the
  // host's engine (one loop per width) and read at run time in a profile. The WASI build,
  // smallest of all, has the walk over fields alone.
  if (SMALL) return walkFields(input, treeFieldBytes);
  if (treeFieldBytes == 2 && domainStride == 0) return walkNarrowShared(input);
  if (PROFILE) return walkFields(input, treeFieldBytes);
  return treeFieldBytes == 2 ? walkFields(input, 2) : walkFields(input, 4);
}

@inline function walkFields(input: usize, w: usize): i32 {
  const m = treeNodeCount;
  let r = rootRef;
  while (r < m) {
    const node = treeNodes + (<usize>r << (w == 2 ? 3 : 4));
    const f = <usize>(w == 2 ? <u32>load<u16>(node) : load<u32>(node));
    const x = load<i32>(input + (f << 2));
    if (outOfDomain(x, f)) return -ErrorCode.InputOutOfDomain;
    const theta = w == 2 ? <i32>load<i16>(node + T_THRESHOLD * 2) : load<i32>(node + T_THRESHOLD * 4);
    const k: usize = x >= theta ? T_ABOVE : T_BELOW;
    // Counted once the test ran: feature and threshold side by side, then the ref taken.
    if (COUNTING) { touch(node, w << 1, true); touch(node + k * w, w, true); countCmp(1, 1); }
    r = w == 2 ? <u32>load<u16>(node + k * 2) : load<u32>(node + k * 4);
  }
  return <i32>(r - m);
}

// 8-byte nodes with one (lo, hi) pair for every coordinate (MNIST's): one u64 load, whose
// low word holds the test (feature, threshold) and whose high word the refs (below, above);
// the ref taken is one half of the high word, picked by the test. Only constant shifts
// by 32 split the u64, which a 32-bit core (the Cortex-M4 through wasm2c) does for free: a
// variable u64 shift, the obvious way to pick a ref, cost it 8 instructions a node. The walk
// is a chain of dependent loads, so the domain check stays off it: each coordinate read is
// folded into one running value (x − lo, unsigned, its maximum) judged after the walk; a
// coordinate outside the domain still steers the walk through validated nodes, then the whole
// input is refused.
function walkNarrowShared(input: usize): i32 {
  const nodes = treeNodes;
  const m = treeNodeCount;
  const lo = load<i32>(domain);
  const span = <u32>(load<i32>(domain + 4) - lo);
  let worst: u32 = 0;
  let r = rootRef;
  while (r < m) {
    const node = nodes + (<usize>r << 3);
    const v = load<u64>(node);
    const test = <u32>v; //              feature | threshold << 16
    const refs = <u32>(v >>> 32); //     below | above << 16
    const x = load<i32>(input + (<usize>(test & 0xffff) << 2));
    worst = max(worst, <u32>(x - lo));
    const above = x >= <i32>test >> 16;
    if (COUNTING) { touch(node, 4, true); touch(node + (above ? T_ABOVE << 1 : T_BELOW << 1), 2, true); countCmp(1, 1); }
    r = above ? refs >>> 16 : refs & 0xffff;
  }
  return worst > span ? -ErrorCode.InputOutOfDomain : <i32>(r - m);
}

/** The input as i64 at the start of the scratch, every coordinate checked against the
 *  domain (dense layers and graph rows read them all). */
function loadInputs(input: usize): bool {
  for (let j: usize = 0; j < inputDim; j++) {
    const x = load<i32>(input + (j << 2));
    if (outOfDomain(x, j)) return false;
    store<i64>(scratch + (j << 3), <i64>x);
  }
  return true;
}

function evaluateDense(input: usize): i32 {
  return loadInputs(input) ? runLayers(0) : -ErrorCode.InputOutOfDomain;
}

// Layer by layer between two i64 buffers in the caller's scratch, from the input loadInputs
// left in the first: every input executes every neuron (DESIGN §2), unless a graph's net leaf
// passes a `mask` (0: none) that skips neurons known inactive and the ReLUs of those known
// active. Arithmetic is i64 with two's-complement wrap-around, as on the device; the builder
// proves its networks never wrap over their domain. Weights of 0 are read but cost nothing;
// a shared row's dot product is computed and counted once per layer, when first needed.
function runLayers(mask: usize): i32 {
  let src = scratch;
  let dst = scratch + scratchHalf;
  let inputs = inputDim;
  let k: usize = 0; // neuron index across layers, into the mask
  for (let l: u32 = 0; l < denseLayerCount; l++) {
    const entry = DENSE_LAYER + <usize>l * LAYER_ENTRY;
    const weights = <usize>load<u32>(entry);
    const biases = <usize>load<u32>(entry + 4);
    const outputs = <usize>load<u32>(entry + 8);
    const flags = load<u32>(entry + 12);
    const shared = (flags & LayerFlag.SharedRow) != 0;
    let shareddot: i64 = 0;
    let sharedDone = false;
    for (let o: usize = 0; o < outputs; o++, k++) {
      const state = mask ? (<u32>load<u8>(mask + (k >> 2)) >>> (<u32>(k & 3) << 1)) & 3 : NeuronState.Compute;
      if (state == NeuronState.Inactive) {
        store<i64>(dst + (o << 3), 0);
        continue;
      }
      if (shared && !sharedDone) {
        shareddot = dot(weights, src, inputs);
        sharedDone = true;
      }
      let z = shared ? shareddot : dot(weights + o * (inputs << 2), src, inputs);
      const b = read<i64>(biases + (o << 3), true);
      if (b != 0) {
        z += b;
        if (COUNTING) countAdd(1, I64_WORDS);
      }
      if ((flags & LayerFlag.Relu) && state == NeuronState.Compute) {
        if (z < 0) z = 0;
        if (COUNTING) countCmp(1, I64_WORDS);
      }
      store<i64>(dst + (o << 3), z);
    }
    inputs = outputs;
    const t = src; src = dst; dst = t;
  }
  if (denseOutput == DenseOutput.ScalarClass) {
    const v = load<i64>(src);
    return v >= 0 && v < <i64>classCount ? <i32>v : -ErrorCode.OutputOutOfRange;
  }
  let best: usize = 0;
  for (let c: usize = 1; c < inputs; c++) {
    if (load<i64>(src + (c << 3)) > load<i64>(src + (best << 3))) best = c;
    if (COUNTING) countCmp(1, I64_WORDS);
  }
  return <i32>best;
}

// From the root: a branch computes its row's dot product with the input into the row's
// register (or reuses the register an ancestor filled), compares it with θ and follows a
// ref, as in the tree, until a class leaf or a net leaf. Validation proved the refs run
// forward in preorder within maxDepth. Registers start at 0 for every input, so what a
// reuse reads never depends on an earlier input.
function evaluateGraph(input: usize): i32 {
  if (!loadInputs(input)) return -ErrorCode.InputOutOfDomain;
  memory.fill(registers, 0, registerBytes);
  const d = inputDim;
  const m = graphNodeCount;
  let r = rootRef;
  while (r < m) {
    const node = graphNodes + <usize>r * GRAPH_NODE_BYTES;
    if (COUNTING) touch(node, GRAPH_NODE_BYTES, true);
    const row = <usize>load<u32>(node + G_ROW);
    if (load<u8>(node + G_KIND) == GraphNodeKind.Net) {
      const mask = masks + row * maskBytes;
      if (COUNTING) touch(mask, maskBytes, true);
      return runLayers(mask);
    }
    const reg = registers + (row << 3);
    if ((load<u8>(node + G_FLAGS) & GraphFlag.Reuse) == 0) {
      store<i64>(reg, dot(graphRows + row * (d << 2), scratch, d));
    }
    const k: usize = load<i64>(reg) >= load<i64>(node + G_THRESHOLD) ? G_ABOVE : G_BELOW;
    if (COUNTING) countCmp(1, I64_WORDS);
    r = load<u32>(node + k);
  }
  return <i32>(r - m);
}

/** Σ w_j·x_j over `n` stored i32 weights and i64 values; counts a mul per weight other than
 *  0 and ±1, and k − 1 adds for the k non-zero weights. */
function dot(weights: usize, values: usize, n: usize): i64 {
  let z: i64 = 0;
  let k: u32 = 0;
  for (let j: usize = 0; j < n; j++) {
    const w = read<i32>(weights + (j << 2), true);
    z += <i64>w * load<i64>(values + (j << 3));
    if (COUNTING) {
      if (w != 0) k++;
      if (w != 0 && w != 1 && w != -1) countMul(1, I64_WORDS);
    }
  }
  if (COUNTING) { if (k > 1) countAdd(k - 1, I64_WORDS); }
  return z;
}

// Straight through the instructions: each zeroes its register, accumulates every term and
// the bias with the one signed multiply-accumulate, then applies its ReLU. Each operation
// of an instruction weighs the limbs of its widest value (result, bias, sources, weights).
function evaluateProgram(input: usize): i32 {
  const d = inputDim;
  const regs = scratch;
  for (let j: usize = 0; j < d; j++) {
    const x = load<i32>(input + (j << 2));
    if (outOfDomain(x, j)) return -ErrorCode.InputOutOfDomain;
    store<i32>(regs + (j << 2), x);
  }
  let at = program;
  let dst = regs + (d << 2);
  let width: usize = 0;
  for (let i: u32 = 0; i < instructionCount; i++) {
    const start = at;
    width = <usize>load<u16>(at + P_WIDTH);
    const relu = load<u8>(at + P_FLAGS) != 0;
    const biasLimbs = <usize>load<u16>(at + P_BIAS_LIMBS);
    const terms = load<u32>(at + P_TERMS);
    memory.fill(dst, 0, width << 2);
    at += INSTRUCTION_HEADER_BYTES;
    const bias = at;
    at += biasLimbs << 2;
    let words = max(width, biasLimbs);
    let muls: u32 = 0;
    for (let t: u32 = 0; t < terms; t++) {
      const sourceLimbs = <usize>load<u16>(at + PT_SOURCE_LIMBS);
      const weightLimbs = <usize>load<u16>(at + PT_WEIGHT_LIMBS);
      const weight = at + PROGRAM_TERM_BYTES;
      mulAdd(dst, width, regs + (<usize>load<u32>(at + PT_SOURCE) << 2), sourceLimbs, weight, weightLimbs);
      if (COUNTING) {
        words = max(words, max(sourceLimbs, weightLimbs));
        const w = load<u32>(weight);
        if (weightLimbs != 1 || (w != 1 && w != 0xffffffff)) muls++;
      }
      at = weight + (weightLimbs << 2);
    }
    if (biasLimbs > 0) mulAdd(dst, width, bias, biasLimbs, ONE, 1);
    if (relu && load<i32>(dst + ((width - 1) << 2)) < 0) memory.fill(dst, 0, width << 2);
    if (COUNTING) {
      touch(start, at - start, true);
      const w = <u32>words;
      countMul(muls, w);
      countAdd(terms - 1 + <u32>(biasLimbs > 0), w);
      if (relu) countCmp(1, w);
    }
    dst += width << 2;
  }
  // The last register is the class: 0 ≤ value < C.
  const out = dst - (width << 2);
  const v = load<u32>(out);
  let small = v < classCount;
  for (let k: usize = 1; k < width; k++) small = small && load<u32>(out + (k << 2)) == 0;
  return small ? <i32>v : -ErrorCode.OutputOutOfRange;
}
