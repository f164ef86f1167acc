// condnet-wasi: the engine as a WASI command module (docs/WASI.md).
//
//   condnet-wasi.wasm <model.cnb> [rows.txt …]     (no rows file, or "-": standard input)
//
// Reads a blob, validates it with the engine's own validate(), then reads pre-quantized
// integer rows (text: one row of d integers per line, separated by commas, spaces or tabs;
// '#' starts a comment; blank lines skipped) and prints the label text of each row's class,
// one per line (assembly/wasi-io.ts, with the exit codes). Built twice from this file:
// build/condnet-wasi.wasm (release) and, with --use CONDNET_COUNTING=1,
// build/condnet-wasi-counting.wasm, which prints `label<TAB>mul add cmp wordOps loads`
// (DESIGN §2) per row. Memory:
//   [static data | argv | blob | scratch (header scratchBytes, from align 8) | row: d × i32 | text]

import { validate, sectionStart } from "./validate";
import { evaluate } from "./evaluate";
import { HEADER_BYTES, H_SCRATCH_BYTES, H_INPUT_DIM, H_CLASS_COUNT, SectionId, MAX_SCRATCH_BYTES } from "./format";
import { align8, argCount, die, ensure, flush, NONE, nextRow, openRows, printRow, readArgs, slurp, T_MODEL, T_USAGE } from "./wasi-io";

export function _start(): void {
  const blob = align8(readArgs());
  ensure(blob);
  if (argCount() < 2) die(T_USAGE, NONE, -1, 0);

  // The blob, then the scratch its header declares, then one row, then the rows' text.
  const len = slurp(1, blob);
  let declared: usize = len >= <usize>HEADER_BYTES ? <usize>load<u32>(blob + H_SCRATCH_BYTES) : 0;
  if (declared > <usize>MAX_SCRATCH_BYTES) declared = MAX_SCRATCH_BYTES;
  const row = align8(blob + len) + align8(declared);
  ensure(row);
  const code = validate(blob, len);
  if (code) die(T_MODEL, code, 1, 0);
  const labels = sectionStart(blob, SectionId.Labels);
  const classes = <usize>load<u32>(blob + H_CLASS_COUNT);
  openRows(2, <usize>load<u32>(blob + H_INPUT_DIM), row);
  while (nextRow()) printRow(evaluate(row), labels, classes);
  flush();
}
