// condnet engine, release build: validate a .cnb blob in linear memory, then evaluate inputs.
//
// Linear memory (the host owns the layout above heapBase(); the engine allocates nothing):
//
//   0            heapBase()                blob end (8-aligned)
//   | static data | blob (validated once)   | inputs: count × d × i32 | outputs: count × i32 |
//
// Call order: validate(blob, len) once (and again after changing the blob's bytes); then any
// number of evaluate()/evaluateBatch() calls. A failed validate() leaves no model: evaluation
// returns −NotValidated until a blob validates. Error codes: assembly/format.ts (ErrorCode).

export { validate } from "./validate";
export { evaluate, evaluateBatch } from "./evaluate";

/** First byte the host may use for the blob, inputs and outputs. */
export function heapBase(): usize {
  return __heap_base;
}
