// The Table section (optional section 32, docs/FORMAT.md): what a model needs to read a raw
// table row that the engine does not: the feature columns' names and types, the dictionaries
// of categorical columns, the label column's name, how missing values were read, and a
// scale-down applied before the header's quantization. UTF-8 JSON; every engine skips it (it
// is optional), the host reads it to match columns by name and code categories and dates.

import { SectionId } from '../../assembly/format.js';
import type { SectionInfo } from './reader.js';
import type { Section } from './section.js';
import { CondnetError } from '../errors.js';

export const TABLE_SECTION_ID = 32 as SectionId;

/** How a feature column's cells become numbers: as written, a category's index in its
 *  dictionary, or a date's seconds since 1970-01-01T00:00:00Z. */
export type ColumnType = 'number' | 'category' | 'date';

export interface TableColumn {
  /** The header name (absent without a header). */
  name?: string;
  type: ColumnType;
  /** category: the texts of codes 0, 1, …, in order of first appearance. */
  categories?: string[];
}

export interface TableMetadata {
  /** The payload's version: 1. */
  version: 1;
  features: TableColumn[];
  label?: string;
  /** The value a missing feature was read as (--missing <value>), if any. */
  missing?: number;
  /** Raw values were divided by 2^inputShift before the header's quantization (values past
   *  2^31: docs/TABLES.md, "Scale"); 0 or absent: none. */
  inputShift?: number;
  /** An unseen input outside the domain: "clamp" brings each coordinate into it before the
   *  engine runs (host: eval, verify); absent or "refuse": refused, as the engine does. */
  outside?: 'clamp' | 'refuse';
}

export function tableSection(meta: TableMetadata): Section {
  const payload = new TextEncoder().encode(JSON.stringify(meta));
  return { id: TABLE_SECTION_ID, elemBytes: 1, count: payload.length, payload };
}

/** The Table section of an opened blob, or undefined when it has none (older blobs, built
 *  from generators). A section that is not the JSON it should be is an error naming it. */
export function tableMetadata(model: { blob: Uint8Array; sections: SectionInfo[] }): TableMetadata | undefined {
  const s = model.sections.find((x) => x.id === TABLE_SECTION_ID);
  if (s === undefined) return undefined;
  let meta: unknown;
  try {
    meta = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(model.blob.subarray(s.offset, s.offset + s.bytes)));
  } catch (e) {
    throw new CondnetError(`invalid model: its Table section (optional section ${TABLE_SECTION_ID}) is not UTF-8 JSON (${(e as Error).message})`);
  }
  const m = meta as Partial<TableMetadata>;
  if (typeof m !== 'object' || m === null || m.version !== 1 || !Array.isArray(m.features) ||
    !m.features.every((f) => typeof f === 'object' && f !== null && ['number', 'category', 'date'].includes(f.type) &&
      (f.type !== 'category' || (Array.isArray(f.categories) && f.categories.every((c) => typeof c === 'string'))))) {
    throw new CondnetError(`invalid model: its Table section (optional section ${TABLE_SECTION_ID}) is not a version-1 table description`);
  }
  return m as TableMetadata;
}
