// condnet serve <folder> [--port N] [--host 127.0.0.1|::1]: the folder's models over HTTP on
// loopback, each with its content hash as ETag, until interrupted.

import type { Command } from 'commander';
import { listModels, MODEL_PATH, serveModels } from '../net/serve.js';
import { CliError } from './errors.js';
import { parseIntOption } from './io.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the models (.cnb) of a folder over HTTP on loopback, with content-hash ETags, until interrupted')
    .argument('<folder>', 'folder of .cnb models')
    .option('--port <n>', 'port (0: any free one)', parseIntOption('--port'), 8765)
    .option('--host <addr>', 'loopback address to listen on: 127.0.0.1 or ::1', '127.0.0.1')
    .addHelpText('after', '\nExample:\n  condnet serve models/ --port 8765\n  condnet pull http://127.0.0.1:8765/models/mnist-tree.cnb local/mnist-tree.cnb')
    .action(async (folder: string, flags: { port: number; host: string }) => {
      let serving;
      try {
        serving = await serveModels(folder, { port: flags.port, host: flags.host });
      } catch (e) {
        throw new CliError(`serve ${folder}: ${(e as NodeJS.ErrnoException).code ?? ''} ${(e as Error).message}`.replace(/ {2,}/g, ' '), 2);
      }
      const n = listModels(folder).length;
      process.stdout.write(`serving ${folder} at ${serving.url}${MODEL_PATH} (${n} valid model${n === 1 ? '' : 's'}; index at ${serving.url}/models); Ctrl-C stops\n`);
      await new Promise<void>((resolve) => {
        const stop = () => void serving.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
