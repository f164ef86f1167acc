// Hostile blobs: each documented corruption gets its documented ErrorCode from both readers
// (engine validator and host reader), a clear one-line message from the CLI, and the same
// engine instance still evaluates a good blob afterwards. (test/fuzz.test.ts mutates at random.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ErrorCode, H_CRC, H_VERSION, H_KIND, H_ROOT_CLASS, H_MAX_DEPTH, H_SECTION_COUNT, HEADER_BYTES, S_OFFSET, S_ID, S_COUNT,
  S_ELEM_BYTES, SECTION_ENTRY_BYTES, SectionId, T_FEATURE, T_BELOW, T_ABOVE, H_SCRATCH_BYTES,
  D_OUTPUT, DENSE_PREFIX_BYTES, L_INPUTS, L_FLAGS, DenseOutput, P_WIDTH, P_BIAS_LIMBS,
  INSTRUCTION_HEADER_BYTES, PT_SOURCE, PROGRAM_TERM_BYTES, GRAPH_NODE_BYTES, G_KIND, G_ROW, G_BELOW,
} from '../assembly/format.js';
import { GOLDEN_CASES } from './golden/cases.js';
import { writeBlob } from '../host/format/writer.js';
import { Engine } from '../host/engine/engine.js';
import { crc32 } from '../host/format/crc32.js';
import { BlobError, TruncatedBlobError, UnsupportedBlobError, MalformedBlobError, OverLimitBlobError } from '../host/format/errors.js';
import { readBlob } from '../host/format/reader.js';
import { buildFrom } from './helpers.js';

const good = buildFrom('synthetic:n=200,d=4,labels=3,seed=2');
// The same search with its projection stored as i32 (the writer takes i16 when it can): wide
// weights are how keys can pass 2^53.
const wide = { ...good, blob: writeBlob({ ...good.net, projectionBytes: 4 } as typeof good.net) };

function refixCrc(blob: Uint8Array): Uint8Array {
  new DataView(blob.buffer, blob.byteOffset).setUint32(H_CRC, crc32(blob, H_CRC), true);
  return blob;
}

// A tree over 3 coordinates (a Domain pair per coordinate), 16-byte nodes, and one over a
// line (one shared Domain pair), 8-byte nodes.
const tree = buildFrom('synthetic:n=60,d=3,labels=3,seed=3', { construction: 'tree' });
const line = buildFrom('line-alternating:n=40', { construction: 'tree' });
// A dense network of two 2-wide layers and an argmax (test/golden/cases.ts, tiny-mlp).
const mlp = { ...good, blob: writeBlob(GOLDEN_CASES.find((c) => c.name === 'tiny-mlp')!.network) };
// A limb program (`sqrt`); its first instruction is the key: d = 2 one-limb terms, a bias.
const prog = buildFrom('synthetic:n=20,d=2,labels=3,seed=6', { construction: 'sqrt' });
const instr = () => sec('Program', prog).offset;
// A conditional graph with a reused register and a net leaf (golden tiny-graph): node 0 a
// branch, node 4 the net leaf, one mask of one byte.
const graph = { ...good, blob: writeBlob(GOLDEN_CASES.find((c) => c.name === 'tiny-graph')!.network) };
const node = (r: number, field: number) => sec('GraphNodes', graph).offset + GRAPH_NODE_BYTES * r + field;

function mutated(f: (b: Uint8Array, v: DataView) => void, fixCrc = true, base = good): Uint8Array {
  const b = base.blob.slice();
  f(b, new DataView(b.buffer));
  return fixCrc ? refixCrc(b) : b;
}

const sec = (name: string, base = good) => readBlob(base.blob).sections.find((x) => x.name === name)!;
/** Table entry of section `id` in `base`. */
const entry = (id: SectionId, base: typeof good) => HEADER_BYTES + SECTION_ENTRY_BYTES * readBlob(base.blob).sections.findIndex((x) => x.id === id);

function treeMutated(base: typeof good, f: (v: DataView, node: (r: number, k: number) => number, m: number) => void): Uint8Array {
  const s = sec('TreeNodes', base);
  const w = s.elemBytes / 4;
  return mutated((_, v) => {
    const node = (r: number, k: number) => s.offset + s.elemBytes * r + w * k;
    f(v, node, s.count);
  }, true, base);
}
/** Write a u16 field (every node of `line` is 8 bytes). */
const set16 = (v: DataView, at: number, x: number) => v.setUint16(at, x, true);

const CASES: [string, Uint8Array, ErrorCode, new (...a: never[]) => BlobError][] = [
  ['truncated to 10 bytes', good.blob.slice(0, 10), ErrorCode.Truncated, TruncatedBlobError],
  ['truncated mid-section', good.blob.slice(0, good.blob.length - 3), ErrorCode.Truncated, TruncatedBlobError],
  ['bit flipped in a separator', mutated((b) => { b[b.length - 300] ^= 0x10; }, false), ErrorCode.BadChecksum, MalformedBlobError],
  ['wrong version', mutated((_, v) => v.setUint16(H_VERSION, 2, true), false), ErrorCode.UnsupportedVersion, UnsupportedBlobError],
  ['wrong checksum', mutated((_, v) => v.setUint32(H_CRC, v.getUint32(H_CRC, true) ^ 1, true), false), ErrorCode.BadChecksum, MalformedBlobError],
  ['bad magic', mutated((b) => { b[0] = 0x58; }), ErrorCode.BadMagic, MalformedBlobError],
  ['kind a later version reserves', mutated((_, v) => v.setUint8(H_KIND, 6)), ErrorCode.UnsupportedKind, UnsupportedBlobError],
  ['kind past the reserved ones', mutated((_, v) => v.setUint8(H_KIND, 16)), ErrorCode.BadKind, MalformedBlobError],
  ['search with a root class', mutated((_, v) => v.setUint32(H_ROOT_CLASS, 1, true)), ErrorCode.BadHeader, MalformedBlobError],
  ['tree: root class outside the labels', mutated((_, v) => v.setUint32(H_ROOT_CLASS, 3, true), true, tree), ErrorCode.BadHeader, MalformedBlobError],
  ['tree: a root class and nodes', mutated((_, v) => v.setUint32(H_ROOT_CLASS, 1, true), true, tree), ErrorCode.BadNode, MalformedBlobError],
  ['structural section id a later version reserves', mutated((_, v) => v.setUint16(entry(SectionId.Leaves, good) + S_ID, 12, true)), ErrorCode.UnsupportedSection, UnsupportedBlobError],
  ['section id past the optional ones', mutated((_, v) => v.setUint16(entry(SectionId.Leaves, good) + S_ID, 64, true)), ErrorCode.BadSection, MalformedBlobError],
  ['a needed section renumbered as optional', mutated((_, v) => v.setUint16(entry(SectionId.Leaves, good) + S_ID, 32, true)), ErrorCode.MissingSection, MalformedBlobError],
  ['a search blob called a graph', mutated((_, v) => v.setUint8(H_KIND, 5)), ErrorCode.BadSection, MalformedBlobError],
  ['misaligned section', mutated((_, v) => v.setUint32(HEADER_BYTES + S_OFFSET, v.getUint32(HEADER_BYTES + S_OFFSET, true) + 4, true)), ErrorCode.BadSection, MalformedBlobError],
  ['zero weight', mutated((_, v) => v.setInt32(sec('Projection').offset, 0, true)), ErrorCode.BadWeight, MalformedBlobError],
  ['leaf class out of range', mutated((b) => { b[sec('Leaves').offset] = 3; }), ErrorCode.BadLeaf, MalformedBlobError],
  ['domain lo above hi', mutated((_, v) => v.setInt32(sec('Domain').offset, 70000, true)), ErrorCode.BadDomain, MalformedBlobError],
  ['depth below the search', mutated((_, v) => v.setUint32(H_MAX_DEPTH, 3, true)), ErrorCode.BadDepth, MalformedBlobError],
  ['keys beyond 2^53', mutated((_, v) => {
    v.setInt32(sec('Projection', wide).offset, 0x7fffffff, true);
    v.setInt32(sec('Domain', wide).offset + 4, 0x7fffffff, true);
  }, true, wide), ErrorCode.KeyRange, OverLimitBlobError],
  ['projection weights of 3 bytes', mutated((_, v) => v.setUint16(entry(SectionId.Projection, good) + S_ELEM_BYTES, 3, true)), ErrorCode.BadSection, MalformedBlobError],
  ['tree: feature ≥ d', treeMutated(line, (v, node) => set16(v, node(0, T_FEATURE), 1)), ErrorCode.BadNode, MalformedBlobError],
  ['tree: a link back to the root', treeMutated(line, (v, node) => set16(v, node(0, T_BELOW), 0)), ErrorCode.BadNode, MalformedBlobError],
  ['tree: a subtree no link reaches', treeMutated(line, (v, node, m) => set16(v, node(0, T_ABOVE), m)), ErrorCode.BadNode, MalformedBlobError],
  ['tree: leaf class out of range', treeMutated(line, (v, node, m) => set16(v, node(0, T_ABOVE), m + 2)), ErrorCode.BadLeaf, MalformedBlobError],
  ['tree: deeper than the header', mutated((_, v) => v.setUint32(H_MAX_DEPTH, line.net.maxDepth - 1, true), true, line), ErrorCode.BadDepth, MalformedBlobError],
  ['tree: a search section', mutated((_, v) => v.setUint16(entry(SectionId.TreeNodes, tree) + S_ID, SectionId.Projection, true), true, tree), ErrorCode.BadSection, MalformedBlobError],
  ['tree: TreeNodes left out of the table', mutated((_, v) => v.setUint16(H_SECTION_COUNT, 2, true), true, tree), ErrorCode.MissingSection, MalformedBlobError],
  ['tree: domain count neither 1 nor d', mutated((_, v) => v.setUint32(entry(SectionId.Domain, tree) + S_COUNT, 2, true), true, tree), ErrorCode.BadSection, MalformedBlobError],
  ['tree: 12-byte nodes', mutated((_, v) => v.setUint16(entry(SectionId.TreeNodes, tree) + S_ELEM_BYTES, 12, true), true, tree), ErrorCode.BadSection, MalformedBlobError],
  ['dense: unknown output mode', mutated((_, v) => v.setUint32(sec('DenseLayers', mlp).offset + D_OUTPUT, 2, true), true, mlp), ErrorCode.BadLayer, MalformedBlobError],
  ['dense: scalar output from 2 outputs', mutated((_, v) => v.setUint32(sec('DenseLayers', mlp).offset + D_OUTPUT, DenseOutput.ScalarClass, true), true, mlp), ErrorCode.BadLayer, MalformedBlobError],
  ['dense: inputs ≠ d', mutated((_, v) => v.setUint32(sec('DenseLayers', mlp).offset + DENSE_PREFIX_BYTES + L_INPUTS, 3, true), true, mlp), ErrorCode.BadLayer, MalformedBlobError],
  ['dense: unknown flag', mutated((_, v) => v.setUint32(sec('DenseLayers', mlp).offset + DENSE_PREFIX_BYTES + L_FLAGS, 4, true), true, mlp), ErrorCode.BadLayer, MalformedBlobError],
  ['dense: a shared-row flag misframes the next layer', mutated((_, v) => v.setUint32(sec('DenseLayers', mlp).offset + DENSE_PREFIX_BYTES + L_FLAGS, 3, true), true, mlp), ErrorCode.BadLayer, MalformedBlobError],
  ['dense: scratch too small', mutated((_, v) => v.setUint32(H_SCRATCH_BYTES, 16, true), true, mlp), ErrorCode.BadScratch, MalformedBlobError],
  ['dense: no layers', mutated((_, v) => v.setUint32(entry(SectionId.DenseLayers, mlp) + S_COUNT, 0, true), true, mlp), ErrorCode.BadSection, MalformedBlobError],
  ['program: width 0', mutated((_, v) => v.setUint16(instr() + P_WIDTH, 0, true), true, prog), ErrorCode.BadInstruction, MalformedBlobError],
  ['program: a term reads past the registers written', mutated((_, v) => v.setUint32(instr() + INSTRUCTION_HEADER_BYTES + 4 * v.getUint16(instr() + P_BIAS_LIMBS, true) + PT_SOURCE, 2, true), true, prog), ErrorCode.BadInstruction, MalformedBlobError],
  ['program: a zero weight', mutated((_, v) => v.setUint32(instr() + INSTRUCTION_HEADER_BYTES + 4 * v.getUint16(instr() + P_BIAS_LIMBS, true) + PROGRAM_TERM_BYTES, 0, true), true, prog), ErrorCode.BadWeight, MalformedBlobError],
  ['program: scratch below the register file', mutated((_, v) => v.setUint32(H_SCRATCH_BYTES, 8, true), true, prog), ErrorCode.BadScratch, MalformedBlobError],
  ['program: one instruction too many', mutated((_, v) => v.setUint32(entry(SectionId.Program, prog) + S_COUNT, v.getUint32(entry(SectionId.Program, prog) + S_COUNT, true) + 1, true), true, prog), ErrorCode.BadSection, MalformedBlobError],
  ['graph: rows not a multiple of d', mutated((_, v) => v.setUint32(entry(SectionId.GraphRows, graph) + S_COUNT, 3, true), true, graph), ErrorCode.BadSection, MalformedBlobError],
  ['graph: a mask state 3', mutated((b) => { b[sec('GraphMasks', graph).offset] = 3; }, true, graph), ErrorCode.BadLeaf, MalformedBlobError],
  ['graph: node kind 0', mutated((_, v) => v.setUint8(node(0, G_KIND), 0), true, graph), ErrorCode.BadNode, MalformedBlobError],
  ['graph: a row that does not exist', mutated((_, v) => v.setUint32(node(1, G_ROW), 2, true), true, graph), ErrorCode.BadNode, MalformedBlobError],
  ['graph: a net leaf with a ref', mutated((_, v) => v.setUint32(node(4, G_BELOW), 1, true), true, graph), ErrorCode.BadNode, MalformedBlobError],
  ['graph: a mask that does not exist', mutated((_, v) => v.setUint32(node(4, G_ROW), 1, true), true, graph), ErrorCode.BadNode, MalformedBlobError],
  ['graph: a branch to a class past C', mutated((_, v) => v.setUint32(node(1, G_BELOW), 7, true), true, graph), ErrorCode.BadLeaf, MalformedBlobError],
  ['graph: deeper than the header', mutated((_, v) => v.setUint32(H_MAX_DEPTH, 2, true), true, graph), ErrorCode.BadDepth, MalformedBlobError],
  ['graph: base network without masks', mutated((_, v) => v.setUint16(H_SECTION_COUNT, v.getUint16(H_SECTION_COUNT, true) - 1, true), true, graph), ErrorCode.MissingSection, MalformedBlobError],
  ['graph: scratch without the registers', mutated((_, v) => v.setUint32(H_SCRATCH_BYTES, 32, true), true, graph), ErrorCode.BadScratch, MalformedBlobError],
  ['trailing bytes', (() => { const b = new Uint8Array(good.blob.length + 8); b.set(good.blob); return b; })(), ErrorCode.LengthMismatch, MalformedBlobError],
];

test('each documented corruption gets its code from both readers', () => {
  const engine = new Engine('counting');
  for (const [what, blob, code, cls] of CASES) {
    assert.equal(engine.load(blob), code, `engine: ${what}`);
    assert.throws(() => readBlob(blob), (e: unknown) => e instanceof cls && (e as BlobError).code === code, `host: ${what}`);
    // A rejected blob leaves no model, and a good one still evaluates correctly after it.
    assert.equal(engine.evaluate(good.xq), -ErrorCode.NotValidated, what);
    assert.equal(engine.load(good.blob), ErrorCode.Ok);
    assert.equal(engine.evaluate(good.xq), good.ds.y[0], `after ${what}`);
  }
});

test('the CLI names the problem in one line and exits non-zero', () => {
  const dir = mkdtempSync(join(tmpdir(), 'condnet-bad-'));
  const cli = new URL('../host/cli/main.js', import.meta.url).pathname;
  for (const [what, blob, code] of CASES.slice(0, 5)) {
    const file = join(dir, 'bad.cnb');
    writeFileSync(file, blob);
    const r = spawnSync(process.execPath, [cli, 'verify', file, 'synthetic:n=200,d=4,labels=3,seed=2'], { encoding: 'utf8' });
    assert.equal(r.status, 1, what);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `${what}: ${r.stderr}`);
    assert.match(lines[0], new RegExp(`^condnet: invalid model: .*\\(error ${code}\\b`), what);
  }
});

test('a row of the wrong length is refused with InputLength, and nothing is evaluated', () => {
  const engine = new Engine('counting');
  engine.loadOrThrow(good.blob);
  const d = good.ds.dim;
  assert.equal(engine.evaluate(good.xq.subarray(0, d - 1)), -ErrorCode.InputLength);
  assert.equal(engine.evaluate(good.xq, good.xq.length - 1), -ErrorCode.InputLength);
  assert.deepEqual(Array.from(engine.evaluateBatch(good.xq.subarray(0, 2 * d - 1), 2)), [-ErrorCode.InputLength, -ErrorCode.InputLength]);
  assert.deepEqual(Array.from(engine.evaluateBatch(good.xq.subarray(0, 2 * d + 1))), Array(3).fill(-ErrorCode.InputLength)); // not whole rows
  assert.equal(engine.evaluate(good.xq), good.ds.y[0]);
});

test('evaluate refuses an input inside the scratch it would overwrite', () => {
  const engine = new Engine('counting');
  assert.equal(engine.load(mlp.blob), ErrorCode.Ok);
  const { scratch, inputs } = engine.layout();
  assert.equal(engine.evaluateRaw(scratch), -ErrorCode.OutOfMemory);
  assert.equal(engine.evaluateRaw(inputs - 4), -ErrorCode.OutOfMemory); // its last bytes reach in
  assert.equal(engine.evaluate(Int32Array.of(3, 1)), 0); // placed past the scratch: fine
});

test('validate refuses a region outside engine memory instead of trapping', () => {
  const engine = new Engine('release');
  assert.equal(engine.validateRaw(0xfffffff0, 64), ErrorCode.OutOfMemory);
  assert.equal(engine.validateRaw(16, 0xffffffff), ErrorCode.OutOfMemory);
});
