// Operation counters of DESIGN §2, compiled in only for the counting build
// (asc --use CONDNET_COUNTING=1). In the release build COUNTING is the constant false, every
// `if (COUNTING)` block folds away, and these globals are dropped as unused.

// @ts-ignore: decorator
@inline export const COUNTING: bool = isDefined(CONDNET_COUNTING);

// u64: a limb program of a few MB can weigh 2^20 terms by 1,024 limbs each, past 2^32.
export let mul: u64 = 0;
export let add: u64 = 0;
export let cmp: u64 = 0;
export let wordOps: u64 = 0;
export let loads: u64 = 0; //   bytes of the blob read by the network (range checks excluded)
export let lowAddr: usize = 0; // lowest and highest blob address touched by any read
export let highAddr: usize = 0;

export function reset(): void {
  mul = 0; add = 0; cmp = 0; wordOps = 0; loads = 0;
  lowAddr = <usize>-1; highAddr = 0;
}

/** Record `n` operations whose widest operand or accumulator spans `words` 32-bit words. */
// @ts-ignore: decorator
@inline export function countMul(n: u32, words: u32): void { mul += n; wordOps += <u64>n * words; }
// @ts-ignore: decorator
@inline export function countAdd(n: u32, words: u32): void { add += n; wordOps += <u64>n * words; }
// @ts-ignore: decorator
@inline export function countCmp(n: u32, words: u32): void { cmp += n; wordOps += <u64>n * words; }

/** Record a read of `bytes` at `addr`; `network` is false for range checks (not counted). */
// @ts-ignore: decorator
@inline export function touch(addr: usize, bytes: usize, network: bool): void {
  if (network) loads += <u64>bytes;
  if (addr < lowAddr) lowAddr = addr;
  if (addr + bytes - 1 > highAddr) highAddr = addr + bytes - 1;
}
