// JSON-lines datasets (DESIGN §8): one {"x": [numbers], "y": label} object per line. A string
// label is its text; any other JSON value is labelled by its JSON text. Columns point at the
// character where the problem starts.

import { parse as parseTolerant, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { DatasetBuilder, type Dataset } from './dataset.js';
import { DataError } from './errors.js';

export function parseJsonlDataset(text: string, name: string): Dataset {
  const lines = text.split('\n');
  let b: DatasetBuilder | undefined;
  let dim = 0;
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    const src = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (src.trim() === '') return;
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
      dim = x.length;
      b = new DatasetBuilder(name, dim, lines.length);
    }
    if (x.length !== dim) throw new DataError(name, lineNo, col('x'), `ragged row: expected ${dim} features, found ${x.length}`);
    x.forEach((v, k) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new DataError(name, lineNo, col('x'), `x[${k}] = ${JSON.stringify(v)} is not a finite number`);
      }
    });
    b.add(x as number[], typeof y === 'string' ? y : JSON.stringify(y), lineNo, col('y'));
  });
  if (b === undefined) return new DatasetBuilder(name, 1).finish(); // throws: no data rows
  return b.finish();
}
