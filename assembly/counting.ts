// condnet engine, counting build: the release API plus the counters of SPEC §2 for the last
// evaluated input. Built from the same source with --use CONDNET_COUNTING=1.

export * from "./index";
import * as counters from "./counters";

export enum Counter { Mul = 0, Add = 1, Cmp = 2, WordOps = 3, Loads = 4, LowAddr = 5, HighAddr = 6 }

/** Counter `which` (Counter) of the last evaluated input. */
export function counter(which: i32): u32 {
  switch (which) {
    case Counter.Mul: return counters.mul;
    case Counter.Add: return counters.add;
    case Counter.Cmp: return counters.cmp;
    case Counter.WordOps: return counters.wordOps;
    case Counter.Loads: return counters.loads;
    case Counter.LowAddr: return <u32>counters.lowAddr;
    case Counter.HighAddr: return <u32>counters.highAddr;
  }
  return 0;
}
