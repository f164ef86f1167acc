// The host's kind table (host/kinds/) and the engine's (KIND_TABLE in assembly/format.ts)
// describe the same kinds: every supported NodeKind has one host entry, a blob of each kind
// holds exactly the sections its row names, a kind with no scratch rule declares none, and
// a kind that does not read every coordinate answers inputs whose untested coordinates
// leave the domain. And the format grows as docs/FORMAT.md says: optional sections are
// skipped by both readers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ErrorCode, KIND_COLUMNS, KIND_LAST_SUPPORTED, KIND_TABLE, KindTrait, NodeKind, ScratchRule, SECTION_FIRST_OPTIONAL,
  SECTION_LAST_OPTIONAL, SECTION_LAST_STRUCTURAL,
} from '../assembly/format.js';
import { KINDS, kindFacts, networkKindOf } from '../host/kinds/index.js';
import { writeBlob } from '../host/format/writer.js';
import { readBlob } from '../host/format/reader.js';
import { FieldRangeError } from '../host/format/errors.js';
import { Engine } from '../host/engine/engine.js';
import { referenceEvaluate } from '../host/engine/reference.js';
import { GOLDEN_CASES } from './golden/cases.js';
import { buildFrom } from './helpers.js';

// Every kind: the goldens, and a `sqrt` program (no golden holds one).
const sqrt = buildFrom('synthetic:n=20,d=2,labels=3,seed=6', { construction: 'sqrt' });
const SAMPLES = [...GOLDEN_CASES.map((c) => ({ name: c.name, network: c.network })), { name: 'sqrt', network: sqrt.net }];

test('one host entry per supported NodeKind, one KIND_TABLE row each', () => {
  assert.equal(KIND_TABLE.length, (KIND_LAST_SUPPORTED + 1) * KIND_COLUMNS);
  const kinds = Object.values(KINDS).map((k) => k.nodeKind).sort();
  assert.deepEqual(kinds, Array.from({ length: KIND_LAST_SUPPORTED }, (_, i) => i + 1));
  for (const [name, k] of Object.entries(KINDS)) {
    assert.equal(networkKindOf(k.nodeKind), name);
    assert.equal(NodeKind[k.nodeKind].toLowerCase(), name, 'one name per kind');
  }
});

test('each golden blob holds exactly the sections of its kind\'s row, and scratch only by its rule', () => {
  const seen = new Set<string>();
  for (const c of SAMPLES) {
    const blob = writeBlob(c.network);
    const { network, sections } = readBlob(blob);
    const facts = kindFacts(KINDS[network.kind].nodeKind);
    const mask = sections.reduce((m, s) => m | (1 << s.id), 0);
    const paired = mask & facts.paired;
    assert.ok(paired === 0 || paired === facts.paired, `${c.name}: paired sections both or neither`);
    assert.equal(mask & ~facts.paired, facts.sections, c.name);
    const scratch = KINDS[network.kind].scratchBytes(network as never);
    assert.equal(scratch === 0, facts.scratch === ScratchRule.None, `${c.name}: scratch ${scratch} under rule ${ScratchRule[facts.scratch]}`);
    seen.add(network.kind);
  }
  assert.deepEqual([...seen].sort(), Object.keys(KINDS).sort(), 'the goldens cover every kind');
});

test('a kind that does not read every coordinate answers an input whose untested coordinates leave the domain', () => {
  const c = GOLDEN_CASES.find((g) => g.name === 'two-by-two')!;
  assert.equal(kindFacts(NodeKind.Tree).traits & KindTrait.ReadsEveryCoordinate, 0);
  // x1 = 99 is outside 0…9, but the path x0 ≥ 5 → node 2 tests x1: refused; a lone leaf reads nothing.
  const lone = GOLDEN_CASES.find((g) => g.name === 'lone-leaf')!;
  const engine = new Engine('counting');
  engine.loadOrThrow(writeBlob(lone.network));
  assert.equal(engine.evaluate(Int32Array.of(99, 99)), 1);
  assert.equal(referenceEvaluate(lone.network, Int32Array.of(99, 99)).output, 1);
  engine.loadOrThrow(writeBlob(c.network));
  assert.equal(engine.evaluate(Int32Array.of(6, 99)), -ErrorCode.InputOutOfDomain);
  for (const k of Object.values(KINDS)) {
    if (kindFacts(k.nodeKind).traits & KindTrait.ReadsEveryCoordinate) continue;
    assert.equal(k.nodeKind, NodeKind.Tree, 'only trees read a path');
  }
});

test('optional sections are framed, listed and skipped by both readers; outputs do not change', () => {
  const engine = new Engine('counting');
  for (const c of GOLDEN_CASES) {
    const extra = [
      { id: SECTION_FIRST_OPTIONAL, elemBytes: 1, count: 5, payload: new TextEncoder().encode('hello') },
      { id: SECTION_LAST_OPTIONAL, elemBytes: 0, count: 0, payload: new Uint8Array(0) },
    ];
    const blob = writeBlob(c.network, extra);
    const { network, sections } = readBlob(blob);
    assert.deepEqual(sections.slice(-2).map((s) => [s.id, s.name, s.bytes]), [[32, 'optional 32', 5], [63, 'optional 63', 0]]);
    assert.equal(engine.load(blob), ErrorCode.Ok, c.name);
    c.inputs.forEach((row, i) => {
      const x = Int32Array.from(row);
      assert.equal(engine.evaluate(x), c.outputs[i], `${c.name} input ${i}`);
      assert.equal(referenceEvaluate(network, x).output, c.outputs[i]);
    });
  }
  const net = GOLDEN_CASES[0].network;
  for (const id of [SECTION_LAST_STRUCTURAL, SECTION_LAST_OPTIONAL + 1]) {
    assert.throws(() => writeBlob(net, [{ id, elemBytes: 0, count: 0, payload: new Uint8Array(0) }]), FieldRangeError);
  }
  const twice = { id: SECTION_FIRST_OPTIONAL, elemBytes: 0, count: 0, payload: new Uint8Array(0) };
  assert.throws(() => writeBlob(net, [twice, twice]), FieldRangeError);
});
