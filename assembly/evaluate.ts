// The trusting integer loop: the blob was validated, so no bounds are checked here except the
// caller's input, which is never trusted. Counters are compiled in only for the counting build.

import { ErrorCode, I64_WORDS, NodeKind, T_FEATURE, T_THRESHOLD, T_BELOW, T_ABOVE } from "./format";
import { COUNTING, countAdd, countCmp, countMul, reset, touch } from "./counters";
import {
  valid, kind, inputDim, domain, domainStride, projection, separators, separatorCount, leaves,
  leafBytes, treeNodes, treeNodeCount, treeFieldBytes, inMemory,
} from "./model";

/** A blob read, recorded by the counting build. `network`: counted in `loads` (SPEC §2). */
// @ts-ignore: decorator
@inline function read<T>(addr: usize, network: bool): T {
  if (COUNTING) touch(addr, sizeof<T>(), network);
  return load<T>(addr);
}

/** Class of the input of inputDim i32 at `input`, or −ErrorCode. */
export function evaluate(input: usize): i32 {
  if (!valid) return -ErrorCode.NotValidated;
  if (!inMemory(input, <u64>inputDim << 2)) return -ErrorCode.OutOfMemory;
  return evaluateTrusted(input);
}

/** Classes (or −ErrorCode) of `count` inputs into `out` (i32 each). Returns 0, or the first
 *  negative code met; every output slot is written either way. */
export function evaluateBatch(input: usize, count: u32, out: usize): i32 {
  if (!valid) return -ErrorCode.NotValidated;
  if (!inMemory(input, <u64>count * (<u64>inputDim << 2)) || !inMemory(out, <u64>count << 2)) {
    return -ErrorCode.OutOfMemory;
  }
  let first: i32 = 0;
  const stride = inputDim << 2;
  for (let i: u32 = 0; i < count; i++) {
    const r = evaluateTrusted(input + <usize>i * stride);
    store<i32>(out + (<usize>i << 2), r);
    if (r < 0 && first == 0) first = r;
  }
  return first;
}

function evaluateTrusted(input: usize): i32 {
  if (COUNTING) reset();
  return kind == NodeKind.Search ? evaluateSearch(input) : evaluateTree(input);
}

// Projection t = w·x (i32 × i32 into an i64 accumulator), then the Eytzinger descent:
// heap position i goes to 2i + [t ≥ key_i] until it passes the m separators; positions
// m + 1 … 2m + 1 are the leaves.
function evaluateSearch(input: usize): i32 {
  const d = inputDim;
  let t: i64 = 0;
  for (let j: usize = 0; j < d; j++) {
    const x = load<i32>(input + (j << 2));
    const bounds = domain + j * domainStride;
    if (x < read<i32>(bounds, false) || x > read<i32>(bounds + 4, false)) {
      return -ErrorCode.InputOutOfDomain;
    }
    const w = read<i32>(projection + (j << 2), true);
    t += <i64>w * <i64>x;
    if (COUNTING) { if (w != 1 && w != -1) countMul(1, I64_WORDS); }
  }
  if (COUNTING) countAdd(<u32>d - 1, I64_WORDS);
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
// checked against the domain (SPEC §4); x_f and θ are i32, so each test is one word.
// One loop per field width (U, S: the unsigned and signed field types), so the hot loop
// holds no branch on the layout.
function evaluateTree(input: usize): i32 {
  return treeFieldBytes == 2 ? walkTree<u16, i16>(input) : walkTree<u32, i32>(input);
}

// @ts-ignore: decorator
@inline function walkTree<U, S>(input: usize): i32 {
  const w = sizeof<U>();
  const m = treeNodeCount;
  let r: u32 = 0;
  while (r < m) {
    const node = treeNodes + (<usize>r << (alignof<U>() + 2)); // 4 fields of w bytes
    const f = <usize>load<U>(node + <usize>T_FEATURE * w);
    const x = load<i32>(input + (f << 2));
    // lo ≤ x ≤ hi as one unsigned compare of the offsets from lo (exact for all i32).
    const bounds = read<u64>(domain + f * domainStride, false); // lo, then hi
    if (<u32>(x - <i32>bounds) > <u32>(<i32>(bounds >>> 32) - <i32>bounds)) {
      if (COUNTING) reset(); // an input that fails has no counts, as in `search`
      return -ErrorCode.InputOutOfDomain;
    }
    const k: usize = x >= <i32>load<S>(node + <usize>T_THRESHOLD * w) ? T_ABOVE : T_BELOW;
    // Counted once the test ran: feature and threshold side by side, then the ref taken.
    if (COUNTING) { touch(node, w << 1, true); touch(node + k * w, w, true); countCmp(1, 1); }
    r = <u32>load<U>(node + k * w);
  }
  return <i32>(r - m);
}
