// What a kind's writer hands to the one blob writer (host/format/writer.ts): its sections, each
// a payload with the element size and count the section table records. And the range check
// every field goes through: a value that does not fit its width is refused, never wrapped.

import { SECTION_ALIGN, type SectionId } from '../../assembly/format.js';
import { FieldRangeError } from './errors.js';

export interface Section {
  id: SectionId;
  elemBytes: number;
  count: number;
  payload: Uint8Array;
}

export const U32_MAX = 0xffffffff;
export const I64_MIN = -(1n << 63n);
export const I64_MAX = (1n << 63n) - 1n;

/** `v` when it is an integer in lo … hi, else FieldRangeError naming the field. */
export function check(field: string, v: number, lo: number, hi: number): number {
  if (!Number.isInteger(v) || v < lo || v > hi) throw new FieldRangeError(field, v, lo, hi);
  return v;
}

/** The next multiple of SECTION_ALIGN: sections start there, and dense weights are padded to it. */
export const align = (x: number) => Math.ceil(x / SECTION_ALIGN) * SECTION_ALIGN;
