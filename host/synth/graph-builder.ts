// The synthesized graph while it grows: its nodes in preorder, its rows and masks (each stored
// once, however many nodes use it) and the counts that end up in the stats. Growth decides
// what to emit (host/synth/grow.ts); this records it.

import type { GraphNode } from '../network.js';

/** A node in growth: a node index, or a class leaf −1 − class until the node count m is known
 *  (then ref m + class: `resolveRefs`). */
export type Ref = number;

/** The rows branches test, one per distinct weight vector, and how many branches on the path
 *  being grown compute each: a row computed by an ancestor is in a register already. */
export class RowTable {
  readonly list: Int32Array[] = [];
  private readonly ids = new Map<string, number>();
  private readonly onPath: number[] = [];

  /** Is the row with these bytes computed by a branch on the current path? */
  computedOnPath(key: string): boolean {
    const id = this.ids.get(key);
    return id !== undefined && this.onPath[id] > 0;
  }

  /** The id of the row with these bytes, added if new. */
  add(key: string, row: Int32Array): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.list.length;
      this.ids.set(key, id);
      this.list.push(row);
      this.onPath.push(0);
    }
    return id;
  }

  isOnPath(id: number): boolean {
    return this.onPath[id] > 0;
  }

  enterPath(id: number): void {
    this.onPath[id]++;
  }

  leavePath(id: number): void {
    this.onPath[id]--;
  }
}

/** Net leaves' masks, each distinct one stored once. */
export class MaskTable {
  readonly list: Uint8Array[] = [];
  private readonly ids = new Map<string, number>();

  add(mask: Uint8Array): number {
    const key = Buffer.from(mask).toString('latin1');
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.list.length;
      this.ids.set(key, id);
      this.list.push(mask);
    }
    return id;
  }
}

export class GraphBuilder {
  readonly nodes: GraphNode[] = [];
  readonly rows = new RowTable();
  readonly masks = new MaskTable();
  branches = 0;
  /** Branches that reuse a register computed higher on their path. */
  reusedBranches = 0;
  classLeaves = 0;
  netLeaves = 0;
  /** Net leaves placed because the depth limit was reached. */
  depthLimited = 0;
  /** Most branch tests on a path to a leaf so far. */
  maxDepth = 0;
  /** Inputs that have reached a leaf, for progress. */
  settled = 0;

  constructor(private readonly n: number, private readonly onProgress?: (settled: number, n: number) => void) {}

  /** `size` inputs at `depth` end in class c. */
  classLeaf(c: number, size: number, depth: number): Ref {
    this.classLeaves++;
    this.settle(size, depth);
    return -1 - c;
  }

  /** `size` inputs at `depth` end in the base network under `mask`. */
  netLeaf(mask: Uint8Array, size: number, depth: number): Ref {
    const id = this.masks.add(mask);
    this.netLeaves++;
    this.settle(size, depth);
    this.nodes.push({ kind: 'net', row: id, reuse: false, below: 0, above: 0, threshold: 0n });
    return this.nodes.length - 1;
  }

  /** A branch testing row `rowId` ≥ θ, whose sides are grown next (`closeBranch` sets them);
   *  until then its row counts as computed on the path. Returns the branch's node index. */
  openBranch(rowId: number, reuse: boolean, theta: bigint): number {
    this.branches++;
    if (reuse) this.reusedBranches++;
    this.nodes.push({ kind: 'branch', row: rowId, reuse, below: 0, above: 0, threshold: theta });
    this.rows.enterPath(rowId);
    return this.nodes.length - 1;
  }

  closeBranch(node: number, below: Ref, above: Ref): void {
    this.nodes[node].below = below;
    this.nodes[node].above = above;
    this.rows.leavePath(this.nodes[node].row);
  }

  /** Class-leaf refs −1 − c become m + c, m the final node count. */
  resolveRefs(): void {
    const m = this.nodes.length;
    const ref = (r: Ref) => (r < 0 ? m - 1 - r : r);
    for (const node of this.nodes) {
      if (node.kind !== 'branch') continue;
      node.below = ref(node.below);
      node.above = ref(node.above);
    }
  }

  private settle(size: number, depth: number): void {
    this.settled += size;
    this.maxDepth = Math.max(this.maxDepth, depth);
    this.onProgress?.(this.settled, this.n);
  }
}
