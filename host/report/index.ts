// `condnet report`: one self-contained HTML page about a model on a dataset. Every chart is an
// SVG inlined in the page; the page has no script, loads nothing (a Content-Security-Policy
// forbids it) and reads the same from a file:// URL as from anywhere else.

import { basename } from 'node:path';
import { opsVersusNSvg, LOWER_BOUND } from '../measure/plot.js';
import type { SweepReport } from '../measure/sweep.js';
import type { Stats } from '../measure/stats.js';
import { drawnClasses, energyByClassSvg, fmt, frontierSvg, histogramSvg, opsByClassSvg, prefixIds, sectionsSvg } from './charts.js';
import type { FrontierFile } from './frontier-json.js';
import type { ReportData } from './collect.js';
import { formatEnergy, type DeviceEnergyReport } from '../mcu/energy.js';

export { collectReport, type ReportData, type EnergyOf, type CollectOptions } from './collect.js';
export { parseSweepJson, SweepShapeError } from './sweep-json.js';
export { parseFrontierJson, FrontierShapeError, type FrontierFile } from './frontier-json.js';

/** The figures a page can hold, by the id of their <figure>; `sweep` only with a sweep,
 *  `frontier` only with a synthesis frontier, and `energy-by-class` only with an energy model. */
export const FIGURES = ['ops-histogram', 'ops-by-class', 'energy-by-class', 'blob-sections', 'sweep', 'frontier'] as const;
export type FigureId = (typeof FIGURES)[number];

export interface ReportInput {
  /** The model file as the user named it (shown, escaped). */
  model: string;
  data: ReportData;
  sweep?: { file: string; report: SweepReport };
  /** The ops / held-out fidelity frontier of synthesis (`report --frontier`). */
  frontier?: { file: string; report: FrontierFile };
  /** Energy on the Cortex-M4 from a saved `condnet mcu --json` run (`report --mcu`); absent,
   *  the page says a device run is needed (the report never runs the device). */
  device?: { file: string; energy: DeviceEnergyReport };
}

/** Text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const esc = escapeHtml;
const int = (x: number) => x.toLocaleString('en-US');

const CSS = `
body { font: 15px/1.45 system-ui, sans-serif; color: #222; max-width: 62rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2.2rem; border-bottom: 1px solid #ddd; }
.sub { color: #555; margin-top: 0; } code { font-size: .92em; }
table { border-collapse: collapse; margin: .6rem 0; } th, td { padding: .15rem .7rem; text-align: right; }
th:first-child, td:first-child { text-align: left; } thead th { border-bottom: 1px solid #999; }
tbody tr:nth-child(even) { background: #f6f6f6; }
figure { margin: .8rem 0; } figure svg { max-width: 100%; height: auto; } figcaption { color: #555; font-size: .9rem; }
.note { color: #555; font-size: .9rem; }
`.trim();

function table(head: string[], rows: (string | number)[][]): string {
  const cell = (v: string | number) => (typeof v === 'number' ? fmt(v) : esc(v));
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>\n`
    + rows.map((r) => `<tr>${r.map((v) => `<td>${cell(v)}</td>`).join('')}</tr>`).join('\n')
    + '\n</tbody></table>';
}

function figure(id: FigureId, svg: string, caption: string): string {
  return `<figure id="${id}">\n${prefixIds(svg, id)}\n<figcaption>${caption}</figcaption>\n</figure>`;
}

/** The whole page, as a string. */
export async function renderReport(input: ReportInput): Promise<string> {
  const d = input.data;
  const title = `condnet report: ${basename(input.model)} on ${d.dataset}`;
  const parts: string[] = [];
  const s = (name: string, x: Stats) => [name, x.min, x.mean, x.max];

  parts.push(`<h1>${esc(title)}</h1>`,
    `<p class="sub">model <code>${esc(input.model)}</code> (${esc(d.construction)}, ${int(d.blobBytes)} bytes) · dataset <code>${esc(d.dataset)}</code>: `
    + `${int(d.n)} distinct inputs of ${int(d.dim)} features, ${int(d.classes.length)} classes · `
    + `the engine gives the dataset's class on <strong>${int(d.correct)} / ${int(d.n)}</strong></p>`);

  parts.push('<section id="summary">', '<h2>Operations per input</h2>',
    '<p>DESIGN §2\'s counts from the engine\'s counting build, for every input: <code>mul</code>, <code>add</code>, '
    + '<code>cmp</code>; <code>wordOps</code> weighs each by its width in 32-bit words; <code>loads</code> are bytes of the blob read.</p>',
    table(['per input', 'min', 'mean', 'max'], [
      s('mul', d.ops.mul), s('add', d.ops.add), s('cmp', d.ops.cmp), s('ops (total)', d.ops.total),
      s('wordOps', d.wordOps), s('loads (bytes)', d.loads),
    ]));
  if (d.energy) {
    const e = d.energy;
    parts.push(table([`energy per input (pJ, ${e.model}, blob in ${e.sram})`, 'arithmetic', 'memory', 'total', 'total max'], [
      ['integer (as the engine runs it)', e.integer.mean.arithmetic, e.integer.mean.memory, e.integer.mean.total, e.integer.max],
      ['float32 (the same operations in floating point)', e.float32.mean.arithmetic, e.float32.mean.memory, e.float32.mean.total, e.float32.max],
    ]));
  }
  parts.push(deviceSection(input.device));
  parts.push('</section>');

  parts.push('<section>', '<h2>Histogram of operations per input</h2>',
    figure('ops-histogram', await histogramSvg(d.perInput, d.ops.total.mean),
      `Inputs by operations per input (mul + add + cmp), ${int(d.n)} inputs; the dashed line is the mean, ${fmt(d.ops.total.mean)}; the worst case is ${fmt(d.ops.total.max)}.`),
    '</section>');

  const drawn = drawnClasses(d.classes);
  const some = drawn.length < d.classes.length
    ? ` Showing the ${drawn.length} classes with the most operations (mean) of ${int(d.classes.length)}.` : '';
  parts.push('<section>', '<h2>Operations by class</h2>',
    figure('ops-by-class', await opsByClassSvg(drawn), `Mean mul, add and cmp per input of each class, stacked; the black tick is the class's worst case.${some}`),
    d.classes.length <= 100
      ? table(['class', 'inputs', 'mul mean', 'add mean', 'cmp mean', 'ops mean', 'ops max', ...(d.energy ? ['pJ mean (integer)'] : [])],
        d.classes.map((c) => [c.label, int(c.count), c.mean.mul, c.mean.add, c.mean.cmp, c.mean.total, c.max, ...(c.energy ? [c.energy.total] : [])]))
      : '',
    '</section>');

  if (d.energy) {
    const e = d.energy;
    parts.push('<section>', '<h2>Energy by class</h2>',
      figure('energy-by-class', await energyByClassSvg(drawn, `energy per input, mean (pJ, integer, ${e.model})`),
        `Mean energy per input of each class under the <code>${esc(e.model)}</code> model, integer arithmetic as the engine runs it, `
        + `with the blob read from ${esc(e.sram)}: arithmetic and memory reads, stacked.${some}`),
      '</section>');
  }

  parts.push('<section>', '<h2>Bytes of the blob by section</h2>',
    figure('blob-sections', await sectionsSvg(d.parts), `The ${int(d.blobBytes)} bytes of the blob, front to back.`),
    table(['part', 'offset', 'element bytes', 'count', 'bytes'], d.parts.map((p) => [
      p.name, p.offset === undefined ? '' : int(p.offset), p.elemBytes === undefined ? '' : int(p.elemBytes),
      p.count === undefined ? '' : int(p.count), int(p.bytes),
    ])),
    '</section>');

  if (input.sweep) parts.push(await sweepSection(input.sweep.file, input.sweep.report));
  if (input.frontier) parts.push(await frontierSection(input.frontier.file, input.frontier.report));

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
${CSS}
</style>
</head>
<body>
${parts.filter(Boolean).join('\n')}
<footer class="note"><p>Written by <code>condnet report</code>. The page holds everything it shows: no scripts, nothing to fetch.</p></footer>
</body>
</html>
`;
}

/** Energy on the Cortex-M4 beside the 45 nm estimate: from a saved device run, or a note that
 *  one is needed (docs/ENERGY.md, "On the device"). */
function deviceSection(device: ReportInput['device']): string {
  if (!device) {
    return '<p class="note" id="device-energy">Energy on the Cortex-M4: needs a device run. <code>condnet mcu &lt;model&gt; &lt;dataset&gt; --json &gt; mcu.json</code> '
      + 'runs the model on the emulated core and counts its instructions; <code>condnet report … --mcu mcu.json</code> then shows its energy per inference here.</p>';
  }
  const e = device.energy;
  const i = e.run.instructions;
  const p = e.perInference;
  return [
    `<p id="device-energy">On the Cortex-M4 (QEMU, <code>-${esc(e.run.opt)}</code>, ${int(e.run.inputs)} inputs, from <code>${esc(device.file)}</code>), `
      + `priced by the device model <code>${esc(e.model)}</code>:</p>`,
    table(['per inference on the device', 'min', 'mean', 'max'], [
      ['instructions (counted)', i.min, i.mean, i.max],
      ['energy (derived)', formatEnergy(p.min), formatEnergy(p.mean), formatEnergy(p.max)],
    ]),
    `<p class="note">Energy = instructions × CPI ${e.cyclesPerInstruction} (assumed: QEMU counts instructions, not cycles) × ${e.pJPerCycle} pJ per cycle, `
      + `derived from ${e.currentUAPerMHz} µA/MHz at ${e.supplyV} V: ${esc(e.part)}, ${esc(e.source)}. The whole chip's active current, `
      + 'unlike the 45 nm estimate above, which prices only the engine\'s operations and reads.</p>',
  ].join('\n');
}

async function frontierSection(file: string, r: FrontierFile): Promise<string> {
  const points = r.frontiers.flatMap((f) => f.points.map((p) => ({ network: f.network, model: p.model, ops: p.ops, fidelity: p.fidelity })));
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  return ['<section>', '<h2>Operations against fidelity (synthesis)</h2>',
    figure('frontier', await frontierSvg(points),
      `Mean operations per held-out input, logarithmic, against the share of held-out inputs answered as the network answers, from <code>${esc(file)}</code>: `
      + 'the dense network, <code>tree</code> built on the network\'s classes, and each setting <code>synth</code> tries (docs/SYNTH.md, "Fidelity"). '
      + 'Held-out inputs are never used to build or to choose.'),
    ...r.frontiers.map((f) => {
      const dense = f.points[0].ops;
      return `<p>${esc(f.network)}: synthesized on <code>${esc(f.synthesis)}</code>, held out <code>${esc(f.holdout)}</code>.</p>\n`
        + table(['model', 'mean ops', `÷ ${esc(f.points[0].model)}`, 'held-out fidelity', 'chosen by --target-fidelity'],
          f.points.map((p) => [p.model, p.ops, `${(dense / p.ops).toFixed(2)}×`, pct(p.fidelity), p.chosenFor.join(', ')]));
    }),
    '</section>'].join('\n');
}

async function sweepSection(file: string, r: SweepReport): Promise<string> {
  const entries = Object.entries(r.constructions);
  const svg = await opsVersusNSvg(entries.map(([name, e]) => ({ name, points: e.rows.map((x) => ({ n: x.n, ops: x.ops.total.max })) })),
    { title: 'operations per input (worst case) against n', lowerBound: true });
  const out = ['<section>', '<h2>Operations against n (sweep)</h2>',
    figure('sweep', svg,
      `Worst-case operations per input against n, both axes logarithmic, from <code>${esc(file)}</code>, with the reference shapes log₂ n and √n, `
      + `and the ${esc(LOWER_BOUND)}: on n points on a line with alternating labels, every network built from DESIGN §2's operations `
      + 'needs at least that many cmp on some input. It is proven for that dataset only.'),
    table(['construction', 'n', 'ops max at the largest n', 'slope of log ops (max)', 'slope (mean)'], entries.map(([name, e]) => {
      const ns = e.rows.map((x) => x.n);
      const last = e.rows[e.rows.length - 1];
      return [name, `${int(Math.min(...ns))} … ${int(Math.max(...ns))}`, last.ops.total.max, e.slope.max.toFixed(3), e.slope.mean.toFixed(3)];
    }))];
  const la = entries.filter(([, e]) => e.lineAlternating.length > 0);
  if (la.length > 0) {
    const ns = [...new Set(la.flatMap(([, e]) => e.lineAlternating.map((x) => x.n)))].sort((a, b) => a - b);
    out.push('<p>On the line-alternating sets themselves, worst-case cmp beside the bound:</p>',
      table(['line-alternating n', 'bound ⌈log₂(n/2)⌉', ...la.map(([name]) => `${name} cmp max`)], ns.map((n) => {
        const bound = la.map(([, e]) => e.lineAlternating.find((x) => x.n === n)?.bound).find((b) => b !== undefined);
        return [int(n), bound === undefined ? '-' : int(bound), ...la.map(([, e]) => {
          const row = e.lineAlternating.find((x) => x.n === n);
          return row ? int(row.cmpMax) : '-';
        })];
      })));
  }
  out.push('</section>');
  return out.join('\n');
}
