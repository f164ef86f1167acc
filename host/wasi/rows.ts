// The WASI command modules' input rows (docs/WASI.md, "Input rows"), written from quantized
// inputs, so `condnet wasi --dataset` and other runtimes get the very integers the engine takes.

/** Rows text of the module's input format: one row of d integers per line, commas between. */
export function rowsText(xq: Int32Array, dim: number): string {
  const lines: string[] = [];
  for (let i = 0; i < xq.length; i += dim) lines.push(xq.subarray(i, i + dim).join(','));
  return lines.join('\n') + (lines.length ? '\n' : '');
}
