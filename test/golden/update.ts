// Writes test/golden/<case>.cnb and <case>.json from cases.ts. Goldens change only when a
// person means it: this refuses to run without --update.
//   npm run build && node dist/test/golden/update.js --update

import { writeFileSync } from 'node:fs';
import { GOLDEN_CASES } from './cases.js';
import { writeBlob } from '../../host/format/writer.js';
import { goldenDir } from './paths.js';

if (!process.argv.includes('--update')) {
  console.error('refusing to rewrite the golden blobs without --update');
  process.exit(2);
}
for (const c of GOLDEN_CASES) {
  const dir = goldenDir();
  writeFileSync(`${dir}/${c.name}.cnb`, writeBlob(c.network));
  writeFileSync(`${dir}/${c.name}.json`, JSON.stringify({
    name: c.name,
    explanation: c.explanation,
    dim: c.network.dim,
    classes: c.network.classes,
    inputs: c.inputs,
    outputs: c.outputs,
    counts: c.counts,
  }, null, 1) + '\n');
  console.log(`wrote ${dir}/${c.name}.cnb and .json`);
}
