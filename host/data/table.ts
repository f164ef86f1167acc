// Tables as they come (docs/TABLES.md): CSV, TSV or another delimiter, a JSON array of objects
// or arrays, JSON lines of objects or arrays; the format recognised by content, then by
// extension; the label and feature columns chosen by name or index; missing values and
// contradicting labels settled by policy. Every reader yields records (cells with where each
// starts), so one path chooses the columns and parses the values for all formats, and every
// message names file, line and column. Reading stays bounded as csv.ts and jsonl.ts bound it.

import { printParseErrorCode, visit, type ParseErrorCode } from 'jsonc-parser';
import { isNumeric, parseNumber } from './cells.js';
import { readRows } from './csv.js';
import { DatasetBuilder, type Dataset } from './dataset.js';
import { DataError, DatasetError } from './errors.js';
import { parseJsonlDataset, readLines } from './jsonl.js';
import { BUDGET_HINT, MAX_FEATURES, memoryBudget, overBudget } from './limits.js';
import { chunksOf, type TextInput } from './read.js';
import { isMissing, type MissingPolicy, type TableFormat, type TableOptions } from './table-options.js';
import type { ColumnType, TableColumn } from '../format/table-section.js';
import { formatBytes } from '../io/bytes.js';

/** One row of a table: its cells by column (null: no value, as JSON null or an absent key). */
export interface TableRecord {
  cells: (string | null)[];
  line: number;
  /** JSON: the line and column where each cell's value starts; a delimited row's cell k is at
   *  (line, k + 1). */
  at?: Array<[number, number] | undefined>;
}

interface TableSource {
  format: TableFormat;
  /** How the format was chosen, for messages ("by its extension .json"). */
  why: string;
  /** JSON objects: their keys, in the first record's order (set before the first record). */
  keys?: string[];
  records: Iterable<TableRecord>;
}

const FORMAT_NAMES: Record<TableFormat, string> = { csv: 'CSV', tsv: 'TSV', json: 'a JSON array', jsonl: 'JSON lines' };

function where(rec: TableRecord, k: number): [number, number] {
  return rec.at?.[k] ?? [rec.line, k + 1];
}

/** The first chunk (for recognising the format), and every chunk, that one included. */
function peek(input: TextInput): { first: Buffer; all: Iterable<Buffer> } {
  const it = chunksOf(input)[Symbol.iterator]();
  const head = it.next();
  const first = head.done ? Buffer.alloc(0) : head.value;
  function* all(): Generator<Buffer> {
    if (!head.done) yield head.value;
    for (let r = it.next(); !r.done; r = it.next()) yield r.value;
  }
  return { first, all: all() };
}

const SNIFFED = [',', '\t', ';', '|'];

/** The format of a table: --format, else its content (JSON starts with [ or {), else its
 *  extension, else delimited text with the delimiter its first line uses. */
export function recognise(name: string, first: Buffer, opts: TableOptions): { format: TableFormat; delimiter: string; why: string } {
  const text = first.toString('utf8').replace(/^\uFEFF/, '');
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimited = (format: TableFormat, why: string) => {
    if (opts.delimiter !== undefined) return { format, delimiter: opts.delimiter, why: `${why}, --delimiter` };
    if (format === 'tsv') return { format, delimiter: '\t', why };
    if (firstLine.includes(',')) return { format, delimiter: ',', why };
    let best = ',';
    let most = 0;
    for (const d of SNIFFED) {
      const count = firstLine.split(d).length - 1;
      if (count > most) [best, most] = [d, count];
    }
    return { format: best === '\t' ? 'tsv' as const : format, delimiter: best, why: best === ',' ? why : `${why}, its first line separated by ${JSON.stringify(best)}` };
  };
  if (opts.format !== undefined) return opts.format === 'csv' || opts.format === 'tsv' ? delimited(opts.format, 'by --format') : { format: opts.format, delimiter: ',', why: 'by --format' };
  const start = text.trimStart()[0];
  if (start === '{') return { format: 'jsonl', delimiter: ',', why: 'by its content (it starts with "{")' };
  if (start === '[') {
    // JSON lines of arrays, or one JSON array of rows: a first line that is a whole array of
    // plain values is a row of JSON lines.
    let row: unknown;
    try {
      row = JSON.parse(firstLine);
    } catch {
      row = undefined;
    }
    const lines = Array.isArray(row) && row.every((v) => v === null || typeof v !== 'object');
    return { format: lines ? 'jsonl' : 'json', delimiter: ',', why: 'by its content (it starts with "[")' };
  }
  if (/\.(jsonl|ndjson)$/i.test(name)) return { format: 'jsonl', delimiter: ',', why: 'by its extension' };
  if (/\.json$/i.test(name)) return { format: 'json', delimiter: ',', why: 'by its extension' };
  if (/\.(tsv|tab)$/i.test(name)) return delimited('tsv', 'by its extension');
  return delimited('csv', /\.csv$/i.test(name) ? 'by its extension' : 'as delimited text');
}

/** A DataError from reading `format`, saying which format was tried and how to choose another. */
function tried(e: unknown, src: { format: TableFormat; why: string; delimiter?: string }): never {
  if (e instanceof DataError && /^(malformed CSV|invalid JSON|expected )/.test(e.reason)) {
    const how = src.format === 'csv' || src.format === 'tsv' ? ` with delimiter ${JSON.stringify(src.delimiter)}` : '';
    throw new DataError(e.file, e.line, e.column, `${e.reason} (read as ${FORMAT_NAMES[src.format]}${how}, ${src.why}; --format csv|tsv|json|jsonl or --delimiter to choose)`);
  }
  throw e;
}

function* guarded(records: Iterable<TableRecord>, src: { format: TableFormat; why: string; delimiter?: string }): Generator<TableRecord> {
  try {
    yield* records;
  } catch (e) {
    tried(e, src);
  }
}

/** JSON values to records: objects by key (the first record's keys are the columns) or arrays. */
class JsonRecords {
  keys?: string[];
  private index = new Map<string, number>();
  private kind?: 'object' | 'array';
  private cur?: TableRecord;
  private key?: { name: string; line: number; column: number };
  private depth = 0;
  /** Records completed so far (the first one's keys are the columns). */
  private done = 0;
  readonly out: TableRecord[] = [];

  constructor(private readonly name: string, private readonly top: number) {}

  private fail(line: number, column: number, why: string): never {
    throw new DataError(this.name, line, column, why);
  }

  begin(object: boolean, line: number, column: number): void {
    this.depth++;
    if (this.depth <= this.top) {
      if (!object) return;
      this.fail(line, column, this.top === 1 ? 'expected an array of objects or arrays, found an object' : 'expected an object or array');
    }
    if (this.depth > this.top + 1) this.fail(line, column, 'expected a number, string or null, found a nested ' + (object ? 'object' : 'array'));
    const kind = object ? 'object' : 'array';
    if (this.kind !== undefined && this.kind !== kind) this.fail(line, column, `expected an ${this.kind} like the first record, found an ${kind}`);
    this.kind = kind;
    if (kind === 'object' && this.keys === undefined) this.keys = [];
    this.cur = { cells: new Array<string | null>(this.keys?.length ?? 0).fill(null), line, at: [] };
  }

  property(name: string, line: number, column: number): void {
    this.key = { name, line, column };
  }

  value(text: string | null, line: number, column: number): void {
    const rec = this.cur;
    if (rec === undefined || this.depth !== this.top + 1) this.fail(line, column, this.top === 1 ? 'expected an array of objects or arrays' : 'expected an object or array');
    let k: number;
    if (this.kind === 'array') k = rec.cells.length;
    else {
      const key = this.key!;
      const known = this.index.get(key.name);
      if (known !== undefined) k = known;
      else if (this.done === 0) {
        k = this.keys!.length;
        this.keys!.push(key.name);
        this.index.set(key.name, k);
        if (k >= MAX_FEATURES + 1) this.fail(key.line, key.column, `more than ${MAX_FEATURES + 1} keys: a model takes at most ${MAX_FEATURES.toLocaleString('en-US')} features and the label`);
      } else this.fail(key.line, key.column, `key ${JSON.stringify(key.name)} is not a column (the first record's keys are the columns: ${this.keys!.slice(0, 8).join(', ')}${this.keys!.length > 8 ? ', …' : ''})`);
    }
    if (k >= MAX_FEATURES + 1) this.fail(line, column, `more than ${MAX_FEATURES + 1} values: a model takes at most ${MAX_FEATURES.toLocaleString('en-US')} features and the label`);
    rec.cells[k] = text;
    rec.at![k] = [line, column];
  }

  end(): void {
    this.depth--;
    if (this.depth === this.top && this.cur) {
      this.done++;
      this.out.push(this.cur);
      this.cur = undefined;
    }
  }
}

function visitJson(text: string, into: JsonRecords, name: string, lineBase: number): void {
  const pos = (l: number, c: number): [number, number] => [lineBase + l, c + 1];
  visit(text, {
    onObjectBegin: (_o, _l, line, ch) => into.begin(true, ...pos(line, ch)),
    onArrayBegin: (_o, _l, line, ch) => into.begin(false, ...pos(line, ch)),
    onObjectEnd: () => into.end(),
    onArrayEnd: () => into.end(),
    onObjectProperty: (p, _o, _l, line, ch) => into.property(p, ...pos(line, ch)),
    onLiteralValue: (v: unknown, offset, length, line, ch) =>
      into.value(v === null ? null : typeof v === 'string' ? v : text.slice(offset, offset + length), ...pos(line, ch)),
    onError: (code: ParseErrorCode, _o, _l, line, ch) => {
      throw new DataError(name, lineBase + line, ch + 1, `invalid JSON (${printParseErrorCode(code)})`);
    },
  }, { disallowComments: true, allowTrailingComma: false });
}

/** A JSON array document: read whole (bounded by a quarter of the memory budget, at most
 *  512 MiB: a longer table is given as JSON lines), then walked with its lines and columns. */
function jsonDocument(chunks: Iterable<Buffer>, name: string): { records: TableRecord[]; keys?: string[] } {
  const budget = memoryBudget();
  const limit = Math.min(Math.floor(budget / 4), 512 * 2 ** 20);
  const parts: Buffer[] = [];
  let bytes = 0;
  let lines = 1;
  for (const c of chunks) {
    bytes += c.length;
    if (bytes > limit) {
      throw new DataError(name, lines, 1, `a JSON document longer than ${formatBytes(limit)}: give a table this long as JSON lines${limit < 512 * 2 ** 20 ? ` (or ${BUDGET_HINT})` : ''}`);
    }
    for (let i = c.indexOf(0x0a); i >= 0; i = c.indexOf(0x0a, i + 1)) lines++;
    parts.push(c);
  }
  const text = Buffer.concat(parts).toString('utf8').replace(/^\uFEFF/, '');
  const into = new JsonRecords(name, 1);
  visitJson(text, into, name, 1);
  return { records: into.out, keys: into.keys };
}

function* jsonLines(chunks: Iterable<Buffer>, name: string, src: TableSource): Generator<TableRecord> {
  const into = new JsonRecords(name, 0);
  for (const { text, line } of readLines(chunks, name)) {
    const t = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (t.trim() === '') continue;
    const before = into.out.length;
    visitJson(t.replace(/^\uFEFF/, ''), into, name, line);
    if (into.out.length !== before + 1) throw new DataError(name, line, 1, 'expected one JSON object or array on each line');
    src.keys = into.keys;
    yield into.out.pop()!;
  }
}

/** The records of a table and the format they were read in. */
export function readTable(input: TextInput, name: string, opts: TableOptions = {}, labelled = true): TableSource & { delimiter: string; legacy?: Iterable<Buffer> } {
  const { first, all } = peek(input);
  const r = recognise(name, first, opts);
  if (r.format === 'json') {
    const doc = (() => {
      try {
        return jsonDocument(all, name);
      } catch (e) {
        return tried(e, r);
      }
    })();
    return { ...r, keys: doc.keys, records: doc.records };
  }
  if (r.format === 'jsonl') {
    // JSON lines of {"x": [numbers], "y": label} (DESIGN §8) keep their own reader.
    const line = first.toString('utf8').replace(/^\uFEFF/, '').split('\n', 1)[0];
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      obj = undefined;
    }
    if (typeof obj === 'object' && obj !== null && !Array.isArray(obj) && Array.isArray((obj as { x?: unknown }).x) &&
      Object.keys(obj).every((k) => k === 'x' || k === 'y')) {
      return { ...r, records: [], legacy: all };
    }
    const src: TableSource & { delimiter: string } = { ...r, records: [] };
    src.records = guarded(jsonLines(all, name, src), r);
    return src;
  }
  if (r.delimiter.length !== 1) throw new DatasetError(`--delimiter must be one character, got ${JSON.stringify(r.delimiter)}`);
  // eval's rows: at most a model's width (a training file one wider still fits below it).
  const rows = readRows(all, name, labelled ? MAX_FEATURES + 1 : MAX_FEATURES, labelled, r.delimiter);
  return { ...r, records: guarded(rows, r) };
}

// ---- columns ----

export interface Columns {
  label: number;
  features: number[];
  /** Column names (a header row, or JSON objects' keys); undefined without a header. */
  names?: string[];
}

/** The 0-based columns a list of names, 1-based indexes and ranges `a-b` (`a-`, `-b`) names. */
export function columnList(spec: string, width: number, names: string[] | undefined, flag: string, file: string): number[] {
  const out: number[] = [];
  for (const raw of spec.split(',')) {
    const t = raw.trim();
    if (t === '') continue;
    const named = names?.indexOf(t) ?? -1;
    if (named >= 0) {
      out.push(named);
      continue;
    }
    const range = /^(\d*)-(\d*)$/.exec(t);
    const index = /^\d+$/.test(t) ? [Number(t), Number(t)] : range && (range[1] || range[2]) ? [range[1] ? Number(range[1]) : 1, range[2] ? Number(range[2]) : width] : undefined;
    if (index === undefined) {
      throw new DatasetError(`${file}: ${flag} ${JSON.stringify(t)}: ${names ? `no column has that name (the columns: ${names.slice(0, 12).join(', ')}${names.length > 12 ? ', …' : ''})` : 'the table has no header, so columns are numbered 1, 2, … (give a number or a range a-b)'}`);
    }
    const [a, b] = index;
    if (a < 1 || b > width || a > b) throw new DatasetError(`${file}: ${flag} ${t}: columns are numbered 1 to ${width}`);
    for (let c = a; c <= b; c++) out.push(c - 1);
  }
  return out;
}

/** The label and feature columns of a table `width` wide, by the options. */
export function chooseColumns(width: number, names: string[] | undefined, opts: TableOptions, file: string, labelled = true): Columns {
  const labelList = opts.label === undefined ? [width - 1] : columnList(opts.label, width, names, '--label', file);
  if (labelList.length !== 1) throw new DatasetError(`${file}: --label names one column, got ${JSON.stringify(opts.label)}`);
  const label = labelled ? labelList[0] : -1;
  const ignore = new Set(opts.ignore === undefined ? [] : columnList(opts.ignore, width, names, '--ignore', file));
  let features: number[];
  if (opts.features !== undefined) {
    features = columnList(opts.features, width, names, '--features', file).filter((c) => !ignore.has(c));
    if (features.includes(label)) throw new DatasetError(`${file}: column ${label + 1}${names ? ` (${names[label]})` : ''} is the label and cannot be a feature too`);
    if (new Set(features).size !== features.length) throw new DatasetError(`${file}: --features names a column twice`);
  } else features = Array.from({ length: width }, (_, c) => c).filter((c) => c !== label && !ignore.has(c));
  if (features.length === 0) throw new DatasetError(`${file}: no feature columns left (the table has ${width} column${width === 1 ? '' : 's'}; the label is column ${label + 1})`);
  if (features.length > MAX_FEATURES) throw new DatasetError(`${file}: ${features.length} feature columns: a model takes at most ${MAX_FEATURES.toLocaleString('en-US')}`);
  return { label, features, ...(names ? { names } : {}) };
}

/** Whether the first row of a delimited table is a header: --header/--no-header, else when
 *  it holds a column named by --label, --features or --ignore, else when its cells other than
 *  the label are all non-numeric (and not all missing). */
function isHeaderRow(cells: string[], opts: TableOptions, name: string, labelled: boolean): boolean {
  if (opts.header !== undefined) return opts.header;
  const named = [opts.label, opts.features, opts.ignore].flatMap((s) => (s ?? '').split(',').map((t) => t.trim()))
    .filter((t) => t !== '' && !/^\d*-?\d*$/.test(t));
  let header = named.some((t) => cells.includes(t));
  if (!header) {
    const label = !labelled ? -1 : opts.label !== undefined && /^\d+$/.test(opts.label) ? Number(opts.label) - 1 : cells.length - 1;
    const rest = cells.filter((_, k) => k !== label);
    header = rest.length > 0 && rest.every((c) => !isNumeric(c)) && !rest.every((c) => isMissing(c));
  }
  if (header) opts.notice?.(`${name}: first row taken as a header (${named.length > 0 ? 'it names the columns chosen' : `its ${labelled ? 'feature ' : ''}cells are not numbers`}; --no-header to keep it)`);
  return header;
}

/** Columns and header of a table from its first record: a delimited table's first row may be
 *  its header; JSON objects have their keys. Returns the columns, and whether the first record
 *  was the header. */
function tableColumns(src: TableSource, first: TableRecord, opts: TableOptions, name: string, labelled: boolean, width?: (names: string[] | undefined, n: number) => Columns): { cols: Columns; header: boolean } {
  let names = src.keys;
  let header = false;
  if (names === undefined && (src.format === 'csv' || src.format === 'tsv')) {
    const cells = first.cells as string[];
    if (isHeaderRow(cells, opts, name, labelled)) {
      names = cells.map((c) => c.trim());
      header = true;
    }
  }
  const n = names?.length ?? first.cells.length;
  if (n < (labelled ? 2 : 1)) {
    const how = src.format === 'csv' || src.format === 'tsv' ? `; read as ${FORMAT_NAMES[src.format]} with delimiter ${JSON.stringify((src as { delimiter?: string }).delimiter ?? ',')}, ${src.why}: --delimiter or --format to choose` : '';
    throw new DataError(name, first.line, 1, `need at least one feature column and a label column, found ${n} column${n === 1 ? '' : 's'}${how}`);
  }
  const cols = width ? width(names, n) : chooseColumns(n, names, opts, name, labelled);
  return { cols, header };
}

const DATE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/;

/** An ISO 8601 date or date-time as seconds since 1970-01-01T00:00:00Z (no zone: UTC), or undefined. */
export function parseDate(text: string): number | undefined {
  const m = DATE.exec(text.trim());
  if (!m) return undefined;
  const t = Date.parse(m[2] === undefined ? `${m[1]}T00:00:00Z` : `${m[1]}T${m[2]}${m[3] ?? 'Z'}`);
  return Number.isFinite(t) ? t / 1000 : undefined;
}

/** How each feature column's cells become numbers: numbers as written; a column whose first
 *  value is an ISO date reads dates as seconds since 1970 (UTC); one whose first value is
 *  neither (or that --categorical names) reads categories as their index in a dictionary
 *  built in order of first appearance. A model's Table section fixes them for eval, where an
 *  unseen category is an error. */
export class FeatureCoder {
  readonly types: (ColumnType | undefined)[];
  readonly dicts: Map<string, number>[];

  /** Categories a fixed dictionary did not hold, read as one past its last code ('other'). */
  unseen = 0;

  /** Whether a column of text is read as categories unasked (a table with a header). */
  auto = false;
  /** Told when a column's first value makes it a date or category column. */
  notice?: (k: number, type: ColumnType, cell: string) => void;

  constructor(dim: number, categorical: Set<number> = new Set(), readonly fixed?: TableColumn[], private readonly unseenCategory: 'error' | 'other' = 'error') {
    this.types = fixed ? fixed.map((c) => c.type) : Array.from({ length: dim }, (_, k) => (categorical.has(k) ? 'category' : undefined));
    this.dicts = fixed ? fixed.map((c) => new Map((c.categories ?? []).map((t, i) => [t, i]))) : Array.from({ length: dim }, () => new Map());
  }

  /** The value of feature k's cell, or why it has none. */
  value(k: number, cell: string): number | string {
    let type = this.types[k];
    if (type === undefined) {
      type = this.types[k] = isNumeric(cell) ? 'number' : parseDate(cell) !== undefined ? 'date' : this.auto ? 'category' : 'number';
      if (type !== 'number') this.notice?.(k, type, cell);
    }
    if (type === 'number') {
      const v = parseNumber(cell);
      return v;
    }
    if (type === 'date') return parseDate(cell) ?? `"${cell.trim()}" is not an ISO date (YYYY-MM-DD[THH:MM[:SS]][Z|±HH:MM]) like the column's first value`;
    const text = cell.trim();
    const dict = this.dicts[k];
    let code = dict.get(text);
    if (code === undefined) {
      if (this.fixed && this.unseenCategory === 'other') {
        this.unseen++;
        return dict.size;
      }
      if (this.fixed) return `category "${text}" was not in the training table (the model knows ${dict.size})`;
      code = dict.size;
      dict.set(text, code);
    }
    return code;
  }

  /** The columns for a model's Table section. */
  columns(names?: string[]): TableColumn[] {
    return this.types.map((t, k) => ({
      ...(names ? { name: names[k] } : {}),
      type: t ?? 'number',
      ...(t === 'category' ? { categories: [...this.dicts[k].keys()] } : {}),
    }));
  }
}

/** The feature values of a record into `into` at `at`, or 'drop' (a missing value under
 *  --missing drop), or a DataError for the cell that is wrong. */
function readValues(rec: TableRecord, cols: Columns, missing: MissingPolicy, name: string, into: Float64Array, at: number, coder: FeatureCoder): 'ok' | 'drop' | DataError {
  for (let k = 0; k < cols.features.length; k++) {
    const c = cols.features[k];
    const cell = rec.cells[c];
    if (isMissing(cell)) {
      if (missing.kind === 'drop') return 'drop';
      if (missing.kind === 'value') {
        into[at + k] = missing.value;
        continue;
      }
      const what = cell === null || cell === undefined ? 'no value' : cell.trim() === '' ? 'empty cell' : `missing value ${JSON.stringify(cell.trim())}`;
      return new DataError(name, ...where(rec, c), `${what} where a number is expected (--missing drop|<value> accepts missing values)`);
    }
    const v = coder.value(k, cell!);
    if (typeof v === 'string') return new DataError(name, ...where(rec, c), v);
    into[at + k] = v;
  }
  return 'ok';
}

function checkWidth(rec: TableRecord, width: number, src: TableSource, name: string): void {
  if (src.format !== 'csv' && src.format !== 'tsv') {
    // JSON objects: absent keys are missing values; arrays must be as long as the first.
    if (src.keys !== undefined) return;
  }
  if (rec.cells.length !== width) {
    throw new DataError(name, rec.line, Math.min(rec.cells.length, width) + 1,
      `ragged row: expected ${width} cells, found ${rec.cells.length}`);
  }
}

/** A labelled dataset from a table in any of the formats. */
export function parseTableDataset(input: TextInput, name: string, opts: TableOptions = {}): Dataset {
  const src = readTable(input, name, opts);
  if (src.legacy) {
    if (opts.label !== undefined || opts.features !== undefined || opts.ignore !== undefined) {
      throw new DatasetError(`${name}: JSON lines of {"x": [numbers], "y": label} take no --label, --features or --ignore (their columns are x and y)`);
    }
    return parseJsonlDataset(src.legacy, name, opts.onConflict);
  }
  if (src.format !== 'csv' || src.delimiter !== ',') opts.notice?.(`${name}: read as ${FORMAT_NAMES[src.format]}${src.format === 'csv' || src.format === 'tsv' ? ` with delimiter ${JSON.stringify(src.delimiter)}` : ''}, ${src.why}`);
  const missing = opts.missing ?? { kind: 'error' };
  let cols: Columns | undefined;
  let width = 0;
  let b: DatasetBuilder | undefined;
  let values = new Float64Array(0);
  let dropped = 0;
  let coder = new FeatureCoder(0);
  for (const rec of src.records) {
    if (cols === undefined) {
      const t = tableColumns(src, rec, opts, name, true, (names, n) => {
        const fn = opts.featureNames;
        if (opts.features === undefined && names && fn && fn.every((f) => names.includes(f))) {
          const label = opts.label !== undefined ? chooseColumns(n, names, opts, name).label
            : opts.labelName !== undefined && names.includes(opts.labelName) ? names.indexOf(opts.labelName) : n - 1;
          return { label, features: fn.map((f) => names.indexOf(f)), names };
        }
        return chooseColumns(n, names, opts, name, true);
      });
      cols = t.cols;
      width = cols.names?.length ?? rec.cells.length;
      b = new DatasetBuilder(name, cols.features.length, 1024, opts.onConflict ?? 'error');
      const cat = new Set(opts.categorical === undefined ? [] : columnList(opts.categorical, width, cols.names, '--categorical', name)
        .map((c) => cols!.features.indexOf(c)).filter((k) => k >= 0));
      coder = opts.columns ? new FeatureCoder(cols.features.length, cat, opts.columns, 'other') : new FeatureCoder(cols.features.length, cat);
      coder.auto = cols.names !== undefined;
      const fnames = cols.features.map((c) => (cols!.names ? `"${cols!.names[c]}"` : `${c + 1}`));
      coder.notice = (k, type, cell) => opts.notice?.(`${name}: column ${fnames[k]} read as ${type === 'date' ? 'dates (seconds since 1970-01-01 UTC)' : 'categories'}: its first value is ${JSON.stringify(cell.trim())}`);
      if (opts.columns && opts.columns.length !== cols.features.length) {
        throw new DatasetError(`${name}: the model takes ${opts.columns.length} features, the columns chosen are ${cols.features.length}`);
      }
      values = new Float64Array(cols.features.length);
      if (t.header) continue;
    }
    checkWidth(rec, width, src, name);
    const got = readValues(rec, cols, missing, name, values, 0, coder);
    if (got instanceof DataError) throw got;
    const label = rec.cells[cols.label];
    if (got === 'drop' || (label === null && missing.kind === 'drop')) {
      dropped++;
      continue;
    }
    if (label === null || label === undefined) throw new DataError(name, ...where(rec, cols.label), 'no label (the label column has no value)');
    b!.add(values, label, rec.line, where(rec, cols.label)[1]);
  }
  if (b === undefined) throw new DatasetError(`${name}: no data rows`);
  if (coder.unseen > 0) opts.notice?.(`${name}: ${coder.unseen.toLocaleString('en-US')} value${coder.unseen === 1 ? '' : 's'} of a category the model was not built with, read as one past its last code`);
  if (dropped > 0) opts.notice?.(`${name}: ${dropped.toLocaleString('en-US')} row${dropped === 1 ? '' : 's'} with a missing value left out (--missing drop)`);
  const ds = b.finish(dropped > 0 ? { droppedMissing: dropped } : {});
  const names = cols?.names;
  if (names) {
    ds.featureNames = cols!.features.map((c) => names[c]);
    ds.labelName = names[cols!.label];
  }
  ds.columns = coder.columns(ds.featureNames);
  if (missing.kind === 'value') ds.missingValue = missing.value;
  return ds;
}

export interface FeatureRows {
  dim: number;
  count: number;
  x: Float64Array;
  line: Uint32Array;
  /** Rows refused (a value that is not a number, a ragged row): with keepGoing, instead of throwing. */
  errors?: DataError[];
  /** The source lines of every row read, in order, good or bad (keepGoing): where each answer goes. */
  order?: number[];
}

export interface FeatureOptions extends TableOptions {
  /** Report a bad row in `errors` and go on (else throw it). */
  keepGoing?: boolean;
}

/** Unlabelled rows for eval: `dim` features each. A table one column wider (the training
 *  file) has its label column left out: the last, or --label; with a header and the model's
 *  feature names, the columns are matched by name. Held under the memory budget. */
export function parseTableFeatures(input: TextInput, name: string, dim: number, opts: FeatureOptions = {}): FeatureRows {
  const budget = memoryBudget();
  const src = readTable(input, name, opts, false);
  if (src.legacy) {
    // {"x": [...], "y": ...} lines: x is the row.
    return parseTableFeatures(legacyAsArrays(src.legacy, name), name, dim, { ...opts, format: 'jsonl', label: undefined, features: undefined });
  }
  const missing = opts.missing ?? { kind: 'error' };
  let x = new Float64Array(16 * dim);
  let line = new Uint32Array(16);
  let count = 0;
  let cols: Columns | undefined;
  let width = 0;
  const errors: DataError[] = [];
  const order: number[] = [];
  const coder = new FeatureCoder(dim, new Set(), opts.columns);
  const pick = (names: string[] | undefined, n: number): Columns => {
    if (opts.features !== undefined) return chooseColumns(n, names, { ...opts, label: opts.label ?? undefined }, name, opts.label !== undefined || n > dim);
    const byName = names && opts.featureNames && opts.featureNames.every((f) => names.includes(f));
    if (byName) {
      const features = opts.featureNames!.map((f) => names!.indexOf(f));
      opts.notice?.(`${name}: columns matched to the model's features by name`);
      return { label: -1, features, names };
    }
    if (opts.label !== undefined) return chooseColumns(n, names, opts, name, true);
    if (names && opts.labelName !== undefined && names.includes(opts.labelName) && n === dim + 1) {
      opts.notice?.(`${name}: column "${opts.labelName}" is the model's label column and is left out`);
      return chooseColumns(n, names, { ...opts, label: opts.labelName }, name, true);
    }
    if (n === dim + 1 && opts.ignore === undefined) {
      opts.notice?.(`${name}: ${n} columns for a model of ${dim} features: column ${n}${names ? ` (${names[n - 1]})` : ''} taken as the label and left out (--label to choose another)`);
      return chooseColumns(n, names, opts, name, true);
    }
    return chooseColumns(n, names, opts, name, false);
  };
  const rowsIn = (() => {
    try {
      return src.records[Symbol.iterator]();
    } catch (e) {
      return tried(e, src);
    }
  })();
  for (;;) {
    let rec: TableRecord;
    try {
      const r = rowsIn.next();
      if (r.done) break;
      rec = r.value;
    } catch (e) {
      // An error of the stream itself (a malformed quote, a line past the bounds) ends the
      // reading: csv-parse cannot resume after it, and a bound must stop it. Rows are refused
      // one by one below.
      return tried(e, src);
    }
    if (cols === undefined) {
      const labelled = false;
      const first = src.format === 'csv' || src.format === 'tsv' ? rec.cells as string[] : undefined;
      // A header of fewer cells than the model takes is a data row in the wrong shape.
      const header = first !== undefined && src.keys === undefined && (opts.header ?? (first.length >= dim && isHeaderRow(first, { ...opts, notice: undefined }, name, labelled)));
      let names = src.keys;
      if (header) {
        names = first!.map((c) => c.trim());
        if (opts.header === undefined) opts.notice?.(`${name}: first row taken as a header (its cells are not numbers; --no-header to keep it)`);
      }
      const n = names?.length ?? rec.cells.length;
      cols = pick(names, n);
      width = n;
      if (cols.features.length !== dim) {
        throw new DataError(name, rec.line, 1, `the model takes ${dim} feature${dim === 1 ? '' : 's'}, the columns chosen are ${cols.features.length}` +
          `${src.format === 'csv' || src.format === 'tsv' ? ` (read as ${FORMAT_NAMES[src.format]} with delimiter ${JSON.stringify(src.delimiter)}, ${src.why}; --delimiter, --features or --label to choose)` : ''}`);
      }
      if (header) continue;
    }
    if (count === line.length) {
      const cap = Math.min(2 * count, Math.floor(budget / (8 * dim + 4)));
      if (cap <= count) throw overBudget(name, rec.line, 1, `${(count + 1).toLocaleString('en-US')} rows of ${dim} values`, (count + 1) * (8 * dim + 4), budget);
      const nx = new Float64Array(cap * dim);
      nx.set(x);
      x = nx;
      const nl = new Uint32Array(cap);
      nl.set(line);
      line = nl;
    }
    order.push(rec.line);
    let bad: DataError | undefined;
    try {
      checkWidth(rec, width, src, name);
      const got = readValues(rec, cols, missing.kind === 'drop' ? { kind: 'error' } : missing, name, x, count * dim, coder);
      if (got instanceof DataError) bad = got;
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
      bad = e;
    }
    if (bad !== undefined) {
      if (!opts.keepGoing) throw bad;
      errors.push(bad);
      continue;
    }
    line[count++] = rec.line;
  }
  return {
    dim, count, x: x.slice(0, count * dim), line: line.slice(0, count),
    ...(opts.keepGoing ? { errors, order } : {}),
  };
}

/** {"x": [...], "y": ...} lines as JSON lines of arrays (their x), for eval. */
function* legacyAsArrays(chunks: Iterable<Buffer>, name: string): Generator<Buffer> {
  for (const { text } of readLines(chunks, name)) {
    let row = '';
    try {
      const o = JSON.parse(text) as { x?: unknown };
      row = Array.isArray(o.x) ? JSON.stringify(o.x) : '{}';
    } catch {
      row = text.trim() === '' ? '' : '{}';
    }
    yield Buffer.from(row + '\n');
  }
}
