// Parsing one numeric cell the same way for CSV, JSON lines and eval inputs: decimal numbers
// only (no hex, no empty cells), finite, with an error that says what was wrong.

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;

/** The number in `text`, or a reason it is not one. */
export function parseNumber(text: string): number | string {
  const t = text.trim();
  if (t === '') return 'empty cell where a number is expected';
  if (NON_FINITE.test(t)) return `"${t}" is not a finite number`;
  if (!DECIMAL.test(t)) return `"${t}" is not a number`;
  const v = Number(t);
  if (!Number.isFinite(v)) return `"${t}" is not a finite number`;
  return v;
}

export function isNumeric(text: string): boolean {
  return typeof parseNumber(text) === 'number';
}
