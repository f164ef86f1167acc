// The ops / held-out fidelity frontier a report draws (issue 18): the JSON `npm run
// bench:synth-fidelity` writes beside its section of docs/BENCHMARKS.md (docs/synth-fidelity.json),
// one entry per network: the dense network, `tree` on the network's classes, and every setting
// the synthesizer tries, each with its mean ops and its fidelity on held-out inputs never used to
// build or choose. A report checks every field it reads, so a wrong file fails with the path of
// the first field that is missing or of the wrong type.

import { CondnetError } from '../errors.js';

export class FrontierShapeError extends CondnetError {
  constructor(message: string) {
    super(message);
    this.name = 'FrontierShapeError';
  }
}

export interface FrontierPoint {
  /** What the point is: "dense network", "`tree` on the network's classes", a setting. */
  model: string;
  /** Mean ops per held-out input (DESIGN §2, what `measure` reports). */
  ops: number;
  /** Share of held-out inputs on which it answers the network's class. */
  fidelity: number;
  /** The `--target-fidelity` values for which `synth` picks this setting. */
  chosenFor: number[];
}

export interface Frontier {
  network: string;
  synthesis: string;
  holdout: string;
  points: FrontierPoint[];
}

export interface FrontierFile {
  version: 1;
  frontiers: Frontier[];
}

type Json = unknown;

/** Parse and check a frontier file; `file` names it in errors. */
export function parseFrontierJson(text: string, file: string): FrontierFile {
  let data: Json;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new FrontierShapeError(`${file}: not JSON (${(e as Error).message}); give the frontier file of "npm run bench:synth-fidelity" (docs/synth-fidelity.json)`);
  }
  const bad = (path: string, want: string): never => {
    throw new FrontierShapeError(`${file}: not a synthesis frontier (docs/synth-fidelity.json): ${path} should be ${want}`);
  };
  const obj = (v: Json, path: string): Record<string, Json> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Record<string, Json> : bad(path, 'an object'));
  const arr = (v: Json, path: string): Json[] => (Array.isArray(v) && v.length > 0 ? v : bad(path, 'a non-empty array'));
  const str = (v: Json, path: string): string => (typeof v === 'string' && v !== '' ? v : bad(path, 'a non-empty string'));
  const share = (v: Json, path: string): number => (typeof v === 'number' && v >= 0 && v <= 1 ? v : bad(path, 'a share from 0 to 1'));
  const top = obj(data, '(the top level)');
  if (top.version !== 1) bad('version', '1');
  const frontiers = arr(top.frontiers, 'frontiers').map((f, i) => {
    const at = `frontiers[${i}]`;
    const o = obj(f, at);
    return {
      network: str(o.network, `${at}.network`), synthesis: str(o.synthesis, `${at}.synthesis`), holdout: str(o.holdout, `${at}.holdout`),
      points: arr(o.points, `${at}.points`).map((p, k) => {
        const pp = `${at}.points[${k}]`;
        const q = obj(p, pp);
        const ops = typeof q.ops === 'number' && Number.isFinite(q.ops) && q.ops > 0 ? q.ops : bad(`${pp}.ops`, 'a number above 0');
        const chosenFor = q.chosenFor === undefined ? [] : (Array.isArray(q.chosenFor) ? q.chosenFor : bad(`${pp}.chosenFor`, 'an array')).map((x, j) => share(x, `${pp}.chosenFor[${j}]`));
        return { model: str(q.model, `${pp}.model`), ops, fidelity: share(q.fidelity, `${pp}.fidelity`), chosenFor };
      }),
    };
  });
  return { version: 1, frontiers };
}
