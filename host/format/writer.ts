// The one writer of .cnb blobs (docs/FORMAT.md): the header, the section table, Domain and
// Labels here, a kind's own sections from its entry in the kind table (host/kinds/). Every
// field is range-checked before it is written: a value that does not fit its width is
// refused, never wrapped.

import {
  MAGIC, FORMAT_VERSION, HEADER_BYTES, H_MAGIC, H_VERSION, H_HEADER_BYTES, H_BLOB_BYTES, H_CRC,
  H_KIND, H_QUANT_MODE, H_SECTION_COUNT, H_INPUT_DIM, H_CLASS_COUNT, H_MAX_DEPTH,
  H_SCRATCH_BYTES, H_QUANT_PARAM, H_PAIRS, H_ROOT_CLASS, SECTION_ENTRY_BYTES, S_ID, S_ELEM_BYTES, S_OFFSET,
  S_BYTES, S_COUNT, SectionId, MAX_CLASSES, MAX_INPUT_DIM, MAX_DEPTH, MAX_SCRATCH_BYTES, QuantMode, MAX_FRAC_BITS,
  KindTrait, MAX_SECTIONS, SECTION_FIRST_OPTIONAL, SECTION_LAST_OPTIONAL,
} from '../../assembly/format.js';
import type { Domain } from '../data/quantize.js';
import { kindFacts, kindOf } from '../kinds/index.js';
import type { Network } from '../network.js';
import { crc32 } from './crc32.js';
import { readBlob } from './reader.js';
import { align, check, U32_MAX, type Section } from './section.js';
import { FieldRangeError } from './errors.js';

/** One shared (lo, hi) pair when every coordinate has the same bounds (MNIST: 8 bytes, not
 *  6 KB), else one pair per coordinate. */
function domainSection(domain: Domain): Section {
  const d = domain.lo.length;
  const shared = domain.lo.every((lo, j) => lo === domain.lo[0] && domain.hi[j] === domain.hi[0]);
  const count = shared ? 1 : d;
  const payload = new Uint8Array(8 * count);
  const v = new DataView(payload.buffer);
  for (let j = 0; j < count; j++) {
    v.setInt32(8 * j, domain.lo[j], true);
    v.setInt32(8 * j + 4, domain.hi[j], true);
  }
  return { id: SectionId.Domain, elemBytes: 8, count, payload };
}

function labelsSection(classes: string[]): Section {
  const enc = new TextEncoder();
  const texts = classes.map((c) => enc.encode(c));
  const textBytes = texts.reduce((s, t) => s + t.length, 0);
  const payload = new Uint8Array(4 * classes.length + textBytes);
  const v = new DataView(payload.buffer);
  let end = 0;
  texts.forEach((t, c) => {
    payload.set(t, 4 * classes.length + end);
    end += t.length;
    v.setUint32(4 * c, check('label table size', end, 0, U32_MAX), true);
  });
  return { id: SectionId.Labels, elemBytes: 0, count: classes.length, payload };
}

/** Pack a network into a .cnb blob, with `optional` sections (ids SECTION_FIRST_OPTIONAL …
 *  SECTION_LAST_OPTIONAL, each at most once) after the kind's own: readers that do not know
 *  one skip it (docs/FORMAT.md, "How the format grows"). */
export function writeBlob(net: Network, optional: Section[] = []): Uint8Array {
  check('input dimension', net.dim, 1, MAX_INPUT_DIM);
  check('class count', net.classes.length, 1, MAX_CLASSES);
  const kind = kindOf(net);
  optional.forEach((s, i) => {
    check(`optional section ${i} id`, s.id, SECTION_FIRST_OPTIONAL, SECTION_LAST_OPTIONAL);
    if (optional.findIndex((o) => o.id === s.id) !== i) throw new FieldRangeError(`optional section ${i} id (each id once)`, s.id, SECTION_FIRST_OPTIONAL, SECTION_LAST_OPTIONAL);
  });
  const sections = [domainSection(net.domain), labelsSection(net.classes), ...kind.write(net), ...optional];
  check('section count', sections.length, 0, MAX_SECTIONS);
  let at = HEADER_BYTES + SECTION_ENTRY_BYTES * sections.length;
  const offsets = sections.map((s) => {
    at = align(at);
    const o = at;
    at += s.payload.length;
    return o;
  });
  const total = check('blob size', at, 0, U32_MAX);
  const blob = new Uint8Array(total);
  const v = new DataView(blob.buffer);
  v.setUint32(H_MAGIC, MAGIC, true);
  v.setUint16(H_VERSION, FORMAT_VERSION, true);
  v.setUint16(H_HEADER_BYTES, HEADER_BYTES, true);
  v.setUint32(H_BLOB_BYTES, total, true);
  v.setUint8(H_KIND, kind.nodeKind);
  v.setUint8(H_QUANT_MODE, net.quant.mode);
  v.setUint16(H_SECTION_COUNT, sections.length, true);
  v.setUint32(H_INPUT_DIM, net.dim, true);
  v.setUint32(H_CLASS_COUNT, net.classes.length, true);
  v.setUint32(H_MAX_DEPTH, check('max depth', net.maxDepth, 0, MAX_DEPTH), true);
  v.setUint32(H_SCRATCH_BYTES, check('scratch bytes', kind.scratchBytes(net), 0, MAX_SCRATCH_BYTES), true);
  v.setInt32(H_QUANT_PARAM, check('quantization parameter', net.quant.param, net.quant.mode === QuantMode.Scale ? 1 : 0,
    net.quant.mode === QuantMode.Scale ? 0x7fffffff : MAX_FRAC_BITS), true);
  v.setUint32(H_PAIRS, check('pairs', net.pairs, 0, U32_MAX), true);
  v.setUint32(H_ROOT_CLASS, check('root class', kind.rootClass?.(net) ?? 0, 0, net.classes.length - 1), true);
  sections.forEach((s, i) => {
    const e = HEADER_BYTES + SECTION_ENTRY_BYTES * i;
    v.setUint16(e + S_ID, s.id, true);
    v.setUint16(e + S_ELEM_BYTES, s.elemBytes, true);
    v.setUint32(e + S_OFFSET, offsets[i], true);
    v.setUint32(e + S_BYTES, s.payload.length, true);
    v.setUint32(e + S_COUNT, s.count, true);
    blob.set(s.payload, offsets[i]);
  });
  v.setUint32(H_CRC, crc32(blob, H_CRC), true);
  // The structure of preorder nodes (links, depth) is checked by the reader's walk, so the
  // writer never hands out a blob the readers would refuse.
  if (kindFacts(kind.nodeKind).traits & KindTrait.Preorder) readBlob(blob);
  return blob;
}
