// The counts of DESIGN §2 for one input: the one record every part of condnet passes around.

export interface OpCounts {
  mul: number;
  add: number;
  cmp: number;
  /** Each counted operation weighted by the 32-bit words of its widest operand. */
  wordOps: number;
  /** Bytes of the blob read by the network (range checks excluded). */
  loads: number;
}

export function zeroCounts(): OpCounts {
  return { mul: 0, add: 0, cmp: 0, wordOps: 0, loads: 0 };
}
