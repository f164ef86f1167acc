// The fuzz loop shared by the bounded run in `npm test` (test/fuzz.test.ts) and the long run
// (bench/fuzz.ts). For every mutated blob: both readers must give the same verdict; the
// engine must not trap; an accepted blob must evaluate random in-domain inputs without
// reading outside itself, within its header depth, and equal to the reference evaluator; and
// after a rejection the same engine instance must still evaluate a known-good blob correctly.

import { ErrorCode } from '../../assembly/format.js';
import { Prng } from '../../host/data/prng.js';
import { Engine } from '../../host/engine/engine.js';
import { referenceEvaluate } from '../../host/engine/reference.js';
import { BlobError } from '../../host/format/errors.js';
import { readBlob } from '../../host/format/reader.js';
import type { Network } from '../../host/network.js';
import type { Construction } from '../../host/construct/index.js';
import { writeBlob } from '../../host/format/writer.js';
import { buildFrom } from '../helpers.js';
import { GOLDEN_CASES } from '../golden/cases.js';
import { synthesize } from '../../host/synth/synthesize.js';
import type { DenseNetwork } from '../../host/network.js';
import { mutate, type Mutation } from './mutate.js';

/** Valid blobs the mutations start from: every kind, both TreeNodes widths (graphs below). */
export const FUZZ_BASES: [string, Construction][] = [
  ['synthetic:n=40,d=3,labels=3,seed=1', 'search'],
  ['synthetic:n=300,d=2,labels=distinct,seed=2', 'search'],
  ['line-alternating:n=9', 'search'],
  ['synthetic:n=60,d=3,labels=3,seed=3', 'tree'], // 16-byte nodes
  ['line-alternating:n=40', 'tree'], //              8-byte nodes
  ['synthetic:n=12,d=3,labels=3,seed=4', 'interp'], //  dense, scalar class
  ['synthetic:n=6,d=2,labels=3,seed=5', 'sqrt'], //     limb program
];

/** A valid blob, an input and its class: what must still evaluate after a rejection. */
interface Base {
  blob: Uint8Array;
  xq: Int32Array;
  y0: number;
}

/** The built models, the hand-made graph (golden tiny-graph: branches, a reused register, a
 *  net leaf with its mask and base network) and a synthesized one (`interp` cut at depth 2:
 *  one shared row computed once, net leaves over a shared-row base). */
function fuzzBases(): Base[] {
  const built = FUZZ_BASES.map(([spec, construction]) => {
    const b = buildFrom(spec, { construction });
    return { blob: b.blob, xq: b.xq, y0: b.ds.y[0] };
  });
  const graph = GOLDEN_CASES.find((c) => c.name === 'tiny-graph')!;
  const interp = buildFrom('synthetic:n=12,d=3,labels=3,seed=4', { construction: 'interp' });
  const synth = synthesize(interp.net as DenseNetwork, interp.xq, interp.ds.n, { leaves: 'constant', maxDepth: 2 });
  return [
    ...built,
    { blob: writeBlob(graph.network), xq: Int32Array.from(graph.inputs[3]), y0: graph.outputs[3] },
    { blob: writeBlob(synth.graph), xq: interp.xq, y0: interp.ds.y[0] },
  ];
}

export interface FuzzFailure {
  seed: number;
  index: number;
  mutation: Mutation;
  problem: string;
  blob: Uint8Array;
}

export interface FuzzSummary {
  seed: number;
  tried: number;
  accepted: number;
  verdicts: Record<string, number>;
  failures: FuzzFailure[];
}

function hostVerdict(blob: Uint8Array): { code: number; net?: Network } {
  try {
    return { code: ErrorCode.Ok, net: readBlob(blob).network };
  } catch (e) {
    if (e instanceof BlobError) return { code: e.code };
    return { code: -1 }; // any other exception is a host-reader bug
  }
}

export function fuzz(seed: number, count: number, onProgress?: (done: number) => void): FuzzSummary {
  const rng = new Prng(seed);
  const bases = fuzzBases();
  const engine = new Engine('counting');
  const summary: FuzzSummary = { seed, tried: 0, accepted: 0, verdicts: {}, failures: [] };
  for (let i = 0; i < count; i++) {
    const base = bases[rng.below(bases.length)];
    const { blob, kind } = mutate(base.blob, rng);
    const fail = (problem: string) => summary.failures.push({ seed, index: i, mutation: kind, problem, blob });
    summary.tried++;
    let code: number;
    try {
      code = engine.load(blob);
    } catch (e) {
      fail(`engine trapped in validate: ${(e as Error).message}`);
      continue;
    }
    const host = hostVerdict(blob);
    const name = ErrorCode[code] ?? `code ${code}`;
    summary.verdicts[name] = (summary.verdicts[name] ?? 0) + 1;
    if (host.code !== code) fail(`verdicts differ: engine ${code}, host ${host.code}`);
    if (code === ErrorCode.Ok && host.net) {
      summary.accepted++;
      const net = host.net;
      const x = new Int32Array(net.dim);
      for (let k = 0; k < 8; k++) {
        for (let j = 0; j < net.dim; j++) x[j] = net.domain.lo[j] + rng.below(net.domain.hi[j] - net.domain.lo[j] + 1);
        try {
          const out = engine.evaluate(x);
          const ref = referenceEvaluate(net, x);
          const c = engine.counts();
          const t = engine.touched();
          if (out !== ref.output || JSON.stringify(c) !== JSON.stringify(ref.counts)) fail('engine and reference differ');
          if (out >= 0 && (t.low < 0 || t.high >= blob.length)) fail(`read outside the blob: [${t.low}, ${t.high}] of ${blob.length}`);
          // Branch tests are bounded by the header depth. A dense network branches on nothing,
          // nor does a limb program (their cmp are ReLUs and argmaxes, alike for every input).
          if ((net.kind === 'search' || net.kind === 'tree') && c.cmp > net.maxDepth) fail(`${c.cmp} comparisons exceed the header depth ${net.maxDepth}`);
        } catch (e) {
          fail(`engine trapped in evaluate: ${(e as Error).message}`);
        }
      }
    } else {
      // The same instance must still serve a known-good blob after a rejection.
      if (engine.load(base.blob) !== ErrorCode.Ok || engine.evaluate(base.xq) !== base.y0) {
        fail('a known-good blob no longer evaluates after this rejection');
      }
    }
    if (onProgress && (i + 1) % 10000 === 0) onProgress(i + 1);
  }
  return summary;
}
