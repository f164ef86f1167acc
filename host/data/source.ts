// Dataset specs, as the CLI and the library take them: `mnist:N`,
// `synthetic:n=…,d=…,labels=…,seed=…`, `line-alternating:n=…`, or a file path
// (a table: CSV, TSV, a JSON array or JSON lines, recognised as table.ts says; `-`: standard input); any of them followed by a slice `[a:b]`
// of its distinct inputs (`mnist:10000[0:8000]`, `data.csv[100:]`).

import { sliceDataset, type Dataset } from './dataset.js';
import { DatasetError } from './errors.js';
import { lineAlternating } from './line-alternating.js';
import { loadMnist } from './mnist.js';
import { descriptorChunks, fileChunks } from './read.js';
import { parseTableDataset } from './table.js';
import type { TableOptions } from './table-options.js';
import { generateSynthetic, type SyntheticSpec } from './synthetic.js';

function params(spec: string, body: string, allowed: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of body.split(',').filter((p) => p.length > 0)) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    if (eq < 0 || !allowed.includes(key)) {
      throw new DatasetError(`${spec}: expected ${allowed.map((a) => `${a}=…`).join(',')}, got "${part}"`);
    }
    m.set(key, part.slice(eq + 1));
  }
  return m;
}

function int(spec: string, key: string, text: string | undefined, fallback?: number): number {
  if (text === undefined) {
    if (fallback === undefined) throw new DatasetError(`${spec}: missing ${key}=…`);
    return fallback;
  }
  if (!/^\d+$/.test(text)) throw new DatasetError(`${spec}: ${key} must be a non-negative integer, got "${text}"`);
  return Number(text);
}

export function parseSyntheticSpec(spec: string): SyntheticSpec {
  const p = params(spec, spec.slice('synthetic:'.length), ['n', 'd', 'labels', 'seed']);
  const labels = p.get('labels') ?? 'distinct';
  return {
    n: int(spec, 'n', p.get('n')),
    d: int(spec, 'd', p.get('d'), 16),
    labels: labels === 'distinct' ? 'distinct' : int(spec, 'labels', labels),
    seed: int(spec, 'seed', p.get('seed'), 1),
  };
}

/** A trailing `[a:b]` on any spec: the distinct inputs a ≤ i < b (a defaults to 0, b to n).
 *  Brackets holding anything else are part of the spec (a file may be named `data[old]`). */
const SLICE = /\[\s*(\d*)\s*:\s*(\d*)\s*\]$/;

export function loadDataset(spec: string, opts: TableOptions = {}): Dataset {
  const m = SLICE.exec(spec);
  if (m) {
    const whole = loadWhole(spec.slice(0, m.index), opts);
    const a = m[1] === '' ? 0 : Number(m[1]);
    const b = m[2] === '' ? whole.n : Number(m[2]);
    return sliceDataset(whole, a, b, spec);
  }
  return loadWhole(spec, opts);
}

function loadWhole(spec: string, opts: TableOptions): Dataset {
  if (spec.startsWith('mnist:')) return loadMnist(int(spec, 'N', spec.slice('mnist:'.length)));
  if (spec.startsWith('synthetic:')) return generateSynthetic(parseSyntheticSpec(spec));
  if (spec.startsWith('line-alternating:')) {
    const p = params(spec, spec.slice('line-alternating:'.length), ['n']);
    return lineAlternating(int(spec, 'n', p.get('n')));
  }
  // Read as it is parsed (read.ts): memory holds the rows kept and the line being read, and
  // the bounds of limits.ts stop a file, a pipe or a device at the line that passes them.
  // `-` is standard input (its format recognised by content).
  const fail = (e: NodeJS.ErrnoException) => new DatasetError(`cannot read dataset ${spec}: ${e.code ?? e.message}`);
  if (spec === '-') return parseTableDataset(descriptorChunks(0, fail), '<stdin>', opts);
  return parseTableDataset(fileChunks(spec, fail), spec, opts);
}
