// What the host knows of a node kind, in one record per kind (host/kinds/index.ts holds the
// table): the blob's kind number, the writer of its sections, its reader, its reference
// evaluator and its scratch. The engine's facts of the same kind (sections, scratch rule,
// traits) are the row of KIND_TABLE in assembly/format.ts; kindFacts reads that row.

import {
  KIND_COLUMNS, KIND_TABLE, K_PAIRED, K_SCRATCH, K_SECTIONS, K_TRAITS, KindTrait, type NodeKind, type ScratchRule,
} from '../../assembly/format.js';
import type { BlobView } from '../format/blob-view.js';
import type { Section } from '../format/section.js';
import type { Evaluation } from '../engine/evaluation.js';
import type { Network, SearchNetwork } from '../network.js';

/** The fields every network has, decoded from the header, Domain and Labels. */
export type Common = Pick<SearchNetwork, 'dim' | 'classes' | 'quant' | 'domain' | 'maxDepth' | 'pairs'>;

export interface Kind<N extends Network> {
  /** The header's kind. */
  nodeKind: NodeKind;
  /** The kind's structural sections, in section-id order (the writer adds Domain and Labels). */
  write(net: N): Section[];
  /** The kind's checks, in the order of its engine validator, then the decoded network. */
  read(b: BlobView, common: Common): N;
  /** The engine's evaluation and counts (DESIGN §2), on an input whose coordinates a kind that
   *  reads every coordinate may trust: referenceEvaluate checks them first. */
  evaluate(net: N, x: Int32Array, offset: number): Evaluation;
  /** The header's scratchBytes: what the kind's ScratchRule needs for this network. */
  scratchBytes(net: N): number;
  /** The header's root class (a tree or graph of no nodes), when the kind has one. */
  rootClass?(net: N): number;
}

/** The engine's row of the kind table (assembly/format.ts) for a supported kind. */
export function kindFacts(kind: NodeKind): { sections: number; paired: number; scratch: ScratchRule; traits: number } {
  const row = kind * KIND_COLUMNS;
  return {
    sections: KIND_TABLE[row + K_SECTIONS],
    paired: KIND_TABLE[row + K_PAIRED],
    scratch: KIND_TABLE[row + K_SCRATCH],
    traits: KIND_TABLE[row + K_TRAITS],
  };
}

export const readsEveryCoordinate = (kind: NodeKind) => (kindFacts(kind).traits & KindTrait.ReadsEveryCoordinate) !== 0;
