// CSV datasets (DESIGN §8): features, then the label column. The first row is a header when
// `header` says so, or by default when all its feature cells are non-numeric. Columns in
// messages are 1-based cell numbers; lines are the file's 1-based lines.
//
// Input is read a chunk at a time (read.ts) and parsed by csv-parse as it comes, so memory
// holds the rows kept so far, one chunk and the line being read. The bounds of limits.ts are
// applied before csv-parse sees a line (it parses a character at a time, about 1 MB/s on one
// long cell): a line is held until it ends, and refused once it passes maxLineBytes; a line
// with more cells than a model takes is refused once its commas say so, without waiting for
// its end.

import { Parser } from 'csv-parse';
import type { Dataset } from './dataset.js';
import { DataError } from './errors.js';
import { lineTooLong, maxLineBytes, memoryBudget, tooWide } from './limits.js';
import { parseTableDataset, parseTableFeatures, type FeatureRows } from './table.js';
import type { TableOptions } from './table-options.js';
import { chunksOf, type TextInput } from './read.js';

export type { TextInput } from './read.js';

export type { TableOptions } from './table-options.js';

export interface Row {
  cells: string[];
  line: number;
}

interface CsvRecord {
  record: string[];
  info: { lines: number };
}

/** csv-parse's incremental parser, the one its `sync` entry point drives over a whole buffer:
 *  fed chunk by chunk here, synchronously. The stream class exposes it as `api`. */
interface CsvApi {
  parse(buf: Buffer | undefined, end: boolean, push: (r: CsvRecord) => void, close: () => void): Error | undefined;
}

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

/** The index of the first / last line break (LF or CR) in `b`, or −1. */
function firstBreak(b: Buffer): number {
  const lf = b.indexOf(LF);
  const cr = b.indexOf(CR);
  return lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
}

function lastBreak(b: Buffer): number {
  return Math.max(b.lastIndexOf(LF), b.lastIndexOf(CR));
}

/** Line breaks in `b` (CRLF counts once; `afterCr`: the byte before `b` was a CR). */
function countBreaks(b: Buffer, afterCr: boolean): number {
  let n = 0;
  for (let i = b.indexOf(LF); i >= 0; i = b.indexOf(LF, i + 1)) if (!(i === 0 ? afterCr : b[i - 1] === CR)) n++;
  for (let i = b.indexOf(CR); i >= 0; i = b.indexOf(CR, i + 1)) n++;
  return n;
}

/** The rows of a CSV input, one at a time, each with at most `maxCells` cells. */
export function* readRows(input: TextInput, name: string, maxCells: number, labelColumn: boolean, delimiter = ','): Generator<Row> {
  const SEP = delimiter.charCodeAt(0);
  const budget = memoryBudget();
  const limit = maxLineBytes(budget);
  const parser = new Parser({ delimiter, info: true, relax_column_count: true, skip_empty_lines: true, bom: true, max_record_size: limit });
  const api = (parser as unknown as { api: CsvApi }).api;
  const out: Row[] = [];
  const push = (r: CsvRecord) => void out.push({ cells: r.record, line: r.info.lines });

  // The line being read: its chunks, bytes, number, and its commas before its first quote
  // (each of those separates two cells; after a quote, commas may be inside a cell).
  let pending: Buffer[] = [];
  let bytes = 0;
  let line = 1;
  let commas = 0;
  let quoted = false;
  let afterCr = false;

  const hold = (part: Buffer): void => {
    if (part.length === 0) return;
    pending.push(part);
    bytes += part.length;
    if (!quoted) {
      const q = part.indexOf(QUOTE);
      const end = q < 0 ? part.length : q;
      for (let i = part.indexOf(SEP); i >= 0 && i < end; i = part.indexOf(SEP, i + 1)) commas++;
      quoted = q >= 0;
      if (commas + 1 > maxCells) throw tooWide(name, line, maxCells, labelColumn);
    }
    if (bytes > limit) throw lineTooLong(name, line, quoted ? 1 : commas + 1, budget);
  };
  const parse = (buf: Buffer | undefined, end: boolean): void => {
    const err = api.parse(buf, end, push, () => {});
    if (err !== undefined) throw csvError(err, name, budget);
  };

  for (const chunk of chunksOf(input)) {
    const first = firstBreak(chunk);
    if (first < 0) {
      hold(chunk);
      afterCr = false;
      continue;
    }
    // The held line ends in this chunk; the chunk's later lines are shorter than a chunk.
    hold(chunk.subarray(0, first));
    const last = lastBreak(chunk);
    for (const part of pending) parse(part, false);
    parse(chunk.subarray(first, last + 1), false);
    line += countBreaks(chunk.subarray(0, last + 1), afterCr);
    afterCr = last === chunk.length - 1 && chunk[last] === CR;
    pending = [];
    bytes = 0;
    commas = 0;
    quoted = false;
    // The rows before the next line first: an error is reported on the earliest row.
    yield* drain(out, maxCells, name, labelColumn);
    hold(chunk.subarray(last + 1));
  }
  for (const part of pending) parse(part, false);
  parse(undefined, true);
  yield* drain(out, maxCells, name, labelColumn);
}

function* drain(out: Row[], maxCells: number, name: string, labelColumn: boolean): Generator<Row> {
  for (const row of out) {
    // A quoted line escapes the comma count: its width is checked once parsed.
    if (row.cells.length > maxCells) throw tooWide(name, row.line, maxCells, labelColumn);
    yield row;
  }
  out.length = 0;
}

function csvError(e: Error, name: string, budget: number): DataError {
  const err = e as Error & { code?: string; lines?: number; index?: number };
  // A quoted cell may span lines: csv-parse's own bound on a record's size stops it.
  if (err.code === 'CSV_MAX_RECORD_SIZE') return lineTooLong(name, err.lines ?? 1, (err.index ?? 0) + 1, budget);
  return new DataError(name, err.lines ?? 1, 1, `malformed CSV: ${err.message}`);
}

/** A labelled dataset from CSV text, bytes or chunks (a file or standard input as read): a
 *  table read as CSV whatever its content (table.ts reads the other formats). */
export function parseCsvDataset(input: TextInput, name: string, opts: TableOptions = {}): Dataset {
  return parseTableDataset(input, name, { format: 'csv', ...opts });
}

export type { FeatureRows } from './table.js';

/** Unlabelled feature rows (for eval) from CSV text, bytes or chunks; `dim` is the width
 *  expected. The rows are held under the memory budget too (8 bytes a value, 4 a line). */
export function parseCsvFeatures(input: TextInput, name: string, dim: number, opts: TableOptions = {}): FeatureRows {
  const r = parseTableFeatures(input, name, dim, { format: 'csv', ...opts, keepGoing: false });
  return r;
}
