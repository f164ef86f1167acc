// condnet verify <model.cnb> <dataset> [--against <network|dense.cnb>] [--json]: every pair
// through the engine, against the dataset's labels or another model's outputs.

import type { Command } from 'commander';
import { loadFloatNetwork } from '../import/load.js';
import { verify, verifyAgainst, verifyAgainstNetwork } from '../measure/verify.js';
import { openDatasetFor, parseClassNames, openModelFile, withHeaderOptions } from './io.js';
import { progress, withStep } from './progress.js';

export function registerVerify(program: Command): void {
  withHeaderOptions(program
    .command('verify')
    .description('run every pair of a dataset through the engine; exit 0 only if all are reproduced')
    .argument('<model>', 'model: a blob (.cnb) or a compiled model (.wasm)')
    .argument('<dataset>', 'the dataset the model should memorize')
    .option('--against <model>', "compare with another model's outputs: a .cnb or compiled .wasm, or a network file (the float network's class is the truth)")
    .option('--class-names <a,b,…>', "with --against a network file: the text of its outputs 0, 1, … (default: the file's names, else 0, 1, …)", parseClassNames)
    .option('--json', 'print the report as JSON'))
    .addHelpText('after', '\nExamples:\n  npx condnet verify model.cnb mnist:10000\n  npx condnet verify model.cnb mnist:10000 --against mlp/model.json')
    .action((model: string, spec: string, flags: { header?: boolean; json?: boolean; against?: string; classNames?: string[] }) => {
      const p = progress(flags.json);
      const opened = openModelFile(model);
      const ds = withStep(p, `load ${spec}`, 1, () => openDatasetFor(opened, spec, flags));
      const against = flags.against;
      const r = withStep(p, 'verify in the engine', 1, () => (against === undefined ? verify(opened, ds)
        : /\.(cnb|wasm)$/.test(against) ? verifyAgainst(opened, openModelFile(against), ds)
          : verifyAgainstNetwork(opened, loadFloatNetwork(against), ds, { classNames: flags.classNames })));
      if (flags.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      else {
        const pct = ((100 * r.correct) / r.n).toFixed(2);
        process.stdout.write(`${r.dataset}: ${r.correct} / ${r.n} reproduced (${pct}%) in ${opened.compiled ? 'the compiled model' : 'the engine'}; ${r.rows} rows, ${r.duplicates} duplicates\n`);
        if (r.refused) process.stdout.write(`  ${r.refused} refused (outside the model's domain), ${r.n - r.correct - r.refused} answered wrongly\n`);
        const ia = r.integerAgreement;
        if (ia) process.stdout.write(`  against the float network's class; its integer network (as \`pack\` makes it) agrees on ${ia.agree} / ${ia.n} (${(100 * ia.share).toFixed(2)}%)\n`);
        for (const m of r.mismatches) process.stdout.write(`  line ${m.line}: expected "${m.expected}", got "${m.got}"\n`);
      }
      if (r.correct !== r.n) process.exitCode = 1;
    });
}
