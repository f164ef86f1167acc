// Turns one golden case (test/golden/<name>.json) into two plain-text files the
// C harness and run.sh can read without a JSON parser:
//   <out>.in        "dim count", then one line of `dim` integers per input
//   <out>.expected  evaluate()'s expected result per input, one per line
// usage: node golden-to-text.mjs CASE.json OUT_PREFIX
// Any malformed case is an error (non-zero exit), never silently skipped.

import { readFileSync, writeFileSync } from 'node:fs';

const [jsonPath, out] = process.argv.slice(2);
if (!jsonPath || !out) {
  console.error('usage: node golden-to-text.mjs CASE.json OUT_PREFIX');
  process.exit(2);
}

function fail(msg) {
  console.error(`golden-to-text: ${jsonPath}: ${msg}`);
  process.exit(1);
}

const isI32 = (v) => Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31;

let c;
try {
  c = JSON.parse(readFileSync(jsonPath, 'utf8'));
} catch (e) {
  fail(e.message);
}
const { dim, inputs, outputs } = c;
if (!Number.isInteger(dim) || dim <= 0) fail('"dim" must be a positive integer');
if (!Array.isArray(inputs) || !Array.isArray(outputs)) fail('"inputs" and "outputs" must be arrays');
if (inputs.length !== outputs.length) fail(`${inputs.length} inputs but ${outputs.length} outputs`);
inputs.forEach((x, i) => {
  if (!Array.isArray(x) || x.length !== dim || !x.every(isI32)) fail(`inputs[${i}] is not ${dim} i32 values`);
});
outputs.forEach((y, i) => {
  if (!isI32(y)) fail(`outputs[${i}] is not an i32`);
});

writeFileSync(`${out}.in`, [`${dim} ${inputs.length}`, ...inputs.map((x) => x.join(' '))].join('\n') + '\n');
writeFileSync(`${out}.expected`, outputs.map((y) => `${y}\n`).join(''));
// <out>.expected-counts: the counting build's line per input, "result mul add cmp wordOps loads".
const { counts } = c;
if (!Array.isArray(counts) || counts.length !== outputs.length) fail('"counts" must hold one entry per input');
const fields = ['mul', 'add', 'cmp', 'wordOps', 'loads'];
counts.forEach((k, i) => {
  if (!fields.every((f) => Number.isInteger(k?.[f]) && k[f] >= 0)) fail(`counts[${i}] needs non-negative integers ${fields.join(', ')}`);
});
writeFileSync(`${out}.expected-counts`, outputs.map((y, i) => `${[y, ...fields.map((f) => counts[i][f])].join(' ')}\n`).join(''));
