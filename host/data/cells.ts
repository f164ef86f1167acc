// Parsing one numeric cell the same way for CSV, JSON lines and eval inputs: decimal numbers
// only (no hex, no empty cells), finite, with an error that says what was wrong.

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;
/** An integer written as one (`12`, `-12`, `12.0`): its value is exact, or should be. */
const INTEGER = /^([+-]?\d+)(\.0*)?$/;

/** The number in `text`, or a reason it is not one. */
export function parseNumber(text: string): number | string {
  const t = text.trim();
  if (t === '') return 'empty cell where a number is expected';
  if (NON_FINITE.test(t)) return `"${t}" is not a finite number`;
  if (!DECIMAL.test(t)) return `"${t}" is not a number`;
  const v = Number(t);
  if (!Number.isFinite(v)) return `"${t}" is not a finite number`;
  return inexactInteger(t, v) ?? v;
}

/** Why the integer literal `text`, read as the double `v`, is refused: past 2^53 a double
 *  holds only some integers, and two that round to the same double would become one input
 *  (then reported, wrongly, as contradicting labels). undefined when `text` is not an integer
 *  literal or `v` is exact. */
export function inexactInteger(text: string, v: number): string | undefined {
  if (Math.abs(v) <= Number.MAX_SAFE_INTEGER) return undefined;
  const m = INTEGER.exec(text);
  if (!m || BigInt(m[1]) === BigInt(v)) return undefined;
  return `"${text}" is an integer beyond 2^53 that a double cannot hold exactly (it would read as ${BigInt(v)})`;
}

export function isNumeric(text: string): boolean {
  return typeof parseNumber(text) === 'number';
}
