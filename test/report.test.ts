// `condnet report` without a browser: the page holds every section and one SVG per chart,
// escapes the labels that come from the data, fetches nothing, and a wrong sweep file or
// energy model fails with one line and no page written. (test/browser/ opens it in Chromium.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset } from '../host/data/source.js';
import { energyOf, loadEnergyModel } from '../host/measure/energy.js';
import { measure } from '../host/measure/measure.js';
import { LOWER_BOUND } from '../host/measure/plot.js';
import { sweep } from '../host/measure/sweep.js';
import { histogramBins, MAX_CLASS_BARS, drawnClasses } from '../host/report/charts.js';
import { collectReport, escapeHtml, FIGURES, FrontierShapeError, parseFrontierJson, parseSweepJson, renderReport, SweepShapeError } from '../host/report/index.js';
import { buildFrom } from './helpers.js';

const CLI = new URL('../host/cli/main.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'condnet-report-'));

// Labels that would break the page, or run in it, were they not escaped.
const NASTY = ['<script>alert(1)</script>', 'a&b "q"', "'s' <i>x</i>"];
const csv = join(dir, 'nasty.csv');
writeFileSync(csv, 'u,v,label\n' + Array.from({ length: 30 }, (_, i) =>
  `${i % 7},${(i * 5) % 11},"${NASTY[i % 3].replace(/"/g, '""')}"`).join('\n') + '\n');

function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function svgCount(html: string): number {
  return (html.match(/<svg[\s>]/g) ?? []).length;
}

/** Anything in the page that a browser would fetch or run. */
function assertSelfContained(html: string) {
  assert.doesNotMatch(html, /<script/i, 'no script element');
  assert.doesNotMatch(html, /\b(?:src|href|xlink:href|action|poster|srcset)\s*=\s*["']?\s*(?:https?:)?\/\//i, 'no src/href to the network');
  assert.doesNotMatch(html, /url\(\s*["']?(?:https?:)?\/\//i, 'no CSS url() to the network');
  assert.doesNotMatch(html, /@import|@font-face|<link|<img|<iframe|<object|<embed/i);
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">/);
}

/** A frontier as bench:synth-fidelity writes it (docs/synth-fidelity.json), two networks. */
const FRONTIER = {
  version: 1,
  frontiers: [
    { network: 'MNIST <MLP>', synthesis: 'mnist:10000[0:8000]', holdout: 'mnist:10000[8000:10000]', points: [
      { model: 'dense network', ops: 104657, fidelity: 1, chosenFor: [] },
      { model: "`tree` on the network's classes", ops: 8.6, fidelity: 0.7925, chosenFor: [] },
      { model: 'ε = 0.01', ops: 104657 / 3.23, fidelity: 0.949, chosenFor: [0.95] },
    ] },
    { network: 'clusters MLP', synthesis: 'c.csv[0:4000]', holdout: 'c.csv[4000:5000]', points: [
      { model: 'dense network', ops: 5714, fidelity: 1, chosenFor: [] },
      { model: 'ε = 0.02', ops: 4000, fidelity: 0.96, chosenFor: [0.95] },
    ] },
  ],
};

test('the page: every section, one SVG per chart, escaped labels, nothing to fetch', async () => {
  const ds = loadDataset(csv, { header: true });
  const { blob } = buildFrom(ds, { construction: 'tree' });
  const model = loadEnergyModel('horowitz-45nm');
  const data = collectReport(blob, ds, { energy: { model: model.name, of: (c, b) => energyOf(model, c, b) } });
  assert.equal(data.correct, ds.n);
  assert.equal(data.classes.reduce((s, c) => s + c.count, 0), ds.n);
  assert.equal(data.parts.reduce((s, p) => s + p.bytes, 0), blob.length, 'parts add up to the blob');
  const report = sweep({ constructions: ['search', 'tree'], nMax: 128 });
  const frontier = parseFrontierJson(JSON.stringify(FRONTIER), 'f.json');
  const html = await renderReport({ model: 'dir/<m>.cnb', data, sweep: { file: 'sweep&.json', report }, frontier: { file: 'f.json', report: frontier } });

  assert.ok(html.startsWith('<!doctype html>'));
  for (const h of ['Operations per input', 'Histogram of operations per input', 'Operations by class', 'Energy by class',
    'Bytes of the blob by section', 'Operations against n (sweep)', 'Operations against fidelity (synthesis)']) {
    assert.ok(html.includes(`<h2>${h}</h2>`), h);
  }
  for (const id of FIGURES) assert.equal(html.split(`<figure id="${id}">`).length, 2, id);
  assert.equal(svgCount(html), FIGURES.length);
  // Each chart has marks (Vega writes one role-mark group per mark, with its items inside).
  for (const fig of html.split('<figure id="').slice(1)) {
    assert.match(fig, /class="mark-[a-z]+ role-mark[^"]*"[^>]*>\s*<(path|line|text|rect|g)\b/, fig.slice(0, 40));
  }
  assert.ok(html.includes(`>${LOWER_BOUND}</text>`), 'the sweep draws the line-alternating bound');
  assert.ok(html.includes('>log₂ n</text>') && html.includes('>√n</text>'));
  // The frontier: every point drawn and tabled, with its ratio to the dense network.
  for (const p of FRONTIER.frontiers[0].points) assert.ok(html.includes(`>${p.model}</text>`) && html.includes(`<td>${escapeHtml(p.model)}</td>`), p.model);
  assert.ok(html.includes('<td>3.23×</td><td>94.90%</td><td>0.95</td>'), 'a setting\'s row');

  // Labels: escaped in the tables, the title and the SVG text alike; none survives raw.
  for (const label of NASTY) {
    assert.ok(html.includes(`<td>${escapeHtml(label)}</td>`), label);
    assert.ok(!html.includes(label), `raw ${label}`);
  }
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/scr'), 'in the SVG axis too');
  assert.ok(html.includes('<code>dir/&lt;m&gt;.cnb</code>') && html.includes('<code>sweep&amp;.json</code>'));
  assertSelfContained(html);

  // The same input gives the same page.
  assert.equal(await renderReport({ model: 'dir/<m>.cnb', data, sweep: { file: 'sweep&.json', report }, frontier: { file: 'f.json', report: frontier } }), html);
  // Without a sweep, a frontier or an energy model, those three figures are left out.
  const bare = await renderReport({ model: 'm.cnb', data: collectReport(blob, ds) });
  assert.equal(svgCount(bare), FIGURES.length - 3);
  assert.ok(!bare.includes('id="sweep"') && !bare.includes('id="energy-by-class"') && !bare.includes('id="frontier"'));
});

test('measure and report read one summary: the same figures overall, by class and for energy', () => {
  const ds = loadDataset(csv, { header: true });
  const { blob } = buildFrom(ds, { construction: 'tree' });
  const model = loadEnergyModel('horowitz-45nm');
  const m = measure(blob, ds, { timing: false, energy: model });
  const r = collectReport(blob, ds, { energy: { model: model.name, of: (c, b) => energyOf(model, c, b) } });
  assert.deepEqual([r.ops, r.wordOps, r.loads], [m.ops, m.wordOps, m.loads]);
  assert.ok(new Set(r.classes.map((c) => c.mean.total)).size > 1, 'classes that differ, or the check is empty');
  assert.deepEqual(
    r.classes.map((c) => ({ count: c.count, mean: c.mean.total, max: c.max, cmp: c.mean.cmp })),
    ds.classes.map((label) => {
      const b = m.byClass[label];
      return { count: b.count, mean: b.total.mean, max: b.total.max, cmp: b.cmp.mean };
    }),
  );
  assert.ok(m.energy && r.energy);
  assert.equal(r.energy.sram, m.energy.sram.name);
  for (const kind of ['integer', 'float32'] as const) {
    assert.deepEqual(r.energy[kind].mean, { arithmetic: m.energy[kind].arithmetic.mean, memory: m.energy[kind].memory.mean, total: m.energy[kind].total.mean });
    assert.equal(r.energy[kind].max, m.energy[kind].total.max);
  }
});

test('histogram bins: one per value when few, 1-2-5 widths when many, every input counted', () => {
  const few = histogramBins([5, 6, 6, 9]);
  assert.deepEqual(few.map((b) => [b.lo, b.hi, b.count]), [[4.5, 5.5, 1], [5.5, 6.5, 2], [6.5, 7.5, 0], [7.5, 8.5, 0], [8.5, 9.5, 1]]);
  const values = Array.from({ length: 1000 }, (_, i) => 1000 + ((i * 7919) % 4001));
  const many = histogramBins(values);
  assert.equal(many.reduce((s, b) => s + b.count, 0), values.length);
  const w = many[0].hi - many[0].lo;
  assert.ok([100, 200].includes(w), String(w));
  assert.ok(many[0].lo <= Math.min(...values) && many[many.length - 1].hi > Math.max(...values));
  assert.ok(many.every((b, i) => i === 0 || b.lo === many[i - 1].hi), 'contiguous');
  assert.deepEqual(histogramBins([]), []);
});

test('more than MAX_CLASS_BARS classes: the ones with the most operations, in class order', () => {
  const classes = Array.from({ length: MAX_CLASS_BARS + 10 }, (_, i) => ({
    label: `c${i}`, index: i, count: 1, max: i % 13, mean: { mul: 0, add: 0, cmp: i % 13, total: i % 13 },
  }));
  const drawn = drawnClasses(classes);
  assert.equal(drawn.length, MAX_CLASS_BARS);
  assert.deepEqual(drawn.map((c) => c.index), [...drawn.map((c) => c.index)].sort((a, b) => a - b));
  const least = Math.min(...drawn.map((c) => c.mean.total));
  assert.ok(classes.filter((c) => !drawn.includes(c)).every((c) => c.mean.total <= least));
});

test('a sweep file of the wrong shape names the first wrong field', () => {
  const good = JSON.stringify(sweep({ constructions: ['search'], nMax: 64 }));
  assert.equal(Object.keys(parseSweepJson(good, 's.json').constructions).join(), 'search');
  const cases: [string, RegExp][] = [
    ['{', /s\.json: not JSON/],
    ['[]', /\(the top level\) should be an object/],
    ['{"constructions":{}}', /constructions should be an object with at least one/],
    ['{"constructions":{"search":{"rows":[]}}}', /constructions\["search"\]\.rows should be a non-empty array/],
    [good.replace('"total":{"min"', '"total":{"nim"'), /constructions\["search"\]\.rows\[0\]\.ops\.total\.min should be a number/],
    [good.replace(/"n":64/, '"n":"64"'), /rows\[0\]\.n should be a number above 0/],
  ];
  for (const [text, re] of cases) {
    assert.throws(() => parseSweepJson(text, 's.json'), (e: Error) => e instanceof SweepShapeError && re.test(e.message), text.slice(0, 60));
  }
});

test('a frontier file of the wrong shape names the first wrong field', () => {
  const good = JSON.stringify(FRONTIER);
  assert.equal(parseFrontierJson(good, 'f.json').frontiers[1].points.length, 2);
  const cases: [string, RegExp][] = [
    ['{', /f\.json: not JSON/],
    ['{"version":2,"frontiers":[]}', /version should be 1/],
    ['{"version":1,"frontiers":[]}', /frontiers should be a non-empty array/],
    [good.replace('"fidelity":0.949', '"fidelity":94.9'), /frontiers\[0\]\.points\[2\]\.fidelity should be a share from 0 to 1/],
    [good.replace('"ops":5714', '"ops":0'), /frontiers\[1\]\.points\[0\]\.ops should be a number above 0/],
    [good.replace('"network":"clusters MLP",', ''), /frontiers\[1\]\.network should be a non-empty string/],
  ];
  for (const [text, re] of cases) {
    assert.throws(() => parseFrontierJson(text, 'f.json'), (e: Error) => e instanceof FrontierShapeError && re.test(e.message), text.slice(0, 60));
  }
});

test('condnet report: writes the page; a bad sweep or energy model is one line, no page', () => {
  const model = join(dir, 'nasty.cnb');
  assert.equal(run(['build', csv, '--construction', 'tree', '-o', model]).code, 0);
  const out = join(dir, 'report.html');
  const r = run(['report', model, csv, '-o', out]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /wrote .*report\.html \([\d,]+ bytes\)\n$/);
  const html = readFileSync(out, 'utf8');
  assert.equal(svgCount(html), FIGURES.length - 2); // no sweep, no frontier given
  assertSelfContained(html);

  const bad = join(dir, 'bad-sweep.json');
  writeFileSync(bad, JSON.stringify({ constructions: { search: { rows: [{ n: 64 }] } } }));
  const never = join(dir, 'never.html');
  const e = run(['report', model, csv, '--sweep', bad, '-o', never]);
  assert.equal(e.code, 1);
  assert.equal(e.err, `condnet: ${bad}: not the JSON of "condnet sweep --json": constructions["search"].rows[0].ops should be an object\n`);
  const m = run(['report', model, csv, '--energy', 'no-such-model', '-o', never]);
  assert.equal(m.code, 1);
  assert.match(m.err, /^condnet: energy model no-such-model: neither a built-in model \(.*horowitz-45nm.*\) nor an existing file\n$/);
  assert.equal(run(['report', model, csv, '--sweep', join(dir, 'missing.json'), '-o', never]).err, `condnet: cannot read sweep ${join(dir, 'missing.json')}: ENOENT\n`);
  assert.match(run(['report', model, csv, '-o', dir]).err, /^condnet: .*: not a regular file/);
  assert.equal(existsSync(never), false);
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);

  const help = run(['report', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.out, /Example:\n {2}npx condnet sweep .*--json > sweep\.json\n {2}npx condnet report model\.cnb mnist:10000 --sweep sweep\.json -o report\.html/);
});
