// condnet engine, counting build: the release API plus the counters of DESIGN §2 for the last
// evaluated input. Built from the same source with --use CONDNET_COUNTING=1.

export * from "./index";
import * as counters from "./counters";
import { Counter } from "./format";
// Re-exported, so the module still exports the indices (Counter.Mul …) beside `counter`.
export { Counter } from "./format";

/** Counter `which` (Counter) of the last evaluated input, as an f64: exact below 2^53, and a
 *  plain number for JavaScript (a u32 would wrap, an i64 would arrive as a BigInt). */
export function counter(which: i32): f64 {
  switch (which) {
    case Counter.Mul: return <f64>counters.mul;
    case Counter.Add: return <f64>counters.add;
    case Counter.Cmp: return <f64>counters.cmp;
    case Counter.WordOps: return <f64>counters.wordOps;
    case Counter.Loads: return <f64>counters.loads;
    case Counter.LowAddr: return <f64>counters.lowAddr;
    case Counter.HighAddr: return <f64>counters.highAddr;
  }
  return 0;
}
