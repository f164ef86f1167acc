// condnet pull <url> <path>: download a served model and replace the local one atomically,
// only once its length, checksum and validation hold; on any failure the old file stays.

import type { Command } from 'commander';
import { DEFAULT_PULL_TIMEOUT_MS, pullModel } from '../net/pull.js';
import { DEFAULT_MAX_MODEL_BYTES } from '../net/serve.js';
import { parseByteOption, parseIntOption } from './io.js';

export function registerPull(program: Command): void {
  program
    .command('pull')
    .description('download a model from `condnet serve` (or any HTTP server) and replace the local file only if it checks out')
    .argument('<url>', 'the model\'s URL, e.g. http://127.0.0.1:8765/models/model.cnb')
    .argument('<path>', 'local model file to create or replace')
    .option('--timeout <ms>', 'deadline of the whole transfer, headers and body, in milliseconds', parseIntOption('--timeout'), DEFAULT_PULL_TIMEOUT_MS)
    .option('--max-bytes <size>', 'largest model taken (bytes, or with K, M, G); a larger declared or received body is refused', parseByteOption('--max-bytes'), DEFAULT_MAX_MODEL_BYTES)
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  npx condnet pull http://127.0.0.1:8765/models/mnist-tree.cnb models/mnist-tree.cnb')
    .action(async (url: string, path: string, flags: { timeout: number; maxBytes: number; json?: boolean }) => {
      const r = await pullModel(url, path, { timeoutMs: flags.timeout, maxBytes: flags.maxBytes });
      if (flags.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      else if (r.status === 'unchanged') process.stdout.write(`${path} is up to date (sha256 ${r.sha256})\n`);
      else process.stdout.write(`updated ${path} (${r.bytes.toLocaleString('en-US')} bytes, sha256 ${r.sha256})\n`);
    });
}
