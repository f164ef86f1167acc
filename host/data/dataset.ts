// A dataset as every construction sees it: the distinct inputs (raw values), their classes,
// and where each came from. Sources (csv, jsonl, mnist, synthetic, line-alternating) feed rows
// to a DatasetBuilder, which merges exact repeats and refuses contradictions (DESIGN §2).

import { DataError, DatasetError } from './errors.js';
import { RowSet } from './rowset.js';

/** Per-coordinate input bounds in quantized units, the same for every coordinate. */
export interface DeclaredDomain {
  lo: number;
  hi: number;
}

export interface Dataset {
  /** What was loaded: a file path or a generator spec. */
  name: string;
  dim: number;
  /** Rows read, before merging repeats. */
  rows: number;
  /** Rows that repeated an earlier input with the same label (merged). */
  duplicates: number;
  /** Distinct inputs. */
  n: number;
  /** n × dim raw values, row-major. */
  x: Float64Array;
  /** Class index of each distinct input. */
  y: Uint32Array;
  /** Label text of each class, in order of first appearance. */
  classes: string[];
  /** Source line (1-based) of each distinct input, for messages. */
  line: Uint32Array;
  /** An integer scale the data type declares (MNIST: 255), else chosen by quantization. */
  scale?: number;
  /** Bounds the data type declares (quantized units), else observed and widened. */
  domain?: DeclaredDomain;
  /** Set by the line-alternating source (x_i = i, y_i = i mod 2): DESIGN §2's lower bound
   *  ⌈log₂(n/2)⌉ on worst-case cmp is proven for it. A slice keeps it, being one again
   *  (consecutive x, alternating y). Consumers ask this, never the name. */
  lineAlternating?: true;
}

/** Bytes per row beside its values: class (4), source line (4), the repeat index (≈ 16). */
const ROW_OVERHEAD_BYTES = 24;

/** The default memory budget for one dataset: far below this machine's 24 GiB, far above MNIST. */
export const DEFAULT_MEMORY_BUDGET = 8 * 2 ** 30;
const UNITS: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 };

/** Bytes a dataset may occupy in memory: CONDNET_MEMORY_BUDGET (bytes, or with a K, M or G
 *  suffix: binary units), else DEFAULT_MEMORY_BUDGET. A dataset past it is refused with a
 *  message instead of exhausting the process. */
export function memoryBudget(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.CONDNET_MEMORY_BUDGET;
  if (text === undefined || text === '') return DEFAULT_MEMORY_BUDGET;
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?$/i.exec(text.trim());
  if (!m) throw new DatasetError(`CONDNET_MEMORY_BUDGET must be a number of bytes, optionally with K, M or G, got "${text}"`);
  return Math.floor(Number(m[1]) * UNITS[m[2].toLowerCase()]);
}

const formatBytes = (b: number) => (b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(1)} GiB` : b >= 2 ** 20 ? `${(b / 2 ** 20).toFixed(1)} MiB` : `${Math.ceil(b / 2 ** 10)} KiB`);

/** Refuse, with a message, a dataset of `rows` × `dim` values past the memory budget (the
 *  generators know their size up front; files grow through DatasetBuilder, which checks as
 *  it grows). */
export function checkMemoryBudget(name: string, rows: number, dim: number): void {
  const need = rows * (8 * dim + ROW_OVERHEAD_BYTES);
  const budget = memoryBudget();
  if (need > budget) {
    throw new DatasetError(`${name}: ${rows.toLocaleString('en-US')} rows of ${dim} values need about ${formatBytes(need)}, ` +
      `over the memory budget of ${formatBytes(budget)}; set CONDNET_MEMORY_BUDGET (e.g. 16G) to allow more`);
  }
}

export class DatasetBuilder {
  private x: Float64Array;
  private y: Uint32Array;
  private line: Uint32Array;
  private n = 0;
  private rows = 0;
  private duplicates = 0;
  private readonly classIndex = new Map<string, number>();
  private readonly classes: string[] = [];
  private readonly set: RowSet;

  /** Rows the memory budget allows: the values (f64), class, line and the repeat index. */
  private readonly maxRows: number;

  constructor(
    private readonly name: string,
    private readonly dim: number,
    expectedRows = 1024,
  ) {
    this.maxRows = Math.floor(memoryBudget() / (8 * dim + ROW_OVERHEAD_BYTES));
    const cap = Math.min(Math.max(16, expectedRows), Math.max(1, this.maxRows));
    this.x = new Float64Array(cap * dim);
    this.y = new Uint32Array(cap);
    this.line = new Uint32Array(cap);
    this.set = new RowSet(this.x, dim, cap);
  }

  /** Add a row (an exact repeat merges); `labelColumn` is where the label sits, for the
   *  contradiction message. */
  add(values: ArrayLike<number>, label: string, line: number, labelColumn: number): void {
    if (this.n === this.y.length) this.grow();
    const base = this.n * this.dim;
    for (let k = 0; k < this.dim; k++) this.x[base + k] = values[k] + 0; // −0 → 0
    this.rows++;
    const prev = this.set.add(this.n);
    let cls = this.classIndex.get(label);
    if (prev >= 0) {
      if (cls !== this.y[prev]) {
        throw new DataError(this.name, line, labelColumn,
          `label "${label}" contradicts label "${this.classes[this.y[prev]]}" given to the same input on line ${this.line[prev]}`);
      }
      this.duplicates++;
      return;
    }
    if (cls === undefined) {
      cls = this.classes.length;
      this.classes.push(label);
      this.classIndex.set(label, cls);
    }
    this.y[this.n] = cls;
    this.line[this.n] = line;
    this.n++;
  }

  finish(extra: Pick<Dataset, 'scale' | 'domain'> = {}): Dataset {
    if (this.n === 0) throw new DatasetError(`${this.name}: no data rows`);
    return {
      name: this.name,
      dim: this.dim,
      rows: this.rows,
      duplicates: this.duplicates,
      n: this.n,
      x: this.x.slice(0, this.n * this.dim),
      y: this.y.slice(0, this.n),
      classes: this.classes,
      line: this.line.slice(0, this.n),
      ...extra,
    };
  }

  private grow(): void {
    if (this.y.length >= this.maxRows) {
      throw new DatasetError(`${this.name}: more than ${this.maxRows.toLocaleString('en-US')} distinct rows of ${this.dim} values ` +
        `exceed the memory budget of ${formatBytes(memoryBudget())}; set CONDNET_MEMORY_BUDGET (e.g. 16G) to allow more`);
    }
    const cap = Math.min(this.y.length * 2, this.maxRows);
    const x = new Float64Array(cap * this.dim);
    x.set(this.x);
    this.x = x;
    const y = new Uint32Array(cap);
    y.set(this.y);
    this.y = y;
    const line = new Uint32Array(cap);
    line.set(this.line);
    this.line = line;
    this.set.rebind(this.x);
  }
}

/** The distinct inputs with index a ≤ i < b (DESIGN §2's n counts distinct inputs, so a slice
 *  counts them too). The class list stays whole, so class indices mean the same in every
 *  slice of one dataset; lines, scale and domain are kept. `rows` becomes b − a and
 *  `duplicates` 0: repeats merged before slicing cannot be told apart by slice. */
export function sliceDataset(ds: Dataset, a: number, b: number, name = `${ds.name}[${a}:${b}]`): Dataset {
  if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b > ds.n || a >= b) {
    throw new DatasetError(`${name}: a slice [a:b] needs 0 ≤ a < b ≤ ${ds.n} (the distinct inputs of ${ds.name}), got [${a}:${b}]`);
  }
  return {
    ...ds,
    name,
    rows: b - a,
    duplicates: 0,
    n: b - a,
    x: ds.x.slice(a * ds.dim, b * ds.dim),
    y: ds.y.slice(a, b),
    classes: ds.classes.slice(),
    line: ds.line.slice(a, b),
  };
}
