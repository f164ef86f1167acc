// The split score shared by `tree` and `synth` (host/construct/split-score.ts): the incremental
// scan gives n_A·(H_A + β·log₂ n_A) + n_B·(H_B + β·log₂ n_B); a scan and a set leave nothing
// behind; and one β limit, with one `--beta` parser, for the builders and both commands.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { QuantMode } from '../assembly/format.js';
import { parseBeta } from '../host/cli/beta.js';
import { CliError } from '../host/cli/errors.js';
import { checkBeta, MAX_BETA, SplitScorer } from '../host/construct/split-score.js';
import { buildTree } from '../host/construct/tree.js';
import { Prng } from '../host/data/prng.js';
import { chooseQuantization, inputDomain, quantize } from '../host/data/quantize.js';
import { loadDataset } from '../host/data/source.js';
import type { DenseNetwork } from '../host/network.js';
import { synthesize } from '../host/synth/synthesize.js';

/** The score from its definition: entropies in bits, computed directly. */
function directScore(labels: Int32Array, points: number[], movedCount: number, beta: number): number {
  const side = (ps: number[]) => {
    if (ps.length === 0) return 0;
    const counts = new Map<number, number>();
    for (const p of ps) counts.set(labels[p], (counts.get(labels[p]) ?? 0) + 1);
    let h = 0;
    for (const c of counts.values()) h -= (c / ps.length) * Math.log2(c / ps.length);
    return ps.length * (h + beta * Math.log2(ps.length));
  };
  return side(points.slice(0, movedCount)) + side(points.slice(movedCount));
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

test('a scan scores every cut as n_A·(H_A + β·log₂ n_A) + n_B·(H_B + β·log₂ n_B), and leaves nothing behind', () => {
  const rng = new Prng(13);
  const n = 200;
  const classes = 7;
  for (const beta of [0, 0.35, 1, MAX_BETA]) {
    const scorer = new SplitScorer(n, classes, beta);
    const labels = Int32Array.from({ length: n }, () => rng.below(classes));
    for (let t = 0; t < 5; t++) {
      // A set of some of the points, in a random order, at an offset in a larger index array.
      const size = 2 + rng.below(n - 1);
      const order = Int32Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = rng.below(i + 1);
        [order[i], order[j]] = [order[j], order[i]];
      }
      const from = rng.below(n - size + 1);
      const set = Array.from(order.subarray(from, from + size));
      scorer.countSet(labels, order, from, from + size);
      const scores: number[] = [];
      for (let pass = 0; pass < 2; pass++) {
        scorer.beginScan();
        for (let i = 0; i < size; i++) {
          scorer.move(labels[set[i]]);
          const got = scorer.score(size, i + 1, scorer.movedSum, scorer.restSum);
          assert.ok(close(got, directScore(labels, set, i + 1, beta)), `β ${beta}, cut ${i + 1} of ${size}`);
          if (pass === 0) scores.push(got);
          else assert.equal(got, scores[i], 'a second scan of the set scores exactly as the first');
        }
        assert.ok(close(scorer.restSum, 0), 'every point moved: side B is empty (up to rounding)');
        scorer.endScan(labels, order, from, from + size);
      }
      scorer.clearSet(labels, order, from, from + size);
      // A fresh scorer on the same set gives the same bits: the cleared one kept no counts.
      const fresh = new SplitScorer(n, classes, beta);
      fresh.countSet(labels, order, from, from + size);
      scorer.countSet(labels, order, from, from + size);
      assert.equal(scorer.total, fresh.total);
      scorer.clearSet(labels, order, from, from + size);
    }
  }
});

test('one β limit: the builders throw a RangeError naming themselves, the commands exit 2', () => {
  for (const beta of [0, 0.35, MAX_BETA]) assert.equal(checkBeta(beta, 'x'), beta);
  for (const beta of [-0.1, MAX_BETA + 0.5, NaN, Infinity]) {
    assert.throws(() => checkBeta(beta, 'x'), { name: 'RangeError', message: `x: β must lie in 0 … ${MAX_BETA}, got ${beta}` });
  }

  const ds = loadDataset('synthetic:n=50,d=3,labels=3,seed=1');
  const quant = chooseQuantization(ds);
  const xq = quantize(ds, quant);
  assert.throws(() => buildTree(ds, xq, quant, inputDomain(ds, xq), { beta: 17 }), { name: 'RangeError', message: /^tree: β must lie in 0 … 16/ });
  const net: DenseNetwork = {
    kind: 'dense', dim: 1, classes: ['a', 'b'], quant: { mode: QuantMode.FracBits, param: 0 },
    domain: { lo: Int32Array.of(0), hi: Int32Array.of(9) }, output: 'argmax', maxDepth: 0, pairs: 0,
    layers: [{ inputs: 1, outputs: 2, relu: false, sharedRow: false, weights: Int32Array.of(1, -1), biases: BigInt64Array.of(0n, 0n) }],
  };
  assert.throws(() => synthesize(net, Int32Array.of(1, 2), 2, { leaves: 'constant', beta: -1 }), { name: 'RangeError', message: /^synth: β must lie in 0 … 16/ });

  for (const v of ['0', '0.35', ' 2 ', '16']) assert.equal(parseBeta(v), Number(v));
  for (const v of ['', ' ', 'x', '-0.1', '16.5', '1e308', 'NaN']) {
    assert.throws(() => parseBeta(v), (e: unknown) => e instanceof CliError && e.exitCode === 2
      && e.message === `--beta must be a number from 0 to ${MAX_BETA}, got "${v}"`, JSON.stringify(v));
  }
  // Both commands take it, and refuse before reading anything.
  const cli = new URL('../host/cli/main.js', import.meta.url).pathname;
  for (const args of [['build', 'line-alternating:n=10', '-c', 'tree'], ['synth', 'no-such-network.json', 'line-alternating:n=10']]) {
    const r = spawnSync(process.execPath, [cli, ...args, '--beta', '17', '-o', 'never.cnb'], { encoding: 'utf8', cwd: tmpdir() });
    assert.equal(r.status, 2, args[0]);
    assert.equal(r.stderr, 'condnet: --beta must be a number from 0 to 16, got "17"\n', args[0]);
  }
});
