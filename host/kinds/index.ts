// The host's kind table: for each network kind, its blob kind, writer, reader, reference
// evaluator and scratch (./kind.ts says what each entry holds; one file per kind holds them).
// Keyed by the network kind, so a kind missing here fails to compile; the engine's facts of
// the same kinds are KIND_TABLE in assembly/format.ts, and test/kinds.test.ts holds the two
// tables to each other. Adding a kind: a NodeKind and a KIND_TABLE row (assembly/format.ts),
// its validator and evaluator arms (assembly/validate.ts, evaluate.ts, model.ts), its network
// type (host/network.ts), its file here, and its tables in docs/FORMAT.md.

import type { NodeKind } from '../../assembly/format.js';
import type { Network } from '../network.js';
import type { Kind } from './kind.js';
import { search } from './search.js';
import { tree } from './tree.js';
import { dense } from './dense.js';
import { program } from './program.js';
import { graph } from './graph.js';

export type NetworkKind = Network['kind'];
export type NetworkOf<K extends NetworkKind> = Extract<Network, { kind: K }>;

export const KINDS: { [K in NetworkKind]: Kind<NetworkOf<K>> } = { search, tree, dense, program, graph };

/** The table's entry for a network, typed for it. */
export function kindOf<N extends Network>(net: N): Kind<N> {
  return KINDS[net.kind] as unknown as Kind<N>;
}

/** The network kind of a blob's NodeKind (undefined for a kind this version does not run). */
export function networkKindOf(nodeKind: NodeKind): NetworkKind | undefined {
  return (Object.keys(KINDS) as NetworkKind[]).find((k) => KINDS[k].nodeKind === nodeKind);
}

export { kindFacts, readsEveryCoordinate, type Kind, type Common } from './kind.js';
