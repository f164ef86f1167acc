// The flags that say how a table is read, the same on every command that reads one (build,
// verify, eval, measure, report, synth, pack, mcu, wasi): defined and parsed here only, into
// the TableOptions every reader takes (host/data/table-options.ts; docs/TABLES.md).

import { Option, type Command } from 'commander';
import { CONFLICT_POLICIES, type ConflictPolicy } from '../data/dataset.js';
import { TABLE_FORMATS, type MissingPolicy, type TableFormat, type TableOptions } from '../data/table-options.js';
import { CliError } from './errors.js';

/** The flags as commander parses them: the reading options a user can set. */
export type TableFlags = Pick<TableOptions, 'header' | 'format' | 'delimiter' | 'label' | 'features' | 'ignore' | 'categorical' | 'onConflict' | 'missing'>;

/** `--delimiter`: one character; `tab` and `\t` name the tab. */
export function parseDelimiter(v: string): string {
  const d = v === 'tab' || v === '\\t' ? '\t' : v;
  if (d.length !== 1 || d === '"' || d === '\n' || d === '\r') throw new CliError(`--delimiter must be one character other than a quote or a line break (or "tab"), got ${JSON.stringify(v)}`, 2);
  return d;
}

/** `--missing error|drop|<number>`. */
export function parseMissing(v: string): MissingPolicy {
  if (v === 'error' || v === 'drop') return { kind: v };
  const t = v.trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) && Number.isFinite(Number(t))) return { kind: 'value', value: Number(t) };
  throw new CliError(`--missing must be error, drop or a number, got ${JSON.stringify(v)}`, 2);
}

/** The header rule's two flags (DESIGN §8) and the table flags, on one command. */
export function withTableOptions(cmd: Command, what: 'dataset' | 'rows' = 'dataset'): Command {
  cmd
    .option('--header', 'the first row of a delimited table is a header')
    .option('--no-header', 'the first row of a delimited table is data')
    .addOption(new Option('--format <format>', 'the table format (default: recognised by content, then extension)').choices(TABLE_FORMATS))
    .option('--delimiter <char>', 'the delimiter of a delimited table (default: sniffed from its first line; "tab" for a tab)', parseDelimiter)
    .option('--label <column>', what === 'dataset' ? 'the label column: a header name or a 1-based index (default: the last)'
      : 'a label column to leave out: a header name or a 1-based index (default: the last, when the table is one column wider than the model)')
    .option('--features <columns>', 'the feature columns, in order: names, 1-based indexes and ranges a-b, comma-separated (default: every other column)')
    .option('--ignore <columns>', 'columns to leave out: names, indexes and ranges, comma-separated')
    .option('--categorical <columns>', 'feature columns read as categories even where they look like numbers (a column whose first value is not a number or an ISO date is one anyway)')
    .option('--missing <policy>', 'a missing feature value (empty, NA, null, ?): error, drop (leave the row out), or a number to read it as (default: error)', parseMissing);
  if (what === 'dataset') {
    cmd.addOption(new Option('--on-conflict <policy>', 'an input given contradicting labels: error (report them all), or keep the first, last or majority label (a tie: the one read first), or drop the input')
      .choices(CONFLICT_POLICIES).default('error'));
  }
  return cmd;
}

/** The TableOptions the flags say, with `notice` for what was decided. */
export function tableOptions(flags: TableFlags, notice?: (m: string) => void): TableOptions {
  const o: TableOptions = {};
  if (flags.header !== undefined) o.header = flags.header;
  if (notice) o.notice = notice;
  for (const k of ['format', 'delimiter', 'label', 'features', 'ignore', 'categorical', 'onConflict', 'missing'] as const) {
    if (flags[k] !== undefined) (o as Record<string, unknown>)[k] = flags[k];
  }
  return o;
}
