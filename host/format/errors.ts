// Numbers in the engine, words in the host: every ErrorCode has one message here, and
// typed error classes carry the code with the offset, the bad value and the limit.

import { ErrorCode } from '../../assembly/format.js';
import { CondnetError } from '../errors.js';

/** One message per ErrorCode, in the enum's order (test/format-doc.test.ts checks it). */
export const ERROR_MESSAGES: ReadonlyArray<readonly [ErrorCode, string]> = [
  [ErrorCode.Ok, 'valid'],
  [ErrorCode.Truncated, 'blob is truncated'],
  [ErrorCode.BadMagic, 'not a condnet blob (bad magic)'],
  [ErrorCode.UnsupportedVersion, 'unsupported format version'],
  [ErrorCode.BadHeader, 'malformed header'],
  [ErrorCode.LengthMismatch, 'blob length does not match its header'],
  [ErrorCode.BadChecksum, 'checksum mismatch (the blob is corrupted)'],
  [ErrorCode.BadKind, 'not a network kind'],
  [ErrorCode.UnsupportedKind, 'a network kind of a later version (this reader does not run it)'],
  [ErrorCode.OverLimit, 'a count exceeds its limit'],
  [ErrorCode.BadSection, 'malformed section table or section'],
  [ErrorCode.UnsupportedSection, 'a structural section of a later version (this reader does not run it)'],
  [ErrorCode.MissingSection, 'a required section is missing'],
  [ErrorCode.BadDomain, 'input domain has a lower bound above its upper bound'],
  [ErrorCode.BadLabels, 'malformed class-label table'],
  [ErrorCode.BadWeight, 'a projection weight is zero, or a program weight or bias is zero or not minimal'],
  [ErrorCode.BadLeaf, 'a leaf names a class outside the label table, or a graph mask holds a state that does not exist'],
  [ErrorCode.BadDepth, 'a path is deeper than the header depth'],
  [ErrorCode.KeyRange, 'keys can exceed ±(2^53 − 1) over the declared domain'],
  [ErrorCode.BadNode, 'a tree or graph node names a missing coordinate, row or mask, is malformed, or breaks the preorder of forward links'],
  [ErrorCode.BadLayer, 'a dense layer header or the output mode is inconsistent'],
  [ErrorCode.BadInstruction, 'a program instruction is malformed or reads a register not yet written'],
  [ErrorCode.BadScratch, 'the declared scratch is smaller than the network needs'],
  [ErrorCode.NotValidated, 'no validated blob loaded'],
  [ErrorCode.OutOfMemory, 'region outside the engine memory'],
  [ErrorCode.InputOutOfDomain, 'input outside the declared domain'],
  [ErrorCode.OutputOutOfRange, 'the network computed a class index outside the label table'],
  [ErrorCode.InputLength, 'an input row does not hold the model\'s d values'],
];

const MESSAGE = new Map(ERROR_MESSAGES);

export function errorMessage(code: number): string {
  return MESSAGE.get(code) ?? `unknown error code ${code}`;
}

export interface BlobErrorDetail {
  /** Byte offset in the blob where the bad field is. */
  offset?: number;
  value?: number | bigint;
  limit?: number | bigint;
  /** What was being checked, e.g. "section 3 (Projection) element 7". */
  what?: string;
}

/** A blob failed validation; `code` is the ErrorCode every reader gives for it. */
export class BlobError extends CondnetError {
  constructor(
    readonly code: ErrorCode,
    readonly detail: BlobErrorDetail = {},
  ) {
    super(BlobError.describe(code, detail));
    this.name = 'BlobError';
  }

  /** The message names the fault only; a reader of one line needs to know it is the model's. */
  override get userMessage(): string {
    return `invalid model: ${this.message}`;
  }

  static describe(code: ErrorCode, d: BlobErrorDetail): string {
    const parts = [`${errorMessage(code)} (error ${code}`];
    if (d.what) parts.push(d.what);
    if (d.offset !== undefined) parts.push(`at byte ${d.offset}`);
    if (d.value !== undefined) parts.push(`value ${d.value}`);
    if (d.limit !== undefined) parts.push(`limit ${d.limit}`);
    return parts.join(', ') + ')';
  }

  static of(code: ErrorCode, detail: BlobErrorDetail = {}): BlobError {
    switch (code) {
      case ErrorCode.Truncated:
        return new TruncatedBlobError(code, detail);
      case ErrorCode.UnsupportedVersion:
      case ErrorCode.UnsupportedKind:
      case ErrorCode.UnsupportedSection:
        return new UnsupportedBlobError(code, detail);
      case ErrorCode.OverLimit:
      case ErrorCode.KeyRange:
        return new OverLimitBlobError(code, detail);
      default:
        return new MalformedBlobError(code, detail);
    }
  }
}

export class TruncatedBlobError extends BlobError {}
export class MalformedBlobError extends BlobError {}
export class UnsupportedBlobError extends BlobError {}
export class OverLimitBlobError extends BlobError {}

/** The packer refuses a value that does not fit its field instead of wrapping it. */
export class FieldRangeError extends CondnetError {
  constructor(field: string, value: number | bigint, lo: number | bigint, hi: number | bigint) {
    super(`cannot pack ${field} = ${value}: it must lie in ${lo}..${hi}`);
    this.name = 'FieldRangeError';
  }
}
