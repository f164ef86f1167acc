// A load test of `serve` on loopback (issue 17): 1,000 concurrent GETs and 100 concurrent
// pulls while the served model is replaced atomically, again and again, by another thread.
// Every response must be a whole old or new model whose hash its header names, none may fail,
// every pull must leave one whole version on disk, and the server must stop on SIGTERM with
// exit 0. Requests per second and latencies are printed; `npm run bench:serve` measures more
// waves and writes docs/BENCHMARKS.md.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serveLoad } from '../bench/serve-load.js';
import { buildFrom } from './helpers.js';

test('load: 1,000 concurrent GETs and 100 concurrent pulls while the model is replaced atomically', async () => {
  const versions = [
    buildFrom('synthetic:n=50,d=3,labels=3,seed=1', { construction: 'tree' }).blob,
    buildFrom('synthetic:n=80,d=3,labels=4,seed=2', { construction: 'tree' }).blob,
    buildFrom('synthetic:n=2000,d=8,labels=10,seed=3', { construction: 'search' }).blob,
  ];
  const r = await serveLoad({ gets: 1000, pulls: 100, waves: 2, replaceEveryMs: 20, versions });
  console.log(`${r.gets} GETs: ${r.rps.toFixed(0)} requests/s, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms, max ${r.maxMs.toFixed(1)} ms; ` +
    `${r.pulls} pulls, p99 ${r.pullP99Ms.toFixed(1)} ms; ${r.replacements} replacements, ${r.versionsSeen} versions seen; ${r.seconds.toFixed(1)} s`);
  assert.equal(r.gets, 2000);
  assert.deepEqual(r.getFailures, [], 'every GET answered a whole version');
  assert.deepEqual(r.pullFailures, [], 'every pull took a whole version');
  assert.ok(r.replacements >= 3, `the model was replaced ${r.replacements} times during the load`);
  assert.ok(r.versionsSeen >= 2, 'the answers saw the model change');
  assert.equal(r.serverExit, 0, 'the server stopped gracefully on SIGTERM');
});
