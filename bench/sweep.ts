// The paper's comparison, measured: `condnet sweep` over every construction at its default
// range, its table in docs/BENCHMARKS.md and its plot in docs/sweep.svg (shown in the README).
//   npm run build && npm run bench:sweep

import { fileURLToPath } from 'node:url';
import { CONSTRUCTIONS } from '../host/construct/index.js';
import { sweepText } from '../host/measure/sweep-text.js';
import { writeFileAtomic } from '../host/io/atomic-write.js';
import { opsVersusNSvg } from '../host/measure/plot.js';
import { SWEEP_D, SWEEP_LIMIT, sweep } from '../host/measure/sweep.js';
import { writeBenchmarkSection } from './markdown-section.js';

const N_MAX = 1 << 20;
const t0 = performance.now();
const report = sweep({ constructions: [...CONSTRUCTIONS], nMax: N_MAX, onProgress: (w) => process.stderr.write(`${w}\n`) });
const seconds = (performance.now() - t0) / 1000;
const svg = await opsVersusNSvg(Object.entries(report.constructions).map(([name, e]) => ({
  name, points: e.rows.map((r) => ({ n: r.n, ops: r.ops.total.max })),
})), { title: `operations per input (worst case) against n, d = ${SWEEP_D}, distinct labels` });
writeFileAtomic(fileURLToPath(new URL('../../docs/sweep.svg', import.meta.url)), svg);

const limits = Object.entries(SWEEP_LIMIT).map(([c, n]) => `${c} to 2^${Math.log2(n)}`).join(', ');
const md = `## Operations against n (\`npm run bench:sweep\`)

Written by \`npm run bench:sweep\` (bench/sweep.ts, the library behind \`condnet sweep\`) on ${new Date().toISOString().slice(0, 10)}, ${seconds.toFixed(0)} s in all.
\`synthetic:n=…,d=${SWEEP_D},labels=distinct,seed=1\` for n = 2^6 … 2^${Math.log2(N_MAX)} (${limits}), built, then
run through the counting engine; slopes are least-squares fits of log ops against log n.

![ops per input against n](sweep.svg)

\`\`\`
${sweepText(report).trimEnd()}
\`\`\`
`;
writeBenchmarkSection('sweep', md);
process.stdout.write(md);
