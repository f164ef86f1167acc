// condnet serve <folder> [--port N] [--host 127.0.0.1|::1] [--max-bytes N]: the folder's
// models over HTTP on loopback, each with its content hash as ETag, until interrupted.
// SIGINT or SIGTERM stops it gracefully: no new connections, requests in flight finish (for
// at most DEFAULT_GRACE_MS), then exit 0; a second signal cuts them at once.

import type { Command } from 'commander';
import { DEFAULT_GRACE_MS, DEFAULT_MAX_MODEL_BYTES, MODEL_PATH, serveModels, type Serving } from '../net/serve.js';
import { CliError } from './errors.js';
import { parseByteOption, parseIntOption } from './io.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the models (.cnb) of a folder over HTTP on loopback, with content-hash ETags, until interrupted')
    .argument('<folder>', 'folder of .cnb models')
    .option('--port <n>', 'port (0: any free one)', parseIntOption('--port'), 8765)
    .option('--host <addr>', 'loopback address to listen on: 127.0.0.1 or ::1', '127.0.0.1')
    .option('--max-bytes <size>', 'largest model served (bytes, or with K, M, G)', parseByteOption('--max-bytes'), DEFAULT_MAX_MODEL_BYTES)
    .addHelpText('after', '\nExample:\n  npx condnet serve models/ --port 8765\n  npx condnet pull http://127.0.0.1:8765/models/mnist-tree.cnb local/mnist-tree.cnb')
    .action(async (folder: string, flags: { port: number; host: string; maxBytes: number }) => {
      let serving: Serving;
      try {
        serving = await serveModels(folder, { port: flags.port, host: flags.host, maxBytes: flags.maxBytes });
      } catch (e) {
        throw new CliError(`serve ${folder}: ${(e as NodeJS.ErrnoException).code ?? ''} ${(e as Error).message}`.replace(/ {2,}/g, ' '), 2);
      }
      const n = (await serving.store.list()).length;
      process.stdout.write(`serving ${folder} at ${serving.url}${MODEL_PATH} (${n} valid model${n === 1 ? '' : 's'}; index at ${serving.url}/models); Ctrl-C stops\n`);
      await new Promise<void>((resolve) => {
        let stopping = false;
        const onSignal = (signal: NodeJS.Signals) => {
          if (stopping) return serving.server.closeAllConnections();
          stopping = true;
          process.stderr.write(`condnet: serve: ${signal}: stopping (requests in flight have ${DEFAULT_GRACE_MS / 1000} s to finish)\n`);
          void serving.close().then(() => {
            process.off('SIGINT', onSignal);
            process.off('SIGTERM', onSignal);
            resolve();
          });
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      });
    });
}
