// Operation counters of SPEC §2, compiled in only for the counting build
// (asc --use CONDNET_COUNTING=1). In the release build COUNTING is the constant false, every
// `if (COUNTING)` block folds away, and these globals are dropped as unused.

// @ts-ignore: decorator
@inline export const COUNTING: bool = isDefined(CONDNET_COUNTING);

export let mul: u32 = 0;
export let add: u32 = 0;
export let cmp: u32 = 0;
export let wordOps: u32 = 0;
export let loads: u32 = 0; //   bytes of the blob read by the network (range checks excluded)
export let lowAddr: usize = 0; // lowest and highest blob address touched by any read
export let highAddr: usize = 0;

export function reset(): void {
  mul = 0; add = 0; cmp = 0; wordOps = 0; loads = 0;
  lowAddr = <usize>-1; highAddr = 0;
}

/** Record `n` operations whose widest operand or accumulator spans `words` 32-bit words. */
// @ts-ignore: decorator
@inline export function countMul(n: u32, words: u32): void { mul += n; wordOps += n * words; }
// @ts-ignore: decorator
@inline export function countAdd(n: u32, words: u32): void { add += n; wordOps += n * words; }
// @ts-ignore: decorator
@inline export function countCmp(n: u32, words: u32): void { cmp += n; wordOps += n * words; }

/** Record a read of `bytes` at `addr`; `network` is false for range checks (not counted). */
// @ts-ignore: decorator
@inline export function touch(addr: usize, bytes: usize, network: bool): void {
  if (network) loads += <u32>bytes;
  if (addr < lowAddr) lowAddr = addr;
  if (addr + bytes - 1 > highAddr) highAddr = addr + bytes - 1;
}
