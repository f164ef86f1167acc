// Builds every engine (`npm run build:engine`, and `npm ci` through `prepare`), one asc run a
// target of asconfig.json: the full engine and its counting twin, the WASI command modules,
// and one release profile per kind (assembly/profile.ts). The counting profiles are built on
// demand, by mcu/build.sh (`node scripts/build-engines.mjs tree-counting`).
//
// usage: node scripts/build-engines.mjs [target …]   (default: the list below)

import { main } from 'assemblyscript/asc';

const ENTRY = { counting: 'assembly/counting.ts', wasi: 'assembly/wasi.ts', 'wasi-counting': 'assembly/wasi.ts' };
const DEFAULT = ['release', 'counting', 'wasi', 'wasi-counting', 'search', 'tree', 'dense', 'program', 'graph'];

const entryOf = (target) => ENTRY[target] ?? (target.endsWith('-counting') ? 'assembly/counting.ts' : 'assembly/index.ts');

for (const target of process.argv.length > 2 ? process.argv.slice(2) : DEFAULT) {
  const { error, stderr } = await main([entryOf(target), '--config', 'asconfig.json', '--target', target]);
  const text = stderr.toString().split('\n').filter((l) => l && !l.startsWith('Last converge was suboptimal')).join('\n');
  if (text) process.stderr.write(text + '\n');
  if (error) {
    process.stderr.write(`build-engines: ${target}: ${error.message}\n`);
    process.exit(1);
  }
}
