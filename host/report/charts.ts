// The report's charts as SVG strings, drawn like host/measure/plot.ts: Vega-Lite compiles,
// Vega lays out headless (`renderer: 'none'`, text widths estimated, no canvas), so each SVG
// depends only on its data. Vega escapes the text it writes (labels come from the data).

import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from '../measure/plot.js';
import type { BlobPart, ClassRow } from './collect.js';

/** Classes drawn at most; beyond, the ones with the most operations (mean), and the page says so. */
export const MAX_CLASS_BARS = 40;
/** A histogram with at most this many distinct values gets one bar per value. */
const MAX_UNIT_BINS = 60;
const TARGET_BINS = 40;
const WIDTH = 480;

const CONFIG = { font: 'sans-serif', view: { stroke: null } } as const;
/** What every chart of the page shares. */
const BASE = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json', width: WIDTH, background: 'white', config: CONFIG,
} as const;

/** Give every id in an SVG (Vega's clip paths, gradients) a prefix, and every reference to
 *  one, so several SVGs inlined in one page never resolve each other's ids. */
export function prefixIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, (_, id: string) => `id="${prefix}-${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${prefix}-${id})`)
    .replace(/(\s(?:xlink:)?href)="#([^"]+)"/g, (_, attr: string, id: string) => `${attr}="#${prefix}-${id}"`);
}

export interface Bin {
  lo: number;
  hi: number;
  count: number;
}

/** Bins of integer counts: one per value when few, else about TARGET_BINS of a 1-2-5 width. */
export function histogramBins(values: ArrayLike<number>): Bin[] {
  if (values.length === 0) return [];
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    min = Math.min(min, values[i]);
    max = Math.max(max, values[i]);
  }
  let width: number;
  let start: number;
  if (max - min + 1 <= MAX_UNIT_BINS) {
    width = 1;
    start = min - 0.5; // centred on the value, so its tick sits under its bar
  } else {
    const raw = (max - min) / TARGET_BINS;
    const mag = 10 ** Math.floor(Math.log10(raw));
    width = [1, 2, 5, 10].map((m) => m * mag).find((w) => w >= raw) ?? 10 * mag;
    width = Math.max(1, Math.ceil(width));
    start = Math.floor(min / width) * width;
  }
  const k = Math.floor((max - start) / width) + 1;
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < values.length; i++) counts[Math.min(k - 1, Math.floor((values[i] - start) / width))]++;
  return counts.map((count, i) => ({ lo: start + i * width, hi: start + (i + 1) * width, count }));
}

/** Inputs against their operations per input, with the mean marked. */
export function histogramSvg(values: ArrayLike<number>, mean: number): Promise<string> {
  const bins = histogramBins(values);
  const unit = bins.length > 0 && bins[0].hi - bins[0].lo === 1 && !Number.isInteger(bins[0].lo);
  const lo = bins.length ? bins[0].lo : 0;
  const hi = bins.length ? bins[bins.length - 1].hi : 1;
  const spec: TopLevelSpec = {
    ...BASE,
    height: 240,
    layer: [
      {
        data: { values: bins },
        mark: { type: 'rect', color: '#4c78a8', stroke: 'white', strokeWidth: bins.length > 80 ? 0 : 0.5 },
        encoding: {
          x: {
            field: 'lo', type: 'quantitative', title: 'operations per input (mul + add + cmp)',
            scale: { domain: [lo, hi], nice: false, zero: false },
            axis: unit ? { tickMinStep: 1, format: 'd' } : { format: ',' },
          },
          x2: { field: 'hi' },
          y: { field: 'count', type: 'quantitative', title: 'inputs', axis: { format: ',d', tickMinStep: 1 } },
        },
      },
      {
        data: { values: [{ mean, label: `mean ${fmt(mean)}` }] },
        layer: [
          { mark: { type: 'rule', color: '#c00', strokeDash: [4, 3], strokeWidth: 1.5 }, encoding: { x: { field: 'mean', type: 'quantitative' } } },
          {
            // Above the plot, where no bar can hide it.
            mark: { type: 'text', color: '#c00', align: 'center', baseline: 'bottom', y: -3 },
            encoding: { x: { field: 'mean', type: 'quantitative' }, text: { field: 'label' } },
          },
        ],
      },
    ],
  };
  return renderSvg(spec);
}

/** The classes a by-class chart draws: all of them, or the MAX_CLASS_BARS with the highest
 *  mean operations (in class order). */
export function drawnClasses(classes: ClassRow[]): ClassRow[] {
  if (classes.length <= MAX_CLASS_BARS) return classes;
  return [...classes].sort((a, b) => b.mean.total - a.mean.total || a.index - b.index)
    .slice(0, MAX_CLASS_BARS).sort((a, b) => a.index - b.index);
}

const OP_COLORS = { mul: '#e45756', add: '#f58518', cmp: '#4c78a8' };

/** Mean mul, add and cmp per input of each class, stacked, and each class's worst case as a tick. */
export function opsByClassSvg(classes: ClassRow[]): Promise<string> {
  const rows = classes.flatMap((c) => (['mul', 'add', 'cmp'] as const).map((kind, k) => ({ i: c.index, label: c.label, kind, k, mean: c.mean[kind] })));
  const maxes = classes.map((c) => ({ i: c.index, label: c.label, max: c.max, what: 'max' }));
  const y = { field: 'label', type: 'nominal' as const, title: 'class', sort: { field: 'i', op: 'min' as const } };
  const spec: TopLevelSpec = {
    ...BASE,
    height: { step: 18 },
    layer: [
      {
        data: { values: rows },
        mark: { type: 'bar' },
        encoding: {
          y,
          x: { field: 'mean', type: 'quantitative', stack: 'zero', title: 'operations per input (bar: mean by kind; tick: max)' },
          color: {
            field: 'kind', type: 'nominal', title: 'mean',
            scale: { domain: ['mul', 'add', 'cmp'], range: [OP_COLORS.mul, OP_COLORS.add, OP_COLORS.cmp] },
          },
          order: { field: 'k', type: 'quantitative' },
        },
      },
      {
        data: { values: maxes },
        mark: { type: 'tick', color: 'black', thickness: 2 },
        encoding: { y, x: { field: 'max', type: 'quantitative' } },
      },
    ],
    resolve: { scale: { y: 'shared' } },
  };
  return renderSvg(spec);
}

/** Mean energy per input of each class (integer arithmetic and memory reads, stacked), in pJ. */
export function energyByClassSvg(classes: ClassRow[], title: string): Promise<string> {
  const rows = classes.flatMap((c) => (c.energy
    ? [
      { i: c.index, label: c.label, part: 'arithmetic', k: 0, pJ: c.energy.arithmetic },
      { i: c.index, label: c.label, part: 'memory reads', k: 1, pJ: c.energy.memory },
    ]
    : []));
  const spec: TopLevelSpec = {
    ...BASE,
    height: { step: 18 },
    data: { values: rows },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'label', type: 'nominal', title: 'class', sort: { field: 'i', op: 'min' } },
      x: { field: 'pJ', type: 'quantitative', stack: 'zero', title },
      color: { field: 'part', type: 'nominal', title: 'mean', scale: { domain: ['arithmetic', 'memory reads'], range: ['#54a24b', '#b279a2'] } },
      order: { field: 'k', type: 'quantitative' },
    },
  };
  return renderSvg(spec);
}

/** Bytes of each part of the blob, front to back, each bar labelled with its bytes. */
export function sectionsSvg(parts: BlobPart[]): Promise<string> {
  const rows = parts.map((p, i) => ({ i, name: p.name, bytes: p.bytes, text: p.bytes.toLocaleString('en-US') }));
  const y = { field: 'name', type: 'nominal' as const, title: null, sort: { field: 'i', op: 'min' as const } };
  const spec: TopLevelSpec = {
    ...BASE,
    height: { step: 22 },
    data: { values: rows },
    layer: [
      { mark: { type: 'bar', color: '#4c78a8' }, encoding: { y, x: { field: 'bytes', type: 'quantitative', title: 'bytes', axis: { format: ',d' } } } },
      { mark: { type: 'text', align: 'left', dx: 3 }, encoding: { y, x: { field: 'bytes', type: 'quantitative' }, text: { field: 'text' } } },
    ],
  };
  return renderSvg(spec);
}

export function fmt(x: number): string {
  return x.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** The ops / held-out fidelity frontier of synthesized graphs (issue 18): mean ops per input on a
 *  logarithmic axis against the share of held-out inputs answered as the network answers, one
 *  colour per network, the dense network and `tree` among the points. */
export function frontierSvg(points: Array<{ network: string; model: string; ops: number; fidelity: number }>): Promise<string> {
  const rows = points.map((p) => ({ ...p, percent: 100 * p.fidelity }));
  const encoding = {
    x: { field: 'ops', type: 'quantitative' as const, scale: { type: 'log' as const }, title: 'mean ops per held-out input (log)' },
    y: { field: 'percent', type: 'quantitative' as const, scale: { zero: false }, title: 'held-out fidelity (%)' },
    color: { field: 'network', type: 'nominal' as const, title: 'network' },
  };
  const spec: TopLevelSpec = {
    ...BASE,
    height: 300,
    data: { values: rows },
    layer: [
      { mark: { type: 'point', filled: true, size: 60 }, encoding: { ...encoding, shape: { field: 'model', type: 'nominal', legend: null } } },
      { mark: { type: 'text', align: 'left', dx: 6, fontSize: 9 }, encoding: { ...encoding, text: { field: 'model' } } },
    ],
  };
  return renderSvg(spec);
}
