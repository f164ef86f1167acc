// CSV datasets (DESIGN §8): features, then the label column. The first row is a header when
// `header` says so, or by default when all its feature cells are non-numeric. Columns in
// messages are 1-based cell numbers; lines are the file's 1-based lines.

import { parse } from 'csv-parse/sync';
import { parseNumber, isNumeric } from './cells.js';
import { DatasetBuilder, type Dataset } from './dataset.js';
import { DataError, DatasetError } from './errors.js';

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

function readRows(text: string, name: string): Row[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { info: true, relax_column_count: true, skip_empty_lines: true, bom: true }) as unknown as typeof records;
  } catch (e) {
    const err = e as { lines?: number; message: string };
    throw new DataError(name, err.lines ?? 1, 1, `malformed CSV: ${err.message}`);
  }
  return records.map((r) => ({ cells: r.record, line: r.info.lines }));
}

/** Drop the header row if there is one; `features` is how many leading cells are features. */
function dropHeader(rows: Row[], features: (row: Row) => string[], name: string, opts: TableOptions): Row[] {
  if (rows.length === 0) return rows;
  let header = opts.header;
  if (header === undefined) {
    const cells = features(rows[0]);
    header = cells.length > 0 && cells.every((c) => !isNumeric(c));
    if (header) opts.notice?.(`${name}: first row taken as a header (its feature cells are not numbers; --no-header to keep it)`);
  }
  return header ? rows.slice(1) : rows;
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

/** A labelled dataset from CSV text. */
export function parseCsvDataset(text: string, name: string, opts: TableOptions = {}): Dataset {
  const all = readRows(text, name);
  if (all.length === 0) throw new DatasetError(`${name}: no data rows`);
  const width = all[0].cells.length;
  if (width < 2) throw new DataError(name, all[0].line, 1, 'need at least one feature column and a label column');
  const rows = dropHeader(all, (r) => r.cells.slice(0, width - 1), name, opts);
  const dim = width - 1;
  const b = new DatasetBuilder(name, dim, rows.length);
  const values = new Float64Array(dim);
  for (const row of rows) {
    checkWidth(row, width, name);
    parseFeatures(row, dim, name, values, 0);
    b.add(values, row.cells[dim], row.line, width);
  }
  return b.finish();
}

export interface FeatureRows {
  dim: number;
  count: number;
  x: Float64Array;
  line: Uint32Array;
}

/** Unlabelled feature rows (for eval) from CSV text; `dim` is the width expected. */
export function parseCsvFeatures(text: string, name: string, dim: number, opts: TableOptions = {}): FeatureRows {
  const rows = dropHeader(readRows(text, name), (r) => r.cells, name, opts);
  const x = new Float64Array(rows.length * dim);
  const line = new Uint32Array(rows.length);
  rows.forEach((row, i) => {
    checkWidth(row, dim, name);
    parseFeatures(row, dim, name, x, i * dim);
    line[i] = row.line;
  });
  return { dim, count: rows.length, x, line };
}
