// Kind 1, `search` (DESIGN §3.1): the projection t = w·x, then the Eytzinger binary search over
// n − 1 separators. Its writer, its reader (assembly/validate.ts validateSearch, check for
// check) and its reference evaluator (assembly/evaluate.ts evaluateSearch, count for count).

import {
  ErrorCode, H_MAX_DEPTH, I64_WORDS, MAX_KEY_MAGNITUDE, MAX_SEPARATORS, NodeKind, SectionId,
} from '../../assembly/format.js';
import { FieldRangeError } from '../format/errors.js';
import { fail, type BlobView } from '../format/blob-view.js';
import { check, type Section } from '../format/section.js';
import type { Evaluation } from '../engine/evaluation.js';
import { zeroCounts } from '../measure/counts.js';
import { searchDepth, type SearchNetwork } from '../network.js';
import type { Kind, Common } from './kind.js';

/** Bytes per stored leaf class: the network's own (read from a blob), else the narrowest of
 *  u8, u16, u32 that holds every class index. */
export function leafWidth(net: SearchNetwork): 1 | 2 | 4 {
  const c = net.classes.length;
  return net.leafBytes ?? (c <= 0x100 ? 1 : c <= 0x10000 ? 2 : 4);
}

/** Bytes per stored projection weight: the network's own (read from a blob), else 2 when
 *  every weight fits an i16 (half the bytes each input reads), else 4. */
export function projectionWidth(net: SearchNetwork): 2 | 4 {
  return net.projectionBytes ?? (net.projection.every((w) => w >= -0x8000 && w <= 0x7fff) ? 2 : 4);
}

function write(net: SearchNetwork): Section[] {
  const d = net.dim;
  const pw = projectionWidth(net);
  const proj = new Uint8Array(pw * d);
  const pv = new DataView(proj.buffer);
  net.projection.forEach((w, j) => {
    const [lo, hi] = pw === 2 ? [-0x8000, 0x7fff] : [-0x80000000, 0x7fffffff];
    if (w === 0 || w < lo || w > hi) throw new FieldRangeError(`projection[${j}] (non-zero, ${pw} bytes)`, w, lo, hi);
    if (pw === 2) pv.setInt16(2 * j, w, true);
    else pv.setInt32(4 * j, w, true);
  });
  const m = net.separators.length;
  const seps = new Uint8Array(8 * m);
  const sv = new DataView(seps.buffer);
  net.separators.forEach((k, i) => {
    sv.setBigInt64(8 * i, BigInt(check(`separator[${i}]`, k, -MAX_KEY_MAGNITUDE, MAX_KEY_MAGNITUDE)), true);
  });
  if (net.leaves.length !== m + 1) throw new FieldRangeError('leaf count', net.leaves.length, m + 1, m + 1);
  const width = leafWidth(net);
  const leaves = new Uint8Array(width * (m + 1));
  const lv = new DataView(leaves.buffer);
  net.leaves.forEach((c, i) => {
    check(`leaf[${i}]`, c, 0, Math.min(net.classes.length - 1, 2 ** (8 * width) - 1));
    if (width === 1) lv.setUint8(i, c);
    else if (width === 2) lv.setUint16(2 * i, c, true);
    else lv.setUint32(4 * i, c, true);
  });
  return [
    { id: SectionId.Projection, elemBytes: pw, count: d, payload: proj },
    { id: SectionId.Separators, elemBytes: 8, count: m, payload: seps },
    { id: SectionId.Leaves, elemBytes: width, count: m + 1, payload: leaves },
  ];
}

function read(b: BlobView, common: Common): SearchNetwork {
  const { d, classes, maxDepth } = b;
  const { lo, hi } = common.domain;
  const pw = b.sec(SectionId.Projection).elemBytes;
  if ((pw !== 2 && pw !== 4) || !b.shaped(SectionId.Projection, pw, d)) b.shapeError(SectionId.Projection);
  const proj = b.sec(SectionId.Projection).offset;
  // One pass over the weights, as the engine makes: zero weights now, the key bound later.
  const projection = new Int32Array(d);
  let bound = 0n;
  let boundAt = -1; // the coordinate after which the bound first exceeds the limit
  for (let j = 0; j < d; j++) {
    projection[j] = pw === 2 ? b.i16(proj + 2 * j) : b.i32(proj + 4 * j);
    if (projection[j] === 0) fail(ErrorCode.BadWeight, { offset: proj + pw * j, value: 0, what: `weight ${j}` });
    bound += BigInt(Math.abs(projection[j])) * BigInt(Math.max(Math.abs(lo[j]), Math.abs(hi[j])));
    if (boundAt < 0 && bound > BigInt(MAX_KEY_MAGNITUDE)) boundAt = j;
  }

  const m = b.sec(SectionId.Separators).count;
  if (m > MAX_SEPARATORS || !b.shaped(SectionId.Separators, 8, m)) b.shapeError(SectionId.Separators);
  const leafBytes = b.sec(SectionId.Leaves).elemBytes;
  if ((leafBytes !== 1 && leafBytes !== 2 && leafBytes !== 4) || !b.shaped(SectionId.Leaves, leafBytes, m + 1)) b.shapeError(SectionId.Leaves);
  const lv = b.sec(SectionId.Leaves).offset;
  const leaves = new Uint32Array(m + 1);
  for (let i = 0; i <= m; i++) {
    const at = lv + i * leafBytes;
    const c = leafBytes === 1 ? b.u8(at) : leafBytes === 2 ? b.u16(at) : b.u32(at);
    if (c >= classes) fail(ErrorCode.BadLeaf, { offset: at, value: c, limit: classes - 1, what: `leaf ${i}` });
    leaves[i] = c;
  }

  if (maxDepth < searchDepth(m)) fail(ErrorCode.BadDepth, { offset: H_MAX_DEPTH, value: maxDepth, limit: searchDepth(m) });
  if (boundAt >= 0) fail(ErrorCode.KeyRange, { value: bound, limit: MAX_KEY_MAGNITUDE, what: `key bound after coordinate ${boundAt}` });

  // Decoding: separators become numbers. |t| ≤ 2^53 − 1 (checked above), so comparing t with
  // a separator rounded to a double gives the same answer as comparing with the exact i64.
  const sepAt = b.sec(SectionId.Separators).offset;
  const separators = new Float64Array(m);
  for (let i = 0; i < m; i++) separators[i] = Number(b.i64(sepAt + 8 * i));
  return { kind: 'search', ...common, projection, projectionBytes: pw as 2 | 4, separators, leaves, leafBytes: leafBytes as 1 | 2 | 4 };
}

/** t = w·x (the domain was checked first: search reads every coordinate), then the descent. */
function evaluate(net: SearchNetwork, x: Int32Array, offset: number): Evaluation {
  const c = zeroCounts();
  const d = net.dim;
  const pw = projectionWidth(net);
  let t = 0;
  for (let j = 0; j < d; j++) {
    const w = net.projection[j];
    t += w * x[offset + j];
    c.loads += pw;
    if (w !== 1 && w !== -1) {
      c.mul++;
      c.wordOps += I64_WORDS;
    }
  }
  c.add += d - 1;
  c.wordOps += (d - 1) * I64_WORDS;
  const m = net.separators.length;
  let i = 1;
  while (i <= m) {
    i = 2 * i + (t >= net.separators[i - 1] ? 1 : 0);
    c.cmp++;
    c.wordOps += I64_WORDS;
    c.loads += 8;
  }
  c.loads += leafWidth(net);
  return { output: net.leaves[i - m - 1], counts: c };
}

export const search: Kind<SearchNetwork> = { nodeKind: NodeKind.Search, write, read, evaluate, scratchBytes: () => 0 };
