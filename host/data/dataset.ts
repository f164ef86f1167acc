// A dataset as every construction sees it: the distinct inputs (raw values), their classes,
// and where each came from. Sources (csv, jsonl, mnist, synthetic, line-alternating) feed rows
// to a DatasetBuilder, which merges exact repeats and refuses contradictions (DESIGN §2).

import { DataError, DatasetError } from './errors.js';
import { LABEL_OVERHEAD_BYTES, memoryBudget, overBudget, rowBytes } from './limits.js';
import { RowSet } from './rowset.js';
import type { TableColumn } from '../format/table-section.js';

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
  /** Inputs given more than one label, and how the conflict policy settled them (absent when
   *  there were none). */
  conflicts?: ConflictReport;
  /** The feature columns' names and the label column's, when the table has a header. */
  featureNames?: string[];
  labelName?: string;
  /** How each feature column was read (numbers, categories with their dictionary, dates): what
   *  a model's Table section records so eval reads raw rows the same way. */
  columns?: TableColumn[];
  /** The value missing features were read as (--missing <value>). */
  missingValue?: number;
  /** Raw values are divided by 2^inputShift before quantization (values past 2^31). */
  inputShift?: number;
  /** Rows left out by `--missing drop`. */
  droppedMissing?: number;
}

/** How contradicting labels given to one input are settled (docs/TABLES.md, "Conflicts"):
 *  refused (`error`, the default), the first or last label read, the most frequent one (a tie
 *  goes to the label read first among the tied), or the input left out (`drop`). */
export const CONFLICT_POLICIES = ['error', 'first', 'last', 'majority', 'drop'] as const;
export type ConflictPolicy = (typeof CONFLICT_POLICIES)[number];

/** One input given two labels: where the first label was read, and where the first different one was. */
export interface ConflictExample {
  firstLine: number;
  firstLabel: string;
  line: number;
  label: string;
  /** The label the policy kept (undefined: dropped, or refused under `error`). */
  kept?: string;
}

export interface ConflictReport {
  policy: ConflictPolicy;
  /** Distinct inputs given more than one label. */
  inputs: number;
  /** Rows of those inputs (every label read for them). */
  rows: number;
  /** The first few, in the order they were found (CONFLICT_EXAMPLES at most). */
  examples: ConflictExample[];
}

/** How many conflicts a report names one by one. */
export const CONFLICT_EXAMPLES = 5;

/** The report as one line: how many, the first few with both lines, and the policy's effect. */
export function describeConflicts(name: string, r: ConflictReport): string {
  const first = r.examples.map((e) => `${name}:${e.firstLine} "${e.firstLabel}" vs ${name}:${e.line} "${e.label}"` +
    (r.policy === 'error' ? '' : e.kept === undefined ? ' (dropped)' : ` (kept "${e.kept}")`)).join('; ');
  const more = r.inputs > r.examples.length ? `; ${r.inputs - r.examples.length} more` : '';
  const what = `${r.inputs.toLocaleString('en-US')} input${r.inputs === 1 ? '' : 's'} given contradicting labels on ${r.rows.toLocaleString('en-US')} rows`;
  return r.policy === 'error'
    ? `${what}: ${first}${more}; choose a policy with --on-conflict first|last|majority|drop`
    : `${name}: ${what}, settled by --on-conflict ${r.policy}: ${first}${more}`;
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
  /** Rows read for each distinct input with the label it holds (majority counts them). */
  private hits: Uint32Array;
  /** Inputs given more than one label, in the order found: label → [rows, order first read, last row read]. */
  private readonly conflicts = new Map<number, { labels: Map<string, { count: number; order: number }>; last: string; example: ConflictExample }>();
  private conflictRows = 0;
  private labelColumn = 1;

  private readonly budget = memoryBudget();
  /** Bytes the distinct labels' text occupies (LABEL_OVERHEAD_BYTES each beside it). */
  private labelBytes = 0;

  constructor(
    private readonly name: string,
    private readonly dim: number,
    expectedRows = 1024,
    private readonly policy: ConflictPolicy = 'error',
  ) {
    const cap = Math.min(Math.max(16, expectedRows), Math.max(1, this.maxRows()));
    this.x = new Float64Array(cap * dim);
    this.y = new Uint32Array(cap);
    this.line = new Uint32Array(cap);
    this.hits = new Uint32Array(cap);
    this.set = new RowSet(this.x, dim, cap);
  }

  /** Add a row (an exact repeat merges); `labelColumn` is where the label sits, for the
   *  contradiction message. A contradiction is recorded, and settled by the policy in finish(). */
  add(values: ArrayLike<number>, label: string, line: number, labelColumn: number): void {
    if (this.n === this.y.length) this.grow(line);
    const base = this.n * this.dim;
    for (let k = 0; k < this.dim; k++) this.x[base + k] = values[k] + 0; // −0 → 0
    this.rows++;
    const prev = this.set.add(this.n);
    let cls = this.classIndex.get(label);
    if (prev >= 0) {
      const c = this.conflicts.get(prev);
      if (c !== undefined) {
        const seen = c.labels.get(label);
        if (seen) seen.count++;
        else c.labels.set(label, { count: 1, order: c.labels.size });
        c.last = label;
        this.conflictRows++;
        this.duplicates++;
        return;
      }
      if (cls !== this.y[prev]) {
        if (this.conflicts.size === 0) this.labelColumn = labelColumn;
        const held = this.classes[this.y[prev]];
        this.conflicts.set(prev, {
          labels: new Map([[held, { count: this.hits[prev], order: 0 }], [label, { count: 1, order: 1 }]]),
          last: label,
          example: { firstLine: this.line[prev], firstLabel: held, line, label },
        });
        this.conflictRows += this.hits[prev] + 1;
        this.duplicates++;
        return;
      }
      this.hits[prev]++;
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
    this.hits[this.n] = 1;
    this.n++;
  }

  /** Settle the contradictions by the policy (refuse them all in one report under `error`). */
  private settle(): { keep?: Uint8Array; report?: ConflictReport } {
    if (this.conflicts.size === 0) return {};
    const examples: ConflictExample[] = [];
    const keep = new Uint8Array(this.n).fill(1);
    for (const [i, c] of this.conflicts) {
      let label: string | undefined;
      if (this.policy === 'first') label = c.example.firstLabel;
      else if (this.policy === 'last') label = c.last;
      else if (this.policy === 'majority') {
        let best = -1;
        let bestOrder = Infinity;
        for (const [l, s] of c.labels) {
          if (s.count > best || (s.count === best && s.order < bestOrder)) [label, best, bestOrder] = [l, s.count, s.order];
        }
      }
      if (label === undefined) keep[i] = 0;
      else this.setLabel(i, label);
      if (examples.length < CONFLICT_EXAMPLES) examples.push({ ...c.example, ...(label === undefined ? {} : { kept: label }) });
    }
    const report: ConflictReport = { policy: this.policy, inputs: this.conflicts.size, rows: this.conflictRows, examples };
    if (this.policy === 'error') {
      const e = examples[0];
      throw new DataError(this.name, e.line, this.labelColumn,
        `label "${e.label}" contradicts label "${e.firstLabel}" given to the same input on line ${e.firstLine}; ${describeConflicts(this.name, report)}`);
    }
    return { keep: this.policy === 'drop' ? keep : undefined, report };
  }

  private setLabel(i: number, label: string): void {
    let cls = this.classIndex.get(label);
    if (cls === undefined) {
      cls = this.classes.length;
      this.classes.push(label);
      this.classIndex.set(label, cls);
    }
    this.y[i] = cls;
  }

  finish(extra: Pick<Dataset, 'scale' | 'domain' | 'droppedMissing'> = {}): Dataset {
    if (this.n === 0) throw new DatasetError(`${this.name}: no data rows`);
    const { keep, report } = this.settle();
    if (report !== undefined) {
      // Inputs dropped, or labels replaced: keep the rows left and the classes they use, in
      // order of first appearance among them.
      const idx: number[] = [];
      for (let i = 0; i < this.n; i++) if (keep === undefined || keep[i]) idx.push(i);
      if (idx.length === 0) throw new DatasetError(`${this.name}: no data rows left: ${describeConflicts(this.name, report)}`);
      const remap = new Map<number, number>();
      const classes: string[] = [];
      const x = new Float64Array(idx.length * this.dim);
      const y = new Uint32Array(idx.length);
      const line = new Uint32Array(idx.length);
      idx.forEach((i, j) => {
        let c = remap.get(this.y[i]);
        if (c === undefined) {
          c = classes.length;
          remap.set(this.y[i], c);
          classes.push(this.classes[this.y[i]]);
        }
        y[j] = c;
        line[j] = this.line[i];
        x.set(this.x.subarray(i * this.dim, (i + 1) * this.dim), j * this.dim);
      });
      return {
        name: this.name, dim: this.dim, rows: this.rows, duplicates: this.duplicates, n: idx.length,
        x, y, classes, line, conflicts: report, ...extra,
      };
    }
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
    const hits = new Uint32Array(cap);
    hits.set(this.hits);
    this.hits = hits;
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
