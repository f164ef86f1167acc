// Deterministic budgets, written down and checked (timings live in bench/, not here).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINE_BUDGET_BYTES, engineBytes } from '../host/engine/engine.js';
import { buildFrom } from './helpers.js';

const ENGINE_BUDGET = ENGINE_BUDGET_BYTES;

test(`release engine is at most ${ENGINE_BUDGET} bytes and imports nothing`, () => {
  const bytes = engineBytes('release');
  assert.ok(bytes.length <= ENGINE_BUDGET, `release engine is ${bytes.length} bytes`);
  const mod = new WebAssembly.Module(bytes);
  assert.deepEqual(WebAssembly.Module.imports(mod), []);
  assert.deepEqual(WebAssembly.Module.exports(mod).map((e) => e.name).sort(),
    ['evaluate', 'evaluateBatch', 'heapBase', 'memory', 'validate']);
});

test('counting engine adds only the counter export', () => {
  const mod = new WebAssembly.Module(engineBytes('counting'));
  assert.deepEqual(WebAssembly.Module.imports(mod), []);
  assert.ok(WebAssembly.Module.exports(mod).some((e) => e.name === 'counter'));
});

test('blob bytes: MNIST-10k search stays within its budget', () => {
  // 64 header + 5×16 table + one shared domain pair + labels + 784×2 weights (i16: a narrow
  // draw) + 9,999×8 keys + 10,000 leaves
  const { blob } = buildFrom('mnist:10000');
  assert.equal(blob.length, 64 + 80 + 8 + 56 + 1568 + 79992 + 10000);
});
