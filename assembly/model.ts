// What validation learned about the blob, kept in globals so evaluation reads no header and
// allocates nothing. Written only by validate(); evaluation trusts it while `valid` is set.
// Contract: the caller must not change the blob's bytes between validate() and evaluate().

export let valid = false;
export let inputDim: usize = 0;
export let domain: usize = 0; //      address of d × (i32 lo, i32 hi)
export let projection: usize = 0; //  address of d × i32
export let separators: usize = 0; //  address of m × i64, Eytzinger order
export let separatorCount: usize = 0;
export let leaves: usize = 0; //      address of (m + 1) × u8|u16
export let leafBytes: usize = 0;

export function setSearch(
  d: usize, dom: usize, proj: usize, seps: usize, m: usize, lv: usize, lvBytes: usize,
): void {
  inputDim = d;
  domain = dom;
  projection = proj;
  separators = seps;
  separatorCount = m;
  leaves = lv;
  leafBytes = lvBytes;
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

/** Is [ptr, ptr + len) inside linear memory? Lengths compared, never end pointers. */
// @ts-ignore: decorator
@inline export function inMemory(ptr: usize, len: u64): bool {
  const total = memoryBytes();
  return len <= total && <u64>ptr <= total - len;
}
