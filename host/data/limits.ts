// What reading a dataset may cost, in one place: the memory budget (CONDNET_MEMORY_BUDGET),
// the longest line of text a reader holds under it, the widest row a model takes, and the
// located messages (file, line, column) when one of them is passed. The readers (csv.ts,
// jsonl.ts, eval's feature rows) and DatasetBuilder apply them while they read, so a file or
// standard input past a limit stops where it passes it, not after it has been read whole.

import { MAX_INPUT_DIM } from '../../assembly/format.js';
import { formatBytes, parseByteSize } from '../io/bytes.js';
import { DataError, DatasetError } from './errors.js';

/** The default memory budget for one dataset: far below this machine's 24 GiB, far above MNIST. */
export const DEFAULT_MEMORY_BUDGET = 8 * 2 ** 30;

/** Bytes per row beside its values: class (4), source line (4), the repeat index (≈ 16). */
export const ROW_OVERHEAD_BYTES = 24;

/** Bytes a distinct label costs beside its text (UTF-16, 2 per character): the class list's
 *  slot, the string's header and its entry in the label index. */
export const LABEL_OVERHEAD_BYTES = 64;

/** The widest input a blob holds (the format's limit, assembly/format.ts). */
export const MAX_FEATURES = MAX_INPUT_DIM;

/** Bytes read from a file or standard input at a time. */
export const READ_CHUNK_BYTES = 64 * 1024;

/** Never hold a line longer than this, whatever the budget. A model's widest row, 65,536
 *  numbers and a label, takes about 1.5 MiB of text at 24 characters a number; and csv-parse
 *  reads a long line at about 1 MB/s, so a longer line costs time as well as memory. */
export const MAX_LINE_BYTES = 16 * 2 ** 20;

export const BUDGET_HINT = 'set CONDNET_MEMORY_BUDGET (e.g. 16G) to allow more';

/** Bytes a dataset may occupy in memory: CONDNET_MEMORY_BUDGET (bytes, or with a K, M or G
 *  suffix: binary units), else DEFAULT_MEMORY_BUDGET. A dataset past it is refused with a
 *  message instead of exhausting the process. */
export function memoryBudget(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.CONDNET_MEMORY_BUDGET;
  if (text === undefined || text === '') return DEFAULT_MEMORY_BUDGET;
  const bytes = parseByteSize(text);
  if (bytes === undefined) throw new DatasetError(`CONDNET_MEMORY_BUDGET must be a number of bytes, optionally with K, M or G, got "${text}"`);
  return bytes;
}

/** The longest line of text a reader holds before refusing it: a quarter of the budget, since
 *  while a line is parsed its cells (strings) and values cost about three times its bytes; at
 *  least one read chunk (lines inside a chunk are not measured one by one), at most
 *  MAX_LINE_BYTES. */
export function maxLineBytes(budget = memoryBudget()): number {
  return Math.min(MAX_LINE_BYTES, Math.max(READ_CHUNK_BYTES, Math.floor(budget / 4)));
}

/** A line that passes maxLineBytes, refused where it passes it. */
export function lineTooLong(file: string, line: number, column: number, budget = memoryBudget()): DataError {
  const limit = maxLineBytes(budget);
  const why = limit === MAX_LINE_BYTES ? 'the longest line condnet reads'
    : limit === READ_CHUNK_BYTES && budget / 4 < limit ? `the shortest limit on a line, under a memory budget of ${formatBytes(budget)}; ${BUDGET_HINT}`
      : `a quarter of the memory budget of ${formatBytes(budget)}; ${BUDGET_HINT}`;
  return new DataError(file, line, column, `line longer than ${formatBytes(limit)}, ${why}`);
}

/** A CSV row of more than `cells` cells: a model's inputs, and the label column when there is
 *  one. Located at the first cell too many. */
export function tooWide(file: string, line: number, cells: number, labelColumn: boolean): DataError {
  return new DataError(file, line, cells + 1,
    `more than ${cells.toLocaleString('en-US')} cells: a model takes at most ${MAX_FEATURES.toLocaleString('en-US')} features${labelColumn ? ' and the label' : ''}`);
}

/** A JSON-lines row whose "x" holds more values than a model takes. */
export function tooManyFeatures(file: string, line: number, column: number, count: number): DataError {
  return new DataError(file, line, column,
    `"x" has ${count.toLocaleString('en-US')} values: a model takes at most ${MAX_FEATURES.toLocaleString('en-US')} features`);
}

/** Bytes `rows` rows of `dim` values occupy, and the located refusal once they pass the budget. */
export function rowBytes(rows: number, dim: number): number {
  return rows * (8 * dim + ROW_OVERHEAD_BYTES);
}

export function overBudget(file: string, line: number, column: number, what: string, need: number, budget = memoryBudget()): DataError {
  return new DataError(file, line, column, `${what} need about ${formatBytes(need)}, over the memory budget of ${formatBytes(budget)}; ${BUDGET_HINT}`);
}

/** Refuse, with a message, a dataset of `rows` × `dim` values past the memory budget (the
 *  generators know their size up front; files grow through DatasetBuilder, which checks as
 *  it grows). */
export function checkMemoryBudget(name: string, rows: number, dim: number): void {
  const need = rowBytes(rows, dim);
  const budget = memoryBudget();
  if (need > budget) {
    throw new DatasetError(`${name}: ${rows.toLocaleString('en-US')} rows of ${dim} values need about ${formatBytes(need)}, ` +
      `over the memory budget of ${formatBytes(budget)}; ${BUDGET_HINT}`);
  }
}
