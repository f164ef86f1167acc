// A dataset as every construction sees it: the distinct inputs (raw values), their classes,
// and where each came from. Sources (csv, jsonl, mnist, synthetic, line-alternating) feed rows
// to a DatasetBuilder, which merges exact repeats and refuses contradictions (DESIGN §2).

import { DataError, DatasetError } from './errors.js';
import { LABEL_OVERHEAD_BYTES, memoryBudget, overBudget, rowBytes } from './limits.js';
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

// The budget and its limits live in limits.ts; these names stay importable from here.
export { checkMemoryBudget, DEFAULT_MEMORY_BUDGET, memoryBudget } from './limits.js';

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

  private readonly budget = memoryBudget();
  /** Bytes the distinct labels' text occupies (LABEL_OVERHEAD_BYTES each beside it). */
  private labelBytes = 0;

  constructor(
    private readonly name: string,
    private readonly dim: number,
    expectedRows = 1024,
  ) {
    const cap = Math.min(Math.max(16, expectedRows), Math.max(1, this.maxRows()));
    this.x = new Float64Array(cap * dim);
    this.y = new Uint32Array(cap);
    this.line = new Uint32Array(cap);
    this.set = new RowSet(this.x, dim, cap);
  }

  /** Add a row (an exact repeat merges); `labelColumn` is where the label sits, for the
   *  contradiction message. */
  add(values: ArrayLike<number>, label: string, line: number, labelColumn: number): void {
    if (this.n === this.y.length) this.grow(line);
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
      // A label's text is memory too: a file of long distinct labels is refused on the row
      // whose label passes the budget.
      this.labelBytes += 2 * label.length + LABEL_OVERHEAD_BYTES;
      const need = rowBytes(this.n + 1, this.dim) + this.labelBytes;
      if (need > this.budget) {
        throw overBudget(this.name, line, labelColumn,
          `${(this.n + 1).toLocaleString('en-US')} distinct rows of ${this.dim} values and ${(this.classes.length + 1).toLocaleString('en-US')} labels`, need, this.budget);
      }
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

  /** Rows the budget allows beside the labels: the values (f64), class, line and the repeat index. */
  private maxRows(): number {
    return Math.floor((this.budget - this.labelBytes) / rowBytes(1, this.dim));
  }

  /** Make room for one more row, or refuse the row on `line` that would pass the budget. */
  private grow(at: number): void {
    const cap = Math.min(this.y.length * 2, this.maxRows());
    if (cap <= this.n) {
      throw overBudget(this.name, at, 1, `${(this.n + 1).toLocaleString('en-US')} distinct rows of ${this.dim} values`,
        rowBytes(this.n + 1, this.dim) + this.labelBytes, this.budget);
    }
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
