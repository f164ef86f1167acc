// Reading models and datasets for the commands, with errors that name the file.

import type { Command } from 'commander';
import { loadDataset } from '../data/source.js';
import type { Dataset } from '../data/dataset.js';
import { CliError } from './errors.js';

export { readModel } from '../io/read-model.js';

export interface DatasetFlags {
  header?: boolean;
}

/** Load a dataset spec; the header rule's decision goes to stderr, as DESIGN §8 asks. */
export function openDataset(spec: string, flags: DatasetFlags): Dataset {
  return loadDataset(spec, { header: flags.header, notice: (m) => process.stderr.write(`condnet: ${m}\n`) });
}

/** The header rule's two flags (DESIGN §8), the same on every command that reads rows. */
export function withHeaderOptions(cmd: Command): Command {
  return cmd
    .option('--header', 'the first CSV row is a header')
    .option('--no-header', 'the first CSV row is data');
}

export function parseIntOption(name: string) {
  return (v: string): number => {
    if (!/^-?\d+$/.test(v)) throw new CliError(`${name} must be an integer, got "${v}"`, 2);
    return Number(v);
  };
}
