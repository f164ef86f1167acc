// The trusting integer loop: the blob was validated, so no bounds are checked here except the
// caller's input, which is never trusted. Counters are compiled in only for the counting build.

import { ErrorCode, I64_WORDS } from "./format";
import { COUNTING, countAdd, countCmp, countMul, reset, touch } from "./counters";
import {
  valid, inputDim, domain, projection, separators, separatorCount, leaves, leafBytes, inMemory,
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

// Projection t = w·x (i32 × i32 into an i64 accumulator), then the Eytzinger descent:
// heap position i goes to 2i + [t ≥ key_i] until it passes the m separators; positions
// m + 1 … 2m + 1 are the leaves.
function evaluateTrusted(input: usize): i32 {
  if (COUNTING) reset();
  const d = inputDim;
  let t: i64 = 0;
  for (let j: usize = 0; j < d; j++) {
    const x = load<i32>(input + (j << 2));
    const bounds = domain + (j << 3);
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
