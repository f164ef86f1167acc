// Reading one TreeNodes element (docs/FORMAT.md): four fields of W = 2 or 4 bytes each. The
// width is chosen per blob by the writer, so a small tree costs 8 bytes per node.

import { T_THRESHOLD } from "./format";

/** Unsigned field `k` (T_FEATURE, T_BELOW, T_ABOVE) of the node at `node`. */
// @ts-ignore: decorator
@inline export function nodeField(node: usize, k: usize, w: usize): u32 {
  return w == 2 ? <u32>load<u16>(node + (k << 1)) : load<u32>(node + (k << 2));
}

/** The node's signed threshold θ. */
// @ts-ignore: decorator
@inline export function nodeThreshold(node: usize, w: usize): i32 {
  return w == 2 ? <i32>load<i16>(node + (T_THRESHOLD << 1)) : load<i32>(node + (T_THRESHOLD << 2));
}
