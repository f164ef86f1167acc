// Growing a tree in the TreeNodes layout (docs/FORMAT.md): a node is appended before its
// "below" and then its "above" subtree, so node indices come out in preorder. A leaf is a ref
// m + class, and m is only known at the end, so leaves are held as −1 − class until finish().
// Shared by the `tree` builder, the CART import of the benchmark and the parity tests.

import type { TreeNetwork } from '../network.js';

/** A node index, or (negative) a leaf −1 − class while the tree grows. */
export type Ref = number;

export class PreorderTree {
  private readonly feature: number[] = [];
  private readonly threshold: number[] = [];
  private readonly below: Ref[] = [];
  private readonly above: Ref[] = [];
  private depth = 0;

  /** Nodes so far. */
  get size(): number {
    return this.feature.length;
  }

  /** A leaf of class `cls` reached after `depth` tests. */
  leaf(cls: number, depth: number): Ref {
    this.depth = Math.max(this.depth, depth);
    return -1 - cls;
  }

  /** The node x_f ≥ θ, then its subtrees, grown in that order. */
  node(feature: number, threshold: number, growBelow: () => Ref, growAbove: () => Ref): Ref {
    const me = this.feature.length;
    this.feature.push(feature);
    this.threshold.push(threshold);
    this.below.push(0);
    this.above.push(0);
    this.below[me] = growBelow();
    this.above[me] = growAbove();
    return me;
  }

  /** The stored fields, leaves now m + class; a tree that is one leaf keeps its class as the
   *  root class (the header field a tree of no nodes answers with). */
  finish(root: Ref): Pick<TreeNetwork, 'feature' | 'threshold' | 'below' | 'above' | 'maxDepth' | 'rootClass'> {
    const m = this.feature.length;
    const ref = (r: Ref) => (r < 0 ? m - 1 - r : r);
    return {
      feature: Uint32Array.from(this.feature),
      threshold: Int32Array.from(this.threshold),
      below: Uint32Array.from(this.below, ref),
      above: Uint32Array.from(this.above, ref),
      maxDepth: this.depth,
      ...(m === 0 && root !== -1 ? { rootClass: -1 - root } : {}),
    };
  }
}
