// condnet eval <model.cnb> [--input file|-]: rows in (a table in any format the dataset readers
// take, else stdin), one CSV record per row out, the label text first (quoted as CSV requires,
// so any label text survives); --output-format jsonl for JSON lines. A bad row is reported with
// its file:line:column on stderr and the rest are answered; the exit status is 1 if any was bad.

import type { Command } from 'commander';
import { Option } from 'commander';
import { evaluateEachRow } from '../engine/evaluate-rows.js';
import type { DataError } from '../data/errors.js';
import { descriptorChunks, fileChunks } from '../data/read.js';
import { parseTableFeatures } from '../data/table.js';
import { tableMetadata } from '../format/table-section.js';
import { CliError } from './errors.js';
import { notice, openModelFile } from './io.js';
import { progress, withStep } from './progress.js';
import { tableOptions, withTableOptions, type TableFlags } from './table-options.js';

interface EvalFlags extends TableFlags {
  input?: string;
  keepGoing: boolean;
  outputFormat: 'csv' | 'jsonl';
  withLine?: boolean;
}

/** A CSV field (RFC 4180): quoted when it holds a comma, a quote, a line break or nothing at
 *  all (an empty record would read as no record), its quotes doubled. */
export function csvField(text: string): string {
  return text === '' || /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function registerEval(program: Command): void {
  withTableOptions(program
    .command('eval')
    .description('print the label of each input row: one CSV record per row, the label first')
    .argument('<model>', 'model: a blob (.cnb) or a compiled model (.wasm)')
    .option('-i, --input <file>', 'input rows: a table (CSV, TSV, JSON, JSON lines; the training file too: its label column is left out), - for stdin (default: stdin)')
    .option('--no-keep-going', 'stop at the first bad row (default: report each bad row on stderr, answer the rest, exit 1)')
    .addOption(new Option('--output-format <format>', 'csv: the label as a CSV field; jsonl: {"line": n, "label": "…"} or {"line": n, "error": "…"}').choices(['csv', 'jsonl']).default('csv'))
    .option('--with-line', 'csv: add the row\'s source line as a second field (bad rows print no record)'), 'rows')
    .addHelpText('after', '\nExamples:\n  echo "3,1" | npx condnet eval model.cnb\n  npx condnet eval model.cnb --input train.csv --output-format jsonl')
    .action((model: string, flags: EvalFlags) => {
      const opened = openModelFile(model);
      const { network } = opened;
      const meta = tableMetadata(opened);
      const stdin = flags.input === undefined || flags.input === '-';
      const name = stdin ? '<stdin>' : flags.input!;
      // Rows are parsed as they are read, under the memory budget (host/data/limits.ts).
      const fail = (e: NodeJS.ErrnoException) => new CliError(`cannot read ${name}: ${e.code ?? e.message}`);
      const input = stdin ? descriptorChunks(0, fail) : fileChunks(flags.input!, fail);
      // Piped output (the usual case) shows no bar; a terminal sees one for long inputs.
      const p = progress();
      const opts = tableOptions(flags, notice);
      // A model built from a table says how to read one (its Table section): columns matched by
      // name, categories and dates coded as in training, missing values read as then.
      const names = meta?.features.map((f) => f.name);
      const rows = withStep(p, `read ${name}`, 1, () => parseTableFeatures(input, name, network.dim, {
        ...(meta?.missing !== undefined ? { missing: { kind: 'value', value: meta.missing } } : {}),
        ...opts, keepGoing: flags.keepGoing, columns: meta?.features, labelName: meta?.label,
        ...(names && names.every((n) => n !== undefined) ? { featureNames: names as string[] } : {}),
      }));
      if (meta?.inputShift) for (let i = 0; i < rows.x.length; i++) rows.x[i] /= 2 ** meta.inputShift;
      const r = withStep(p, 'evaluate in the engine', 1, () => evaluateEachRow(opened, rows, name, meta?.outside === 'clamp'));
      const readErrors = new Map<number, DataError>();
      for (const e of rows.errors ?? []) readErrors.set(e.line, e);
      if (!flags.keepGoing) {
        const first = r.errors.find((e) => e !== undefined);
        if (first) throw first;
      }
      const out: string[] = [];
      let bad = 0;
      let next = 0;
      for (const line of rows.order ?? Array.from(rows.line)) {
        // A row read fine is the next of rows.line (it may still lie outside the domain);
        // any other was refused as it was read.
        const i = next < rows.count && rows.line[next] === line ? next++ : -1;
        const e = i < 0 ? readErrors.get(line) : r.errors[i];
        if (e !== undefined) {
          bad++;
          process.stderr.write(`condnet: ${e.message}\n`);
          if (flags.outputFormat === 'jsonl') out.push(JSON.stringify({ line, error: e.message }) + '\n');
          continue;
        }
        const label = r.labels[i]!;
        out.push(flags.outputFormat === 'jsonl' ? JSON.stringify({ line, label }) + '\n'
          : csvField(label) + (flags.withLine ? `,${line}` : '') + '\n');
      }
      process.stdout.write(out.join(''));
      if (bad > 0) {
        notice(`${bad.toLocaleString('en-US')} bad row${bad === 1 ? '' : 's'} of ${(rows.order ?? rows.line).length.toLocaleString('en-US')}; the others answered`);
        process.exitCode = 1;
      }
    });
}
