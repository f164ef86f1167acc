// docs/FORMAT.md and assembly/format.ts must say the same thing: header offsets, section
// entry offsets, kinds, section ids, limits and error codes. And every ErrorCode has exactly
// one host message, in the enum's order.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as F from '../assembly/format.js';
import { ERROR_MESSAGES } from '../host/format/errors.js';

const doc = readFileSync(new URL('../../docs/FORMAT.md', import.meta.url), 'utf8');

/** Rows of the first table after `heading`, as arrays of trimmed cells. */
function tableAfter(heading: string): string[][] {
  const start = doc.indexOf(heading);
  assert.ok(start >= 0, `FORMAT.md lacks "${heading}"`);
  const lines = doc.slice(start).split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (let i = first + 2; i < lines.length && lines[i].startsWith('|'); i++) {
    rows.push(lines[i].split('|').slice(1, -1).map((c) => c.trim()));
  }
  return rows;
}

const enumMembers = (e: Record<string, string | number>) =>
  Object.entries(e).filter(([, v]) => typeof v === 'number') as [string, number][];

test('header table matches the H_* offsets', () => {
  const want: Record<string, number> = {
    magic: F.H_MAGIC, version: F.H_VERSION, headerBytes: F.H_HEADER_BYTES, blobBytes: F.H_BLOB_BYTES,
    crc: F.H_CRC, kind: F.H_KIND, quantMode: F.H_QUANT_MODE, sectionCount: F.H_SECTION_COUNT,
    inputDim: F.H_INPUT_DIM, classCount: F.H_CLASS_COUNT, maxDepth: F.H_MAX_DEPTH,
    scratchBytes: F.H_SCRATCH_BYTES, quantParam: F.H_QUANT_PARAM, pairs: F.H_PAIRS, rootClass: F.H_ROOT_CLASS, reserved: F.H_RESERVED,
  };
  const rows = tableAfter('## Header');
  assert.deepEqual(Object.fromEntries(rows.map((r) => [r[2], Number(r[0])])), want);
  assert.match(doc, new RegExp(`## Header \\(${F.HEADER_BYTES} bytes`));
  assert.ok(doc.includes(`\`0x${F.MAGIC.toString(16).toUpperCase()}\``));
});

test('section entry table matches the S_* offsets', () => {
  const rows = tableAfter('## Section table');
  assert.deepEqual(Object.fromEntries(rows.map((r) => [r[2], Number(r[0])])),
    { id: F.S_ID, elemBytes: F.S_ELEM_BYTES, offset: F.S_OFFSET, bytes: F.S_BYTES, count: F.S_COUNT });
  assert.match(doc, new RegExp(`## Section table \\(${F.SECTION_ENTRY_BYTES} bytes`));
});

test('kinds, section ids and error codes match the enums', () => {
  const pairs = (heading: string) => tableAfter(heading).map((r) => [r[1], Number(r[0])]);
  assert.deepEqual(pairs('## Node kinds'), enumMembers(F.NodeKind as never));
  assert.deepEqual(pairs('## Sections'), enumMembers(F.SectionId as never));
  assert.deepEqual(pairs('## Error codes'), enumMembers(F.ErrorCode as never));
});

test('the node kinds table is the kind table, row for row', () => {
  const rows = tableAfter('## Node kinds');
  const ids = (mask: number) => Array.from({ length: 32 }, (_, i) => i).filter((i) => mask & (1 << i)).join(', ');
  const traits = (t: number) => enumMembers(F.KindTrait as never).filter(([, v]) => t & v).map(([n]) => n).join(', ');
  assert.equal(rows.length, F.KIND_LAST_SUPPORTED);
  for (const [value, name, sections, paired, scratch, trait] of rows) {
    const row = Number(value) * F.KIND_COLUMNS;
    assert.deepEqual([name, sections, paired, scratch, trait], [
      F.NodeKind[Number(value)], ids(F.KIND_TABLE[row + F.K_SECTIONS]), ids(F.KIND_TABLE[row + F.K_PAIRED]),
      F.ScratchRule[F.KIND_TABLE[row + F.K_SCRATCH]], traits(F.KIND_TABLE[row + F.K_TRAITS]),
    ], `kind ${value}`);
  }
});

test('GraphNodes element table matches the G_* offsets', () => {
  const rows = tableAfter('### The GraphNodes payload');
  assert.deepEqual(Object.fromEntries(rows.map((r) => [r[2], Number(r[0])])), {
    kind: F.G_KIND, flags: F.G_FLAGS, reserved: F.G_RESERVED, row: F.G_ROW, below: F.G_BELOW, above: F.G_ABOVE, threshold: F.G_THRESHOLD,
  });
  assert.equal(F.G_THRESHOLD + 8, F.GRAPH_NODE_BYTES);
});

test('the counter export lists the Counter enum', () => {
  const row = doc.split('\n').find((l) => l.startsWith('| `counter(which)`'));
  assert.ok(row, 'FORMAT.md lacks the counter(which) row');
  assert.ok(row.includes(`(${enumMembers(F.Counter as never).map(([k, v]) => `${v} ${k}`).join(', ')}:`), row);
});

test('TreeNodes element table matches the T_* field indices', () => {
  const rows = tableAfter('### A TreeNodes element');
  assert.deepEqual(Object.fromEntries(rows.map((r) => [r[0], Number(r[1])])),
    { feature: F.T_FEATURE, threshold: F.T_THRESHOLD, below: F.T_BELOW, above: F.T_ABOVE });
});

test('DenseLayers tables match the D_* and L_* offsets', () => {
  const offsets = (heading: string, from: number) => {
    const rows = tableAfter(heading);
    return Object.fromEntries(rows.slice(0, from).map((r) => [r[2], Number(r[0])]));
  };
  assert.deepEqual(offsets('### The DenseLayers payload', 2), { output: F.D_OUTPUT, reserved: F.D_RESERVED });
  assert.deepEqual(offsets('Then L layers back to back', 4),
    { outputs: F.L_OUTPUTS, inputs: F.L_INPUTS, flags: F.L_FLAGS, reserved: F.L_RESERVED });
  assert.match(doc, new RegExp(`each a ${F.LAYER_HEADER_BYTES}-byte header`));
});

test('Program tables match the P_* and PT_* offsets', () => {
  const offsets = (heading: string) => Object.fromEntries(tableAfter(heading).map((r) => [r[2], Number(r[0])]));
  assert.deepEqual(offsets('### The Program payload'),
    { width: F.P_WIDTH, flags: F.P_FLAGS, reserved: F.P_RESERVED, biasLimbs: F.P_BIAS_LIMBS, reserved2: F.P_RESERVED2, terms: F.P_TERMS });
  assert.deepEqual(offsets("then the bias limbs, then each term's"),
    { source: F.PT_SOURCE, sourceLimbs: F.PT_SOURCE_LIMBS, weightLimbs: F.PT_WEIGHT_LIMBS });
  assert.match(doc, new RegExp(`Its ${F.INSTRUCTION_HEADER_BYTES}-byte header`));
  assert.match(doc, new RegExp(`each term's ${F.PROGRAM_TERM_BYTES}-byte header`));
});

test('limits match', () => {
  for (const [name, value] of tableAfter('## Limits')) {
    assert.equal(Number(value), (F as unknown as Record<string, number>)[name], name);
  }
});

test('one host message per ErrorCode, in order', () => {
  const codes = enumMembers(F.ErrorCode as never).map(([, v]) => v);
  assert.equal(ERROR_MESSAGES.length, codes.length);
  assert.deepEqual(ERROR_MESSAGES.map(([c]) => c), codes);
  for (const [, m] of ERROR_MESSAGES) assert.ok(m.length > 0);
});
