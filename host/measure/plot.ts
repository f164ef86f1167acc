// Ops per input against n on log–log axes, as a standalone SVG: the paper's claim is a growth
// rate, and on log–log axes log₂ n and √n are the two reference shapes to read it against.
// Vega-Lite compiles the chart, Vega renders it headless (`renderer: 'none'` lays out without
// a canvas, estimating text widths), so the output depends only on the input.

import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { lineAlternatingBound } from '../data/line-alternating.js';

export interface PlotSeries {
  name: string;
  points: { n: number; ops: number }[];
}

const LOG2 = 'log₂ n';
const SQRT = '√n';
/** DESIGN §2's name for ⌈log₂(n/2)⌉: proven for the line-alternating dataset only. */
export const LOWER_BOUND = 'line-alternating bound ⌈log₂(n/2)⌉';
// Reference curves are sampled, not drawn per data point, so they stay smooth between sparse n.
const REFERENCE_SAMPLES = 48;
const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';

/** An SVG (a complete standalone document string) of ops per input against n, both axes
 *  logarithmic (base 2 ticks on n are nice), one line+points per series, plus two dashed
 *  reference curves labelled "log₂ n" and "√n" evaluated at the same n range; with `lowerBound`,
 *  also DESIGN §2's line-alternating bound ⌈log₂(n/2)⌉ as a staircase (LOWER_BOUND). */
export async function opsVersusNSvg(
  series: PlotSeries[],
  opts: { title?: string; yLabel?: string; lowerBound?: boolean } = {},
): Promise<string> {
  // A log axis cannot place 0 (a one-class tree does no operations), so such points are left out.
  const rows = series.flatMap((s) =>
    s.points
      .filter((p) => p.n > 0 && p.ops > 0)
      .map((p) => ({ name: s.name, n: p.n, ops: p.ops })),
  );
  const ns = rows.map((r) => r.n);
  const nMin = ns.length ? Math.min(...ns) : 1;
  const nMax = ns.length ? Math.max(...ns) : 2;
  // log₂ 1 = 0 has no place on a log axis either, so the references start at 2 at the lowest.
  const lo = Math.max(nMin, 2);
  const hi = Math.max(nMax, lo);
  const refs: { name: string; n: number; ops: number }[] = [];
  for (let i = 0; i < REFERENCE_SAMPLES; i++) {
    const n = lo * (hi / lo) ** (i / (REFERENCE_SAMPLES - 1));
    refs.push({ name: LOG2, n, ops: Math.log2(n) }, { name: SQRT, n, ops: Math.sqrt(n) });
  }

  // The bound is a staircase, ⌈log₂(n/2)⌉ = k on (2^k, 2^(k+1)]: drawn step-before through its
  // value at each power of two (it starts at n = 4, its first value above 0 on the log axis).
  const bound: { name: string; n: number; ops: number }[] = [];
  if (opts.lowerBound) {
    const start = Math.max(lo, 4);
    const at = (n: number) => ({ name: LOWER_BOUND, n, ops: lineAlternatingBound(n) });
    if (start <= hi) bound.push(at(start));
    for (let p = 2 ** (Math.floor(Math.log2(start)) + 1); p <= hi; p *= 2) bound.push(at(p));
    if (bound.length && bound[bound.length - 1].n < hi) bound.push(at(hi));
  }

  const xTicks = powersOfTwo(nMin, hi);
  const labels: Record<string, string> = {};
  for (const t of xTicks) labels[t] = '2' + superscript(Math.log2(t));
  const opsAll = [...rows, ...refs, ...bound].map((r) => r.ops);
  const yTicks = powersOfTwo(Math.min(...opsAll), Math.max(...opsAll));

  const names = [...new Set(series.map((s) => s.name))];
  const domain = [...names, LOG2, SQRT, ...(bound.length ? [LOWER_BOUND] : [])];
  const palette = vega.scheme('tableau10') as string[];
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(opts.title ? { title: opts.title } : {}),
    width: 480,
    height: 320,
    background: 'white',
    // Generic family only: the SVG must not depend on a font being installed or fetched.
    config: { font: 'sans-serif', legend: { symbolType: 'stroke', symbolSize: 300, ...(bound.length ? { labelLimit: 280 } : {}) } },
    encoding: {
      x: {
        field: 'n',
        type: 'quantitative',
        title: 'n (distinct pairs)',
        scale: { type: 'log', base: 2, domain: [xTicks[0], xTicks[xTicks.length - 1]] },
        axis: { values: xTicks, labelExpr: `${JSON.stringify(labels)}[datum.value]` },
      },
      y: {
        field: 'ops',
        type: 'quantitative',
        title: opts.yLabel ?? 'operations per input (max)',
        scale: { type: 'log', base: 2, domain: [yTicks[0], yTicks[yTicks.length - 1]] },
        axis: { values: yTicks, format: ',' },
      },
      // One color scale over series and references, with strokeDash on the same field, so
      // Vega-Lite merges them into a single legend in which the references show dashed.
      color: {
        field: 'name',
        type: 'nominal',
        title: null,
        scale: { domain, range: [...names.map((_, i) => palette[i % palette.length]), '#888', '#555', ...(bound.length ? ['#c00'] : [])] },
      },
      strokeDash: {
        field: 'name',
        type: 'nominal',
        title: null,
        scale: { domain, range: [...names.map(() => [1, 0]), [6, 4], [2, 3], ...(bound.length ? [[8, 3, 2, 3]] : [])] },
      },
    },
    layer: [
      { data: { values: refs }, mark: { type: 'line', strokeWidth: 1.5 } },
      ...(bound.length ? [{ data: { values: bound }, mark: { type: 'line' as const, strokeWidth: 1.5, interpolate: 'step-before' as const } }] : []),
      {
        data: { values: rows },
        mark: { type: 'line', point: { filled: true, size: 40 }, strokeWidth: 2 },
      },
    ],
  };

  return renderSvg(spec);
}

// Whole powers of two covering [min, max], the first and last being the axis ends; every
// other one (or sparser) once there are more than a dozen, so the labels stay readable.
function powersOfTwo(min: number, max: number): number[] {
  const kLo = Math.floor(Math.log2(min));
  const kHi = Math.max(Math.ceil(Math.log2(max)), kLo + 1);
  const step = Math.ceil((kHi - kLo + 1) / 12);
  const out: number[] = [];
  for (let k = kLo; k < kHi + step; k += step) out.push(2 ** k);
  return out;
}

function superscript(k: number): string {
  return [...String(k)].map((c) => (c === '-' ? '⁻' : SUPERSCRIPT[+c])).join('');
}

/** Render a Vega-Lite spec to a standalone SVG string (Vega writes the xmlns attributes, so it
 *  is a valid .svg file as it stands). Every chart of condnet goes through here. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // Were the optional `canvas` addon ever installed, Vega would measure text with it and the
  // layout would vary by machine; the built-in estimate keeps the SVG a function of the input.
  (vega as unknown as { textMetrics: { canvas(use: boolean): void } }).textMetrics.canvas(false);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
