// The named, seeded PRNG behind every random draw in condnet: xoshiro128** (Blackman &
// Vigna), its 128-bit state filled from the seed by SplitMix32. Same seed, same numbers, on
// every platform: `synthetic:…,seed=S` and `build --seed S` are reproducible.

export class Prng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    let z = seed >>> 0;
    const splitmix32 = (): number => {
      z = (z + 0x9e3779b9) | 0;
      let t = z ^ (z >>> 16);
      t = Math.imul(t, 0x21f0aaad);
      t ^= t >>> 15;
      t = Math.imul(t, 0x735a2d97);
      return (t ^ (t >>> 15)) >>> 0;
    };
    this.s0 = splitmix32();
    this.s1 = splitmix32();
    this.s2 = splitmix32();
    this.s3 = splitmix32();
  }

  /** Next uniform 32-bit unsigned integer. */
  u32(): number {
    const s1 = this.s1;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return r;
  }

  /** Uniform integer in [0, k), 1 ≤ k ≤ 2^32, without modulo bias (rejection). */
  below(k: number): number {
    const limit = 0x100000000 - (0x100000000 % k);
    for (;;) {
      const v = this.u32();
      if (v < limit) return v % k;
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
