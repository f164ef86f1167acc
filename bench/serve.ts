// `serve` under load on loopback (`npm run bench:serve`): waves of 1,000 concurrent GETs and
// 100 concurrent pulls while the served model is replaced atomically every 20 ms by another
// thread, and the same GETs alone against a model that stays put (served from the cache).
// Every answer is checked (bench/serve-load.ts); a failure stops the benchmark. Writes the
// `serve` section of docs/BENCHMARKS.md.

import { cpus, loadavg } from 'node:os';
import { buildNetwork } from '../host/construct/index.js';
import { loadDataset } from '../host/data/source.js';
import { writeBlob } from '../host/format/writer.js';
import { writeBenchmarkSection } from './markdown-section.js';
import { serveLoad, type LoadOptions, type LoadResult } from './serve-load.js';

const WAVES = 10;
const blob = (spec: string, construction: 'tree' | 'search') => writeBlob(buildNetwork(loadDataset(spec), { construction }));
const versions = [
  blob('synthetic:n=50,d=3,labels=3,seed=1', 'tree'),
  blob('synthetic:n=80,d=3,labels=4,seed=2', 'tree'),
  blob('mnist:1000', 'tree'),
];

const t0 = performance.now();
const load0 = loadavg()[0];
const runs: { what: string; opts: LoadOptions; r?: LoadResult }[] = [
  { what: '1,000 GETs + 100 pulls per wave, model replaced every 20 ms', opts: { gets: 1000, pulls: 100, waves: WAVES, replaceEveryMs: 20, versions } },
  { what: '1,000 GETs per wave, model unchanged (cached)', opts: { gets: 1000, pulls: 0, waves: WAVES, replaceEveryMs: 3_600_000, versions } },
];
for (const run of runs) {
  const r = await serveLoad(run.opts);
  if (r.getFailures.length > 0 || r.pullFailures.length > 0 || r.serverExit !== 0) {
    throw new Error(`bench:serve: ${run.what}: ${r.getFailures.length} GETs and ${r.pullFailures.length} pulls failed (${[...r.getFailures, ...r.pullFailures][0] ?? `server exit ${r.serverExit}`})`);
  }
  run.r = r;
  process.stdout.write(`${run.what}: ${r.rps.toFixed(0)} GETs/s, p50 ${r.p50Ms.toFixed(0)} ms, p99 ${r.p99Ms.toFixed(0)} ms; ${r.replacements} replacements\n`);
}
const seconds = (performance.now() - t0) / 1000;
const fmt = (v: number) => Math.round(v).toLocaleString('en-US');
const rows = runs.map(({ what, r }) =>
  `| ${what} | ${fmt(r!.gets)} | 0 | ${fmt(r!.rps)} | ${fmt(r!.p50Ms)} | ${fmt(r!.p99Ms)} | ${fmt(r!.maxMs)} | ${r!.pulls ? `${fmt(r!.pulls)}, 0 failed, p99 ${fmt(r!.pullP99Ms)} ms` : '—'} | ${fmt(r!.replacements)} | ${r!.versionsSeen} |`);

writeBenchmarkSection('serve', `## \`serve\` under load on loopback (\`npm run bench:serve\`)

Written by \`npm run bench:serve\` (bench/serve.ts, the load in bench/serve-load.ts) on ${new Date().toISOString().slice(0, 10)};
${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores shared with other work (load average ${load0.toFixed(1)} at the start), Node ${process.version};
${seconds.toFixed(0)} s in all. \`condnet serve\` runs in a child process; this process sends ${WAVES} waves, each
its GETs at once, every GET on a connection of its own (so each pays a TCP handshake), and its
pulls (\`pullModel\`, which also validates each model in the engine), while a worker thread
replaces the served model atomically (temporary file, fsync, rename) among ${versions.length} versions of
${versions.map((v) => fmt(v.length)).join(', ')} bytes. Every answer is checked: HTTP 200 and a body whose SHA-256 is its
header's and one of the versions'; every pull must leave one whole version on disk. A wave's
requests all start together, so a request's latency includes its wait behind the rest of the
wave: p99 is close to the wave's length.

| load | GETs | failed | GETs/s | p50 ms | p99 ms | max ms | pulls | replacements | versions seen |
|---|---:|---:|---:|---:|---:|---:|---|---:|---:|
${rows.join('\n')}
`);
process.stdout.write(`bench:serve: wrote the serve section of docs/BENCHMARKS.md (${seconds.toFixed(0)} s)\n`);
