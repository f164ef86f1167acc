// docs/BENCHMARKS.md holds one section per bench script, each between its own markers, so a
// script rewrites its table without touching the others' (each says which command wrote it).

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../host/io/atomic-write.js';

export const BENCHMARKS_MD = fileURLToPath(new URL('../../docs/BENCHMARKS.md', import.meta.url));

/** Replace (or append) the section `id` of docs/BENCHMARKS.md with `body`. */
export function writeBenchmarkSection(id: string, body: string): void {
  const begin = `<!-- ${id}:begin -->`;
  const end = `<!-- ${id}:end -->`;
  const block = `${begin}\n${body.trim()}\n${end}`;
  const old = existsSync(BENCHMARKS_MD) ? readFileSync(BENCHMARKS_MD, 'utf8') : '# Benchmarks\n';
  const a = old.indexOf(begin);
  const b = old.indexOf(end);
  const next = a >= 0 && b > a ? old.slice(0, a) + block + old.slice(b + end.length) : `${old.trimEnd()}\n\n${block}\n`;
  writeFileAtomic(BENCHMARKS_MD, next);
}
