// condnet engine, release build: validate a .cnb blob in linear memory, then evaluate inputs.
//
// Linear memory (the host owns the layout above heapBase(); the engine allocates nothing):
//
//   0             heapBase()              blob end, rounded up to 8
//   | static data | blob (validated once) | scratch: scratchBytes | inputs: count × d × i32 | outputs: count × i32 |
//                                           (evaluation writes here:
//                                            dense buffers, registers)
//
// The scratch is the header's scratchBytes (0 for search and tree), right after the blob at
// the next multiple of 8: validate() checks it lies in memory, and evaluate() refuses inputs
// or outputs inside it. Call order: validate(blob, len) once (and again after changing the
// blob's bytes); then any number of evaluate()/evaluateBatch() calls. A failed validate()
// leaves no model: evaluation returns −NotValidated until a blob validates. Error codes:
// assembly/format.ts (ErrorCode).

export { validate } from "./validate";
export { evaluate, evaluateBatch } from "./evaluate";

/** First byte the host may use for the blob, inputs and outputs. */
export function heapBase(): usize {
  return __heap_base;
}
