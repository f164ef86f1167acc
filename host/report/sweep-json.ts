// The sweep a report draws: the JSON `condnet sweep --json` prints (host/measure/sweep.ts,
// SweepReport). A report reads only part of it, but checks every field it reads, so a wrong
// file fails with the path of the first field that is missing or of the wrong type.

import { CondnetError } from '../errors.js';
import type { SweepReport } from '../measure/sweep.js';

export class SweepShapeError extends CondnetError {
  constructor(message: string) {
    super(message);
    this.name = 'SweepShapeError';
  }
}

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parse and check `condnet sweep --json` output; `file` names it in errors. */
export function parseSweepJson(text: string, file: string): SweepReport {
  let data: Json;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new SweepShapeError(`${file}: not JSON (${(e as Error).message}); give the output of "condnet sweep --json"`);
  }
  const bad = (path: string, want: string): never => {
    throw new SweepShapeError(`${file}: not the JSON of "condnet sweep --json": ${path} should be ${want}`);
  };
  const num = (v: Json, path: string, positive = false): number => {
    if (typeof v !== 'number' || !Number.isFinite(v) || (positive ? v <= 0 : v < 0)) bad(path, positive ? 'a number above 0' : 'a number ≥ 0');
    return v as number;
  };
  const obj = (v: Json, path: string): Record<string, Json> => (isObject(v) ? v : bad(path, 'an object'));
  const arr = (v: Json, path: string): Json[] => (Array.isArray(v) ? v : bad(path, 'an array'));

  const top = obj(data, '(the top level)');
  const cons = obj(top.constructions, 'constructions');
  const names = Object.keys(cons);
  if (names.length === 0) bad('constructions', 'an object with at least one construction');
  for (const name of names) {
    const at = `constructions[${JSON.stringify(name)}]`;
    const entry = obj(cons[name], at);
    const rows = arr(entry.rows, `${at}.rows`);
    if (rows.length === 0) bad(`${at}.rows`, 'a non-empty array');
    rows.forEach((r, i) => {
      const rp = `${at}.rows[${i}]`;
      const row = obj(r, rp);
      num(row.n, `${rp}.n`, true);
      const ops = obj(row.ops, `${rp}.ops`);
      for (const k of ['mul', 'add', 'cmp', 'total']) {
        const s = obj(ops[k], `${rp}.ops.${k}`);
        for (const f of ['min', 'mean', 'max']) num(s[f], `${rp}.ops.${k}.${f}`);
      }
    });
    const slope = obj(entry.slope, `${at}.slope`);
    for (const f of ['max', 'mean']) {
      if (typeof slope[f] !== 'number') bad(`${at}.slope.${f}`, 'a number');
    }
    // Older sweeps may lack the line-alternating rows; those that have them are checked.
    if (entry.lineAlternating !== undefined) {
      arr(entry.lineAlternating, `${at}.lineAlternating`).forEach((r, i) => {
        const rp = `${at}.lineAlternating[${i}]`;
        const row = obj(r, rp);
        num(row.n, `${rp}.n`, true);
        num(row.cmpMax, `${rp}.cmpMax`);
        num(row.bound, `${rp}.bound`);
      });
    } else entry.lineAlternating = [];
  }
  if (top.ratios === undefined) top.ratios = {};
  else obj(top.ratios, 'ratios');
  return top as unknown as SweepReport;
}
