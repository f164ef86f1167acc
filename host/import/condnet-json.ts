// condnet's own JSON network format (docs/NETWORKS.md), for tests and hand-made networks:
//   {"format": "condnet-network", "version": 1, "inputDim": d,
//    "layers": [{"weights": [[…], …], "biases": […], "activation": "relu" | "linear"}, …],
//    "classes": ["…", …]}            (weights: one row per neuron; classes optional)

import { NetworkImportError, checkFloatNetwork, type FloatNetwork } from './float-network.js';

export const CONDNET_NETWORK_FORMAT = 'condnet-network';

export function parseCondnetNetwork(json: unknown, file: string): FloatNetwork {
  const fail = (m: string): never => { throw new NetworkImportError(file, m); };
  const o = json as Record<string, unknown>;
  if (o?.format !== CONDNET_NETWORK_FORMAT) fail(`not a condnet network (format must be "${CONDNET_NETWORK_FORMAT}")`);
  if (o.version !== 1) fail(`unsupported version ${String(o.version)} (this condnet reads version 1)`);
  if (!Array.isArray(o.layers)) fail('"layers" must be an array');
  const numbers = (v: unknown, where: string): Float64Array => {
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'number')) fail(`${where} must be an array of numbers`);
    return Float64Array.from(v as number[]);
  };
  const layers = (o.layers as unknown[]).map((raw, k) => {
    const l = raw as Record<string, unknown>;
    if (l.activation !== 'relu' && l.activation !== 'linear') fail(`layer ${k}: activation "${String(l.activation)}" is not supported (relu or linear)`);
    if (!Array.isArray(l.weights)) fail(`layer ${k}: "weights" must be an array of rows`);
    const rows = (l.weights as unknown[]).map((r, i) => numbers(r, `layer ${k} weights row ${i}`));
    const width = rows[0]?.length ?? 0;
    if (rows.some((r) => r.length !== width)) fail(`layer ${k}: weight rows differ in length`);
    const weights = new Float64Array(rows.length * width);
    rows.forEach((r, i) => weights.set(r, i * width));
    return { inputs: width, outputs: rows.length, weights, biases: numbers(l.biases, `layer ${k} biases`), relu: l.activation === 'relu' };
  });
  const classes = o.classes === undefined ? undefined
    : Array.isArray(o.classes) && o.classes.every((c) => typeof c === 'string') ? (o.classes as string[]) : fail('"classes" must be an array of strings');
  return checkFloatNetwork({ source: file, inputDim: o.inputDim as number, layers, classes });
}
