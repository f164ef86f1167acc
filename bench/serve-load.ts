// A load on `condnet serve` over loopback, shared by test/serve-load.test.ts and
// bench/serve.ts: the CLI serves a folder from a child process; this process sends waves of
// concurrent GETs (each on a connection of its own) and concurrent pulls, while a worker thread
// replaces the served model atomically (writeFileAtomic: temporary file, fsync, rename) again
// and again. Every answer is checked: HTTP 200, the body's SHA-256 equal to the header's and
// to one of the versions; every pull must end with one whole version on disk.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { pullModel } from '../host/net/pull.js';
import { sha256, SHA256_HEADER } from '../host/net/serve.js';

export interface LoadOptions {
  /** Concurrent GETs per wave. */
  gets: number;
  /** Concurrent pulls per wave. */
  pulls: number;
  waves: number;
  /** The worker replaces the model this often (each replacement also fsyncs). */
  replaceEveryMs: number;
  versions: Uint8Array[];
}

export interface LoadResult {
  gets: number;
  /** Every GET that did not answer 200 with a whole version whose hash its header names. */
  getFailures: string[];
  /** GETs per second over the waves' wall time. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  pulls: number;
  pullFailures: string[];
  pullP99Ms: number;
  /** Atomic replacements of the served model while the waves ran. */
  replacements: number;
  /** Versions seen among the GET answers. */
  versionsSeen: number;
  seconds: number;
  /** The server's exit code after SIGTERM (0: it stopped gracefully). */
  serverExit: number | null;
}

const cli = new URL('../host/cli/main.js', import.meta.url).pathname;
const atomicWrite = new URL('../host/io/atomic-write.js', import.meta.url).href;

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** One GET on a connection of its own: its latency, and why it failed if it did. */
function getOnce(url: string, hashes: Set<string>): Promise<{ ms: number; hash?: string; failure?: string }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = request(url, { agent: false, signal: AbortSignal.timeout(60_000) }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('error', (e) => resolve({ ms: performance.now() - t0, failure: `body: ${e.message}` }));
      res.on('end', () => {
        const ms = performance.now() - t0;
        const body = Buffer.concat(parts);
        const hash = sha256(body);
        if (res.statusCode !== 200) return resolve({ ms, failure: `HTTP ${res.statusCode}: ${body.toString().trim()}` });
        if (res.headers[SHA256_HEADER] !== hash) return resolve({ ms, failure: 'the body does not hash to its header' });
        if (!hashes.has(hash)) return resolve({ ms, failure: 'the body is none of the versions' });
        resolve({ ms, hash });
      });
    });
    req.on('error', (e) => resolve({ ms: performance.now() - t0, failure: `request: ${e.message}` }));
    req.end();
  });
}

export async function serveLoad(opts: LoadOptions): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'condnet-load-'));
  const served = join(dir, 'served');
  const local = join(dir, 'local');
  mkdirSync(served);
  mkdirSync(local);
  const model = join(served, 'm.cnb');
  writeFileSync(model, opts.versions[0]);
  const hashes = new Set(opts.versions.map(sha256));

  const server = spawn(process.execPath, [cli, 'serve', served, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((r) => server.once('exit', (code) => r(code)));
  let serverErr = '';
  server.stderr.setEncoding('utf8').on('data', (d: string) => (serverErr += d));
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`serve did not start: ${serverErr}`)), 30_000);
    server.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /at (http:\/\/127\.0\.0\.1:\d+)\/models\//.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1]);
      }
    });
  });
  const url = `${base}/models/m.cnb`;

  // The replacer runs in a worker: each replacement fsyncs, which must not stall this thread's
  // clock or its sockets.
  const shared = new Int32Array(new SharedArrayBuffer(8)); // [stop, replacements]
  const worker = new Worker(`
    const { workerData } = require('node:worker_threads');
    import(workerData.atomicWrite).then(({ writeFileAtomic }) => {
      const { shared, path, versions, every } = workerData;
      for (let k = 1; Atomics.wait(shared, 0, 0, every) === 'timed-out'; k++) {
        writeFileAtomic(path, versions[k % versions.length]);
        Atomics.add(shared, 1, 1);
      }
    });`, { eval: true, workerData: { atomicWrite, shared, path: model, versions: opts.versions, every: opts.replaceEveryMs } });

  const latencies: number[] = [];
  const getFailures: string[] = [];
  const pullTimes: number[] = [];
  const pullFailures: string[] = [];
  const seen = new Set<string>();
  let wall = 0;
  const t0 = performance.now();
  try {
    for (let w = 0; w < opts.waves; w++) {
      const start = performance.now();
      const gets = Array.from({ length: opts.gets }, () => getOnce(url, hashes));
      const pulls = Array.from({ length: opts.pulls }, async (_, i) => {
        const path = join(local, `w${w}-p${i}.cnb`);
        const p0 = performance.now();
        try {
          const r = await pullModel(url, path, { timeoutMs: 60_000 });
          pullTimes.push(performance.now() - p0);
          const onDisk = sha256(new Uint8Array(readFileSync(path)));
          if (onDisk !== r.sha256 || !hashes.has(onDisk)) pullFailures.push(`${path}: holds none of the versions`);
        } catch (e) {
          pullFailures.push((e as Error).message);
        }
      });
      for (const g of await Promise.all(gets)) {
        latencies.push(g.ms);
        if (g.failure) getFailures.push(g.failure);
        else seen.add(g.hash!);
      }
      wall += performance.now() - start;
      await Promise.all(pulls);
    }
  } finally {
    Atomics.store(shared, 0, 1);
    Atomics.notify(shared, 0);
    await new Promise((r) => worker.once('exit', r));
    server.kill('SIGTERM');
  }
  const seconds = (performance.now() - t0) / 1000;
  const serverExit = await exited;
  latencies.sort((a, b) => a - b);
  pullTimes.sort((a, b) => a - b);
  return {
    gets: latencies.length,
    getFailures,
    rps: latencies.length / (wall / 1000),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies[latencies.length - 1],
    pulls: opts.pulls * opts.waves,
    pullFailures,
    pullP99Ms: percentile(pullTimes, 99),
    replacements: Atomics.load(shared, 1),
    versionsSeen: seen.size,
    seconds,
    serverExit,
  };
}
