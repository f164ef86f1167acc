// Engine profiles: the same source built for the kinds one model needs (asc --use
// CONDNET_KINDS=mask, bit k for NodeKind k). The full engine (build/condnet.wasm) runs every
// kind; a profile (build/condnet-tree.wasm, …) compiles in one kind's validator and evaluator
// only, answers UnsupportedKind for the others, and is what `mcu` and the C library use for a
// model of that kind (docs/MCU.md, "Engine profiles").

import { NodeKind } from "./format";

// @ts-ignore: decorator
@inline const ALL_KINDS: u32 = (1 << NodeKind.Search) | (1 << NodeKind.Tree) | (1 << NodeKind.Dense)
  | (1 << NodeKind.Program) | (1 << NodeKind.Graph);

// @ts-ignore: decorator, and CONDNET_KINDS exists only when given
@inline export const KINDS: u32 = isDefined(CONDNET_KINDS) ? <u32>CONDNET_KINDS : ALL_KINDS;

/** Does this build run kind `k`? A constant wherever k is, so the arms of kinds a profile
 *  leaves out fold away with their code. */
// @ts-ignore: decorator
@inline export function runs(k: i32): bool {
  return (KINDS & (<u32>1 << <u32>k)) != 0;
}

/** Is this a profile (not every kind)? A profile is for a device: it keeps one loop per
 *  structure and no batch fast path, where the full engine spends bytes on speed in Node. */
// @ts-ignore: decorator
@inline export const PROFILE: bool = KINDS != ALL_KINDS;
