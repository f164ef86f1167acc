// How a table is read, in one place (docs/TABLES.md): its format and delimiter, the header rule,
// which column is the label and which are features, how contradicting labels and missing values
// are settled. Every reader (CSV, TSV, JSON, JSON lines; datasets and eval's rows) takes these,
// and the CLI's flags (host/cli/table-options.ts) fill them the same way on every command.

import type { ConflictPolicy } from './dataset.js';
import type { TableColumn } from '../format/table-section.js';

export const TABLE_FORMATS = ['csv', 'tsv', 'json', 'jsonl'] as const;
export type TableFormat = (typeof TABLE_FORMATS)[number];

/** A missing feature value (an empty cell, NA, null…): refused, its row left out, or read as a number. */
export type MissingPolicy = { kind: 'error' } | { kind: 'drop' } | { kind: 'value'; value: number };

/** Cell texts read as a missing value (besides JSON null and an absent key), after trimming. */
export const MISSING_TOKENS = ['', 'NA', 'N/A', 'na', 'n/a', 'null', 'NULL', 'None', '?'];

export interface TableOptions {
  /** true: the first row is a header; false: it is data; undefined: decide by the rule. */
  header?: boolean;
  /** Told what was decided for the user (the header rule, the format read, conflicts settled). */
  notice?: (message: string) => void;
  /** The format, else recognised by content, then extension (docs/TABLES.md, "Formats"). */
  format?: TableFormat;
  /** The delimiter of a delimited table (one character), else sniffed from its first line. */
  delimiter?: string;
  /** The label column: a header name or a 1-based index (default: the last column). */
  label?: string;
  /** The feature columns: names, 1-based indexes and ranges `a-b` (default: every other column). */
  features?: string;
  /** Columns that are neither features nor the label. */
  ignore?: string;
  /** Feature columns read as categories even where they look like numbers. */
  categorical?: string;
  onConflict?: ConflictPolicy;
  missing?: MissingPolicy;
  /** Read against a model: its feature columns (Table section), so categories and dates are
   *  coded as in training; an unseen category reads as one past the last code. */
  columns?: TableColumn[];
  /** Read against a model whose features have names: the columns are chosen by them when the
   *  table has a header holding them all (unless --features says otherwise). */
  featureNames?: string[];
  /** Read against a model: the label column's name in its training table. */
  labelName?: string;
}

/** Whether a cell's text means "no value". */
export function isMissing(cell: string | null | undefined): boolean {
  return cell === null || cell === undefined || MISSING_TOKENS.includes(cell.trim());
}
