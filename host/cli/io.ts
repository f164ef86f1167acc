// Reading models and datasets for the commands, with errors that name the file.

import type { Command } from 'commander';
import { loadDataset } from '../data/source.js';
import { describeConflicts, type Dataset } from '../data/dataset.js';
import { tableMetadata } from '../format/table-section.js';
import type { SectionInfo } from '../format/reader.js';
import type { TableOptions } from '../data/table-options.js';
import { tableOptions, withTableOptions, type TableFlags } from './table-options.js';
import { parseByteSize } from '../io/bytes.js';
import { CliError } from './errors.js';

export { openModelFile, readModel } from '../io/read-model.js';

export type DatasetFlags = TableFlags;

export const notice = (m: string): void => void process.stderr.write(`condnet: ${m}\n`);

/** Load a dataset spec with the table flags; what was decided (the header rule, the format,
 *  conflicts settled, rows left out) goes to stderr, as DESIGN §8 asks. */
export function openDataset(spec: string, flags: DatasetFlags): Dataset {
  const ds = loadDataset(spec, tableOptions(flags, notice));
  if (ds.conflicts) notice(describeConflicts(ds.name, ds.conflicts));
  return ds;
}

/** A dataset read for a model: with the model's Table section (docs/FORMAT.md), its columns
 *  are matched by name, its categories and dates coded as in training, missing values read as
 *  then, and values scaled down as they were. */
export function openDatasetFor(model: { blob: Uint8Array; sections: SectionInfo[] }, spec: string, flags: DatasetFlags): Dataset {
  const meta = tableMetadata(model);
  if (meta === undefined) return openDataset(spec, flags);
  const names = meta.features.map((f) => f.name);
  const opts: TableOptions = {
    ...(meta.missing !== undefined ? { missing: { kind: 'value', value: meta.missing } } : {}),
    ...tableOptions(flags, notice),
    columns: meta.features,
    ...(names.every((n) => n !== undefined) ? { featureNames: names as string[] } : {}),
    ...(meta.label !== undefined ? { labelName: meta.label } : {}),
  };
  const ds = loadDataset(spec, opts);
  if (ds.conflicts) notice(describeConflicts(ds.name, ds.conflicts));
  const k = meta.inputShift ?? 0;
  return k ? { ...ds, x: ds.x.map((v) => v / 2 ** k), inputShift: k } : ds;
}

/** Every command that reads a dataset takes the same table flags (host/cli/table-options.ts). */
export const withHeaderOptions = (cmd: Command): Command => withTableOptions(cmd);

/** A size option: bytes, or with a K, M or G suffix (binary units), more than 0. */
export function parseByteOption(name: string) {
  return (v: string): number => {
    const bytes = parseByteSize(v);
    if (bytes === undefined || bytes <= 0) throw new CliError(`${name} must be a positive number of bytes, optionally with K, M or G, got "${v}"`, 2);
    return bytes;
  };
}

export function parseIntOption(name: string) {
  return (v: string): number => {
    if (!/^-?\d+$/.test(v)) throw new CliError(`${name} must be an integer, got "${v}"`, 2);
    return Number(v);
  };
}

/** `--class-names a,b,…`: the text of a network's outputs 0, 1, … (docs/NETWORKS.md, "Classes").
 *  A name holding a comma is given as JSON instead: `--class-names '["a,b","c"]'`. */
export function parseClassNames(v: string): string[] {
  if (v.trimStart().startsWith('[')) {
    let names: unknown;
    try {
      names = JSON.parse(v);
    } catch (e) {
      throw new CliError(`--class-names: not a JSON array of strings (${(e as Error).message})`, 2);
    }
    if (!Array.isArray(names) || !names.every((c) => typeof c === 'string')) throw new CliError('--class-names: not a JSON array of strings', 2);
    return names;
  }
  return v.split(',');
}

/** The options every command that derives a model from a network takes, the same way. */
export function withNetworkOptions(cmd: Command): Command {
  return cmd
    .option('--class-names <a,b,…>', "the text of the network's outputs 0, 1, … (default: the names the model file holds, else 0, 1, …)", parseClassNames)
    .option('--max-changed <n>', 'accept a quantized network that changes the float network\'s class on at most n of the dataset\'s inputs (default 0)', parseIntOption('--max-changed'));
}

/** Why an integer network that changes `changed` of the float network's predictions is
 *  refused, unless the user accepted that many with --max-changed (undefined: accepted). */
export function changedRefusal(changed: number, n: number, maxChanged: number | undefined): string | undefined {
  if (changed <= (maxChanged ?? 0)) return undefined;
  return `the integer network changes the float network's class on ${changed.toLocaleString('en-US')} of ${n.toLocaleString('en-US')} inputs;` +
    ` nothing written (--max-changed ${changed} accepts that)`;
}
