// Multi-limb signed integers for limb programs (DESIGN §3.4): little-endian u32 limbs, two's
// complement, every result taken modulo 2^(32·W) for its W destination limbs. One routine,
// a signed multiply-accumulate, serves products, plain adds (a weight of 1) and biases.

/** dst += a·b (mod 2^(32·W)), a and b signed of al and bl limbs (al, bl ≥ 1). */
export function mulAdd(dst: usize, w: usize, a: usize, al: usize, b: usize, bl: usize): void {
  // The unsigned product A·B of the raw limbs, schoolbook, truncated at W limbs …
  for (let i: usize = 0; i < bl && i < w; i++) {
    const bi = <u64>load<u32>(b + (i << 2));
    let carry: u64 = 0;
    let k = i;
    for (let j: usize = 0; j < al && k < w; j++, k++) {
      const t = <u64>load<u32>(a + (j << 2)) * bi + <u64>load<u32>(dst + (k << 2)) + carry;
      store<u32>(dst + (k << 2), <u32>t);
      carry = t >> 32;
    }
    for (; carry != 0 && k < w; k++) {
      const t = <u64>load<u32>(dst + (k << 2)) + carry;
      store<u32>(dst + (k << 2), <u32>t);
      carry = t >> 32;
    }
  }
  // … corrected to the signed one: with a = A − 2^(32·al)·[a < 0] and b likewise,
  // a·b = A·B − [a < 0]·B·2^(32·al) − [b < 0]·A·2^(32·bl) + [both]·2^(32·(al + bl)).
  const aNeg = load<i32>(a + ((al - 1) << 2)) < 0;
  const bNeg = load<i32>(b + ((bl - 1) << 2)) < 0;
  if (aNeg) addShifted(dst, w, b, bl, al, true);
  if (bNeg) addShifted(dst, w, a, al, bl, true);
  if (aNeg && bNeg) addShifted(dst, w, ONE, 1, al + bl, false);
}

/** 1 in one limb: a bias is added as bias × 1. */
export const ONE: usize = memory.data<u32>([1]);

/** dst ± x·2^(32·shift) (mod 2^(32·W)), x unsigned of xl limbs (its raw limbs). */
function addShifted(dst: usize, w: usize, x: usize, xl: usize, shift: usize, sub: bool): void {
  let c: u64 = 0; // carry, or borrow
  for (let k = shift, j: usize = 0; k < w; k++, j++) {
    if (j >= xl && c == 0) break;
    const xv: u64 = j < xl ? <u64>load<u32>(x + (j << 2)) : 0;
    const v = <u64>load<u32>(dst + (k << 2));
    const t = sub ? v - xv - c : v + xv + c;
    store<u32>(dst + (k << 2), <u32>t);
    c = sub ? t >> 63 : t >> 32; // a borrow wraps the u64 past 2^63
  }
}
