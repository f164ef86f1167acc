// Kind 4, `program` (DESIGN §3.4): a straight-line list of multi-limb neurons, each writing
// the next register; `sqrt` builds it. Its writer, its reader (assembly/validate.ts
// validateProgram, check for check) and its reference evaluator (evaluateProgram).

import {
  ErrorCode, INSTRUCTION_HEADER_BYTES, MAX_INSTRUCTIONS, MAX_LIMBS, MAX_TERMS, NodeKind, P_BIAS_LIMBS, P_FLAGS,
  P_RESERVED, P_RESERVED2, P_TERMS, P_WIDTH, PROGRAM_TERM_BYTES, PT_SOURCE, PT_SOURCE_LIMBS, PT_WEIGHT_LIMBS, SectionId,
} from '../../assembly/format.js';
import { fail, type BlobView } from '../format/blob-view.js';
import { check, U32_MAX, type Section } from '../format/section.js';
import type { Evaluation } from '../engine/evaluation.js';
import { zeroCounts } from '../measure/counts.js';
import { limbsOf, registerLimbs, type Instruction, type ProgramNetwork } from '../network.js';
import type { Kind, Common } from './kind.js';

/** The bytes of one instruction (docs/FORMAT.md): what the engine reads to run it. */
export function instructionBytes(bias: bigint, weights: bigint[]): number {
  return INSTRUCTION_HEADER_BYTES + 4 * limbsOf(bias) + weights.reduce((s, w) => s + PROGRAM_TERM_BYTES + 4 * limbsOf(w), 0);
}

function putLimbs(v: DataView, at: number, x: bigint, limbs: number): void {
  let u = BigInt.asUintN(32 * limbs, x);
  for (let k = 0; k < limbs; k++, u >>= 32n) v.setUint32(at + 4 * k, Number(u & 0xffffffffn), true);
}

function write(net: ProgramNetwork): Section[] {
  check('instruction count', net.instructions.length, 1, MAX_INSTRUCTIONS);
  const sizes = net.instructions.map((i) => instructionBytes(i.bias, i.terms.map((t) => t.weight)));
  const payload = new Uint8Array(check('program size', sizes.reduce((a, b) => a + b, 0), 0, U32_MAX));
  const v = new DataView(payload.buffer);
  let at = 0;
  let end = net.dim;
  net.instructions.forEach((ins, i) => {
    const biasLimbs = limbsOf(ins.bias);
    v.setUint16(at + P_WIDTH, check(`instruction ${i} width`, ins.width, Math.max(1, biasLimbs), MAX_LIMBS), true);
    v.setUint8(at + P_FLAGS, ins.relu ? 1 : 0);
    v.setUint16(at + P_BIAS_LIMBS, biasLimbs, true);
    v.setUint32(at + P_TERMS, check(`instruction ${i} terms`, ins.terms.length, 1, MAX_TERMS), true);
    at += INSTRUCTION_HEADER_BYTES;
    putLimbs(v, at, ins.bias, biasLimbs);
    at += 4 * biasLimbs;
    for (const t of ins.terms) {
      const wl = check(`instruction ${i} weight limbs (no zero weights)`, limbsOf(t.weight), 1, MAX_LIMBS);
      check(`instruction ${i} source`, t.source + t.sourceLimbs, t.sourceLimbs, end);
      v.setUint32(at + PT_SOURCE, t.source, true);
      v.setUint16(at + PT_SOURCE_LIMBS, check(`instruction ${i} source limbs`, t.sourceLimbs, 1, MAX_LIMBS), true);
      v.setUint16(at + PT_WEIGHT_LIMBS, wl, true);
      at += PROGRAM_TERM_BYTES;
      putLimbs(v, at, t.weight, wl);
      at += 4 * wl;
    }
    end += ins.width;
  });
  return [{ id: SectionId.Program, elemBytes: 0, count: net.instructions.length, payload }];
}

function read(b: BlobView, common: Common): ProgramNetwork {
  const ps = b.sec(SectionId.Program);
  const count = ps.count;
  if (ps.elemBytes !== 0 || count === 0 || count > MAX_INSTRUCTIONS) b.shapeError(SectionId.Program);
  const base = ps.offset;
  let at = 0;
  let end = b.d;
  const instructions: Instruction[] = [];
  for (let i = 0; i < count; i++) {
    if (INSTRUCTION_HEADER_BYTES > ps.bytes - at) fail(ErrorCode.BadSection, { offset: base + at, what: `instruction ${i} header` });
    const h = base + at;
    const width = b.u16(h + P_WIDTH);
    const flags = b.u8(h + P_FLAGS);
    const biasLimbs = b.u16(h + P_BIAS_LIMBS);
    const terms = b.u32(h + P_TERMS);
    if (width === 0 || width > MAX_LIMBS || flags > 1 || b.u8(h + P_RESERVED) !== 0 || b.u16(h + P_RESERVED2) !== 0
      || biasLimbs > width || terms === 0 || terms > MAX_TERMS) {
      fail(ErrorCode.BadInstruction, { offset: h, value: width, what: `instruction ${i} header (width, flags ${flags}, bias limbs ${biasLimbs}, terms ${terms})` });
    }
    at += INSTRUCTION_HEADER_BYTES;
    if (4 * biasLimbs > ps.bytes - at) fail(ErrorCode.BadSection, { offset: base + at, what: `instruction ${i} bias` });
    if (biasLimbs > 0 && !b.minimal(base + at, biasLimbs)) fail(ErrorCode.BadWeight, { offset: base + at, what: `instruction ${i} bias (zero or not minimal)` });
    const bias = biasLimbs > 0 ? b.limbsAt(base + at, biasLimbs) : 0n;
    at += 4 * biasLimbs;
    const list: Instruction['terms'] = [];
    for (let t = 0; t < terms; t++) {
      if (PROGRAM_TERM_BYTES > ps.bytes - at) fail(ErrorCode.BadSection, { offset: base + at, what: `instruction ${i} term ${t}` });
      const th = base + at;
      const source = b.u32(th + PT_SOURCE);
      const sourceLimbs = b.u16(th + PT_SOURCE_LIMBS);
      const weightLimbs = b.u16(th + PT_WEIGHT_LIMBS);
      if (sourceLimbs === 0 || sourceLimbs > MAX_LIMBS || weightLimbs === 0 || weightLimbs > MAX_LIMBS || source + sourceLimbs > end) {
        fail(ErrorCode.BadInstruction, { offset: th, value: source, limit: end, what: `instruction ${i} term ${t} (source limbs ${sourceLimbs}, weight limbs ${weightLimbs})` });
      }
      at += PROGRAM_TERM_BYTES;
      if (4 * weightLimbs > ps.bytes - at) fail(ErrorCode.BadSection, { offset: base + at, what: `instruction ${i} term ${t} weight` });
      if (!b.minimal(base + at, weightLimbs)) fail(ErrorCode.BadWeight, { offset: base + at, what: `instruction ${i} term ${t} weight (zero or not minimal)` });
      list.push({ source, sourceLimbs, weight: b.limbsAt(base + at, weightLimbs) });
      at += 4 * weightLimbs;
    }
    instructions.push({ width, relu: flags === 1, bias, terms: list });
    end += width;
  }
  if (at !== ps.bytes) fail(ErrorCode.BadSection, { offset: base + at, value: ps.bytes - at, what: 'bytes after the last instruction' });
  b.checkScratch(4 * end, 'the register file');
  return { kind: 'program', ...common, instructions };
}

/** The program over a register file of u32 limbs, each instruction computed exactly in
 *  BigInt and reduced mod 2^(32·width), which is what the engine's limb arithmetic gives. */
function evaluate(net: ProgramNetwork, x: Int32Array, offset: number): Evaluation {
  const c = zeroCounts();
  const regs = new Uint32Array(registerLimbs(net));
  for (let j = 0; j < net.dim; j++) regs[j] = x[offset + j] >>> 0;
  const read = (at: number, limbs: number): bigint => {
    let v = 0n;
    for (let k = limbs - 1; k >= 0; k--) v = (v << 32n) | BigInt(regs[at + k]);
    return BigInt.asIntN(32 * limbs, v);
  };
  let end = net.dim;
  for (const ins of net.instructions) {
    let z = ins.bias;
    let words = Math.max(ins.width, limbsOf(ins.bias));
    let muls = 0;
    for (const t of ins.terms) {
      z += read(t.source, t.sourceLimbs) * t.weight;
      words = Math.max(words, t.sourceLimbs, limbsOf(t.weight));
      if (t.weight !== 1n && t.weight !== -1n) muls++;
    }
    z = BigInt.asIntN(32 * ins.width, z);
    if (ins.relu && z < 0n) z = 0n;
    let u = BigInt.asUintN(32 * ins.width, z);
    for (let k = 0; k < ins.width; k++, u >>= 32n) regs[end + k] = Number(u & 0xffffffffn);
    const adds = ins.terms.length - 1 + (ins.bias !== 0n ? 1 : 0);
    c.mul += muls;
    c.add += adds;
    if (ins.relu) c.cmp++;
    c.wordOps += words * (muls + adds + (ins.relu ? 1 : 0));
    c.loads += instructionBytes(ins.bias, ins.terms.map((t) => t.weight));
    end += ins.width;
  }
  const last = net.instructions[net.instructions.length - 1];
  const v = read(end - last.width, last.width);
  if (v < 0n || v >= BigInt(net.classes.length)) return { output: -ErrorCode.OutputOutOfRange, counts: c };
  return { output: Number(v), counts: c };
}

export const program: Kind<ProgramNetwork> = {
  nodeKind: NodeKind.Program, write, read, evaluate, scratchBytes: (net) => 4 * registerLimbs(net),
};
