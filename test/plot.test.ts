// The ops-versus-n chart is a standalone, deterministic SVG: series and both reference
// curves are named in its legend, and nothing in it points outside the file.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { opsVersusNSvg, type PlotSeries } from '../host/measure/plot.js';

const ns = [100, 1000, 10000, 100000];
const series: PlotSeries[] = [
  { name: 'tree', points: ns.map((n) => ({ n, ops: Math.ceil(Math.log2(n)) + 2 })) },
  { name: 'search', points: ns.map((n) => ({ n, ops: 3 * Math.ceil(Math.log2(n)) + 20 })) },
];

test('a standalone SVG naming every series and both reference curves', async () => {
  const svg = await opsVersusNSvg(series, { title: 'ops per input' });
  assert.ok(svg.startsWith('<svg'), svg.slice(0, 80));
  assert.ok(svg.trimEnd().endsWith('</svg>'));
  assert.match(svg, /xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  // Vega writes text as UTF-8 characters, not entities.
  for (const label of ['tree', 'search', 'log₂ n', '√n', 'ops per input']) {
    assert.ok(svg.includes(`>${label}</text>`), label);
  }
  assert.ok(svg.includes('>n (distinct pairs)</text>'));
  assert.ok(svg.includes('>operations per input (max)</text>'));
  // No fonts, images or links to fetch.
  assert.doesNotMatch(svg, /url\(|href=|@import|@font-face/);
});

test('the same input gives the same SVG, and yLabel replaces the default', async () => {
  const a = await opsVersusNSvg(series);
  const [b, c] = await Promise.all([opsVersusNSvg(series), opsVersusNSvg(series)]);
  assert.equal(a, b);
  assert.equal(a, c);
  const mean = await opsVersusNSvg(series, { yLabel: 'operations per input (mean)' });
  assert.ok(mean.includes('>operations per input (mean)</text>'));
  assert.ok(!mean.includes('(max)'));
});
