// The split score that `tree` (host/construct/tree.ts) and `synth` (host/synth/synthesize.ts)
// both minimize. A split of a labelled set into sides A and B of n_A and n_B points, with
// H_A, H_B the entropies (bits) of the labels on each side, scores
//
//     n_A·(H_A + β·log₂ n_A) + n_B·(H_B + β·log₂ n_B)        (lower is better)
//
// an estimate of the tests still to come below the split, summed over the points
// (docs/TREE.md says why, docs/SYNTH.md why synthesis uses another β). With g(k) = k·log₂ k
// and n·H = g(n) − Σ_c g(n_c) it is (1 + β)(g(n_A) + g(n_B)) − Σ_c g(n_A,c) − Σ_c g(n_B,c), so
// a scan that moves the points one at a time from B to A keeps both sums up to date in O(1)
// per point, from a table of g and no logarithm. That scan is the hot loop of both builders.
//
// Scores are running floating-point sums, and both builders break ties between splits by
// comparing them, so the order of every addition and subtraction here is part of the output:
// changing it can change a built tree or graph.

/** Largest β accepted: far past any useful value (the size term then swamps the labels), and
 *  scores stay finite. */
export const MAX_BETA = 16;

/** Is `beta` a usable weight of the size term (0 … MAX_BETA; NaN is not)? */
export const isBeta = (beta: number): boolean => beta >= 0 && beta <= MAX_BETA;

/** `beta`, or a RangeError naming `who` (the builder) if it is not a usable weight. */
export function checkBeta(beta: number, who: string): number {
  if (!isBeta(beta)) throw new RangeError(`${who}: β must lie in 0 … ${MAX_BETA}, got ${beta}`);
  return beta;
}

/** Labels of points, indexed by point (a dataset's y, or synthesis's truth). */
export type Labels = Uint32Array | Int32Array;

/**
 * The score of splits of one set at a time. A builder counts the set (`countSet`), then runs
 * any number of scans over it: `beginScan` puts every point on side B, `move` takes one point
 * from B to A, `movedSum` and `restSum` are then Σ_c g(n_c) over A and over B, and `score`
 * combines them; `endScan` forgets the moves and `clearSet` the set. Only one set is counted
 * at a time; the builders finish with a set before they recurse into its sides.
 *
 * Counts are cleared point by point from the same points that were counted, not with a fill:
 * with many classes (distinct labels: one per point) a fill per node would dominate.
 */
export class SplitScorer {
  /** 1 + β: the weight of g(n_A) + g(n_B). */
  private readonly weight: number;
  /** g[k] = k·log₂ k for k = 0 … the most points of a set. */
  private readonly g: Float64Array;
  /** Per class, its points in the set. */
  private readonly inSet: Int32Array;
  /** Per class, its points moved to side A in this scan. */
  private readonly moved: Int32Array;
  /** Σ_c g(n_c) over the whole set. */
  total = 0;
  /** Σ_c g(n_c) over side A (the points moved so far in this scan). */
  movedSum = 0;
  /** Σ_c g(n_c) over side B (the rest of the set). */
  restSum = 0;

  /** For sets of up to `maxPoints` points labelled 0 … classes − 1; `beta` is checked by the
   *  caller (checkBeta), so the message names the builder. */
  constructor(maxPoints: number, classes: number, beta: number) {
    this.weight = 1 + beta;
    this.g = new Float64Array(maxPoints + 1);
    for (let k = 2; k <= maxPoints; k++) this.g[k] = k * Math.log2(k);
    this.inSet = new Int32Array(classes);
    this.moved = new Int32Array(classes);
  }

  /** Counts the set: the points points[from … to − 1], with labels[point] their classes. */
  countSet(labels: Labels, points: Int32Array, from: number, to: number): void {
    const g = this.g;
    let total = 0;
    for (let i = from; i < to; i++) {
      const k = this.inSet[labels[points[i]]]++;
      total += g[k + 1] - g[k];
    }
    this.total = total;
  }

  /** Forgets the set counted from the same points (in any order). */
  clearSet(labels: Labels, points: Int32Array, from: number, to: number): void {
    for (let i = from; i < to; i++) this.inSet[labels[points[i]]] = 0;
    this.total = 0;
  }

  /** Starts a scan with every point of the set on side B. */
  beginScan(): void {
    this.movedSum = 0;
    this.restSum = this.total;
  }

  /** Moves one point of class c from side B to side A. */
  move(c: number): void {
    const g = this.g;
    const a = this.moved[c]++;
    const b = this.inSet[c] - a;
    this.movedSum += g[a + 1] - g[a];
    this.restSum += g[b - 1] - g[b];
  }

  /** Forgets the moves of a scan, given the points it may have moved (in any order). */
  endScan(labels: Labels, points: Int32Array, from: number, to: number): void {
    for (let i = from; i < to; i++) this.moved[labels[points[i]]] = 0;
  }

  /** The score of a split of `size` points into `nA` and size − nA, whose sides have
   *  Σ_c g(n_c) = sumA and sumB. The sums are subtracted in the order given: each builder
   *  keeps the order it has always used, so its ties break as before. */
  score(size: number, nA: number, sumA: number, sumB: number): number {
    return this.weight * (this.g[nA] + this.g[size - nA]) - sumA - sumB;
  }
}
