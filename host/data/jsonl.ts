// JSON-lines datasets (DESIGN §8): one {"x": [numbers], "y": label} object per line. A string
// label is its text; any other JSON value is labelled by its JSON text. Columns point at the
// character where the problem starts. Input is read a chunk at a time (read.ts), one line held
// at a time under the bounds of limits.ts.

import { parse as parseTolerant, printParseErrorCode, visit, type ParseError } from 'jsonc-parser';
import { inexactInteger } from './cells.js';
import { DatasetBuilder, type ConflictPolicy, type Dataset } from './dataset.js';
import { DataError } from './errors.js';
import { lineTooLong, MAX_FEATURES, maxLineBytes, memoryBudget, tooManyFeatures } from './limits.js';
import { chunksOf, type TextInput } from './read.js';

const LF = 0x0a;

/** The lines of the input (split at LF, as text), each refused once it passes maxLineBytes. */
export function* readLines(input: TextInput, name: string): Generator<{ text: string; line: number }> {
  const budget = memoryBudget();
  const limit = maxLineBytes(budget);
  let pending: Buffer[] = [];
  let bytes = 0;
  let line = 1;
  const take = (tail: Buffer): string => {
    const text = (pending.length === 0 ? tail : Buffer.concat([...pending, tail])).toString('utf8');
    pending = [];
    bytes = 0;
    return text;
  };
  for (const chunk of chunksOf(input)) {
    let at = 0;
    for (let lf = chunk.indexOf(LF); lf >= 0; lf = chunk.indexOf(LF, at)) {
      if (bytes + lf - at > limit) throw lineTooLong(name, line, limit + 1, budget);
      yield { text: take(chunk.subarray(at, lf)), line: line++ };
      at = lf + 1;
    }
    if (at < chunk.length) {
      pending.push(chunk.subarray(at));
      bytes += chunk.length - at;
      if (bytes > limit) throw lineTooLong(name, line, limit + 1, budget);
    }
  }
  yield { text: take(Buffer.alloc(0)), line };
}

/** The source text of the number literal at `path` in the JSON of `src` (a value that rounds
 *  to a double past 2^53 is checked against what was written). */
function literalAt(src: string, path: (string | number)[]): { text: string; column: number } | undefined {
  let found: { text: string; column: number } | undefined;
  visit(src, {
    onLiteralValue: (_v, offset, length, _l, _c, where) => {
      const p = where();
      if (found === undefined && p.length === path.length && p.every((k, i) => k === path[i])) found = { text: src.slice(offset, offset + length), column: offset + 1 };
    },
  });
  return found;
}

function checkExact(name: string, line: number, src: string, v: unknown, path: (string | number)[], fallbackColumn: number): void {
  if (typeof v !== 'number' || Math.abs(v) <= Number.MAX_SAFE_INTEGER || !Number.isInteger(v)) return;
  const lit = literalAt(src, path);
  const why = lit && inexactInteger(lit.text, v);
  if (why) throw new DataError(name, line, lit?.column ?? fallbackColumn, why);
}

export function parseJsonlDataset(input: TextInput, name: string, onConflict: ConflictPolicy = 'error'): Dataset {
  let b: DatasetBuilder | undefined;
  let dim = 0;
  for (const { text: raw, line: lineNo } of readLines(input, name)) {
    const src = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (src.trim() === '') continue;
    let obj: unknown;
    try {
      obj = JSON.parse(src);
    } catch (e) {
      // V8's message carries no position; a strict pass of jsonc-parser finds the offset.
      const errors: ParseError[] = [];
      parseTolerant(src, errors, { disallowComments: true, allowTrailingComma: false });
      const first = errors[0];
      throw new DataError(name, lineNo, first ? first.offset + 1 : 1,
        `invalid JSON (${first ? printParseErrorCode(first.error) : (e as Error).message})`);
    }
    const col = (key: string) => Math.max(1, src.indexOf(`"${key}"`) + 1);
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      throw new DataError(name, lineNo, 1, 'expected an object {"x": [numbers], "y": label}');
    }
    const { x, y } = obj as { x?: unknown; y?: unknown };
    if (!Array.isArray(x) || x.length === 0) throw new DataError(name, lineNo, col('x'), '"x" must be a non-empty array of numbers');
    if (y === undefined) throw new DataError(name, lineNo, 1, 'missing "y" (the label)');
    if (b === undefined) {
      if (x.length > MAX_FEATURES) throw tooManyFeatures(name, lineNo, col('x'), x.length);
      dim = x.length;
      b = new DatasetBuilder(name, dim, 1024, onConflict);
    }
    if (x.length !== dim) throw new DataError(name, lineNo, col('x'), `ragged row: expected ${dim} features, found ${x.length}`);
    x.forEach((v, k) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new DataError(name, lineNo, col('x'), `x[${k}] = ${JSON.stringify(v)} is not a finite number`);
      }
      checkExact(name, lineNo, src, v, ['x', k], col('x'));
    });
    checkExact(name, lineNo, src, y, ['y'], col('y'));
    b.add(x as number[], typeof y === 'string' ? y : JSON.stringify(y), lineNo, col('y'));
  }
  if (b === undefined) return new DatasetBuilder(name, 1).finish(); // throws: no data rows
  return b.finish();
}
