// The long fuzz run of both blob readers; writes its summary to docs/RELIABILITY.md and any
// failing blob to test/regressions/ (to be minimized and kept as a regression test).
//   npm run build && node dist/bench/fuzz.js [count] [seed]

import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../host/io/atomic-write.js';
import { progress, withStep } from '../host/cli/progress.js';
import { fuzz, FUZZ_BASES } from '../test/fuzz/run.js';
import { MUTATIONS } from '../test/fuzz/mutate.js';

const count = Number(process.argv[2] ?? 1_000_000);
const seed = Number(process.argv[3] ?? 20261123);
const t0 = performance.now();
const s = withStep(progress(), 'fuzz both blob readers', count, (step) => fuzz(seed, count, (done) => step.update(done)));
const seconds = (performance.now() - t0) / 1000;

if (s.failures.length > 0) {
  const dir = fileURLToPath(new URL('../../test/regressions', import.meta.url));
  mkdirSync(dir, { recursive: true });
  for (const f of s.failures.slice(0, 50)) writeFileSync(`${dir}/fuzz-${f.seed}-${f.index}.cnb`, f.blob);
}

const md = `# Reliability

## Fuzzing the blob readers

\`node dist/bench/fuzz.js ${count} ${seed}\` (bench/fuzz.ts), run on ${new Date().toISOString().slice(0, 10)}, ${seconds.toFixed(0)} s.
Structure-aware mutations (${MUTATIONS.join(', ')}) of valid blobs of every kind built from
${FUZZ_BASES.map(([spec, c]) => `\`${spec}\` (${c})`).join(', ')}, the hand-made conditional graph \`tiny-graph\` (test/golden) and a synthesized one (\`interp\` of the set above cut at depth 2: a reused register, net leaves); most re-fix the declared length and the CRC so the
deeper checks run. For each blob: engine validator and host reader must agree on the error
code; the engine must not trap; an accepted blob must evaluate 8 random in-domain inputs
equal to the reference evaluator (outputs and counts), without reading outside the blob and
within its header depth (search and tree; dense layers and programs branch on nothing, and a graph's net leaves add ReLU and argmax comparisons; its walk's depth is proven by validation); after a rejection the same engine instance must still evaluate a
known-good blob. \`npm test\` runs the same loop on 10,000 blobs (test/fuzz.test.ts).

| blobs tried | accepted | disagreements, traps, out-of-bounds reads, depth overruns |
|---:|---:|---:|
| ${s.tried.toLocaleString('en-US')} | ${s.accepted.toLocaleString('en-US')} | ${s.failures.length} |

Verdicts:

| error code | blobs |
|---|---:|
${Object.entries(s.verdicts).sort((a, b) => b[1] - a[1]).map(([k, v]) => `| ${k} | ${v.toLocaleString('en-US')} |`).join('\n')}
${s.failures.length ? `\nFailures (first 20):\n\n${s.failures.slice(0, 20).map((f) => `- #${f.index} ${f.mutation}: ${f.problem}`).join('\n')}\n` : ''}`;

writeFileAtomic(fileURLToPath(new URL('../../docs/RELIABILITY.md', import.meta.url)), md);
process.stdout.write(md);
process.exitCode = s.failures.length ? 1 : 0;
