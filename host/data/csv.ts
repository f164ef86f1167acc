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
import { parseNumber, isNumeric } from './cells.js';
import { DatasetBuilder, type Dataset } from './dataset.js';
import { DataError, DatasetError } from './errors.js';
import { lineTooLong, MAX_FEATURES, maxLineBytes, memoryBudget, overBudget, tooWide } from './limits.js';
import { chunksOf, type TextInput } from './read.js';

export type { TextInput } from './read.js';

export interface TableOptions {
  /** true: the first row is a header; false: it is data; undefined: decide by the rule. */
  header?: boolean;
  /** Told when the header rule decided the first row is a header. */
  notice?: (message: string) => void;
}

interface Row {
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
const COMMA = 0x2c;
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
function* readRows(input: TextInput, name: string, maxCells: number, labelColumn: boolean): Generator<Row> {
  const budget = memoryBudget();
  const limit = maxLineBytes(budget);
  const parser = new Parser({ info: true, relax_column_count: true, skip_empty_lines: true, bom: true, max_record_size: limit });
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
      for (let i = part.indexOf(COMMA); i >= 0 && i < end; i = part.indexOf(COMMA, i + 1)) commas++;
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

/** Whether the first row is a header; `cells` are its feature cells. */
function isHeader(cells: string[], name: string, opts: TableOptions): boolean {
  if (opts.header !== undefined) return opts.header;
  const header = cells.length > 0 && cells.every((c) => !isNumeric(c));
  if (header) opts.notice?.(`${name}: first row taken as a header (its feature cells are not numbers; --no-header to keep it)`);
  return header;
}

function checkWidth(row: Row, width: number, name: string): void {
  if (row.cells.length !== width) {
    throw new DataError(name, row.line, Math.min(row.cells.length, width) + 1,
      `ragged row: expected ${width} cells, found ${row.cells.length}`);
  }
}

function parseFeatures(row: Row, dim: number, name: string, into: Float64Array, at: number): void {
  for (let k = 0; k < dim; k++) {
    const v = parseNumber(row.cells[k]);
    if (typeof v === 'string') throw new DataError(name, row.line, k + 1, v);
    into[at + k] = v;
  }
}

/** A labelled dataset from CSV text, bytes or chunks (a file or standard input as read). */
export function parseCsvDataset(input: TextInput, name: string, opts: TableOptions = {}): Dataset {
  let width = 0;
  let b: DatasetBuilder | undefined;
  let values = new Float64Array(0);
  for (const row of readRows(input, name, MAX_FEATURES + 1, true)) {
    if (width === 0) {
      width = row.cells.length;
      if (width < 2) throw new DataError(name, row.line, 1, 'need at least one feature column and a label column');
      if (isHeader(row.cells.slice(0, width - 1), name, opts)) continue;
    }
    if (b === undefined) {
      b = new DatasetBuilder(name, width - 1);
      values = new Float64Array(width - 1);
    }
    checkWidth(row, width, name);
    parseFeatures(row, width - 1, name, values, 0);
    b.add(values, row.cells[width - 1], row.line, width);
  }
  if (b === undefined) throw new DatasetError(`${name}: no data rows`);
  return b.finish();
}

export interface FeatureRows {
  dim: number;
  count: number;
  x: Float64Array;
  line: Uint32Array;
}

/** Unlabelled feature rows (for eval) from CSV text, bytes or chunks; `dim` is the width
 *  expected. The rows are held under the memory budget too (8 bytes a value, 4 a line). */
export function parseCsvFeatures(input: TextInput, name: string, dim: number, opts: TableOptions = {}): FeatureRows {
  const budget = memoryBudget();
  let x = new Float64Array(16 * dim);
  let line = new Uint32Array(16);
  let count = 0;
  let first = true;
  for (const row of readRows(input, name, MAX_FEATURES, false)) {
    if (first) {
      first = false;
      if (isHeader(row.cells, name, opts)) continue;
    }
    checkWidth(row, dim, name);
    if (count === line.length) {
      const cap = Math.min(2 * count, Math.floor(budget / (8 * dim + 4)));
      if (cap <= count) throw overBudget(name, row.line, 1, `${(count + 1).toLocaleString('en-US')} rows of ${dim} values`, (count + 1) * (8 * dim + 4), budget);
      const nx = new Float64Array(cap * dim);
      nx.set(x);
      x = nx;
      const nl = new Uint32Array(cap);
      nl.set(line);
      line = nl;
    }
    parseFeatures(row, dim, name, x, count * dim);
    line[count++] = row.line;
  }
  return { dim, count, x: x.slice(0, count * dim), line: line.slice(0, count) };
}
