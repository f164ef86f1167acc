// The one reader of .cnb blobs on the host, shaped like the engine's validator
// (assembly/validate.ts) function for function: readBlob is `validate` (the header, the
// section table, Domain, Labels) and each kind's reader in host/kinds/ is its validateX. Both
// run the checks in the order docs/FORMAT.md ("Validation order") lists, so both give every
// blob the same ErrorCode; then the reader decodes the network.

import {
  ErrorCode, MAGIC, FORMAT_VERSION, HEADER_BYTES, H_MAGIC, H_VERSION, H_HEADER_BYTES,
  H_BLOB_BYTES, H_CRC, H_KIND, H_QUANT_MODE, H_SECTION_COUNT, H_INPUT_DIM, H_CLASS_COUNT,
  H_MAX_DEPTH, H_SCRATCH_BYTES, H_QUANT_PARAM, H_PAIRS, H_ROOT_CLASS, H_RESERVED, SECTION_ENTRY_BYTES, S_ID,
  S_ELEM_BYTES, S_OFFSET, S_BYTES, S_COUNT, SECTION_ALIGN, MAX_INPUT_DIM, MAX_CLASSES,
  MAX_SECTIONS, MAX_DEPTH, MAX_SCRATCH_BYTES, MAX_FRAC_BITS, KIND_LAST_SUPPORTED, KIND_LAST_RESERVED,
  SECTION_LAST_SUPPORTED, SECTION_LAST_STRUCTURAL, SECTION_LAST_OPTIONAL, SectionId, QuantMode, NodeKind, KindTrait,
} from '../../assembly/format.js';
import { KINDS, kindFacts, networkKindOf, type Common } from '../kinds/index.js';
import type { Network } from '../network.js';
import { crc32 } from './crc32.js';
import { BlobView, fail, type SectionInfo } from './blob-view.js';

export type { SectionInfo } from './blob-view.js';

export interface ReadResult {
  network: Network;
  /** Every section, as the table lists them (optional ones this version does not know too). */
  sections: SectionInfo[];
  bytes: number;
}

/** Validate and decode a blob; throws BlobError with the code every reader gives. */
export function readBlob(blob: Uint8Array): ReadResult {
  const len = blob.length;
  if (len < HEADER_BYTES) fail(ErrorCode.Truncated, { value: len, limit: HEADER_BYTES, what: 'blob shorter than the header' });
  const v = new DataView(blob.buffer, blob.byteOffset, len);
  const u8 = (o: number) => v.getUint8(o);
  const u16 = (o: number) => v.getUint16(o, true);
  const u32 = (o: number) => v.getUint32(o, true);
  const i32 = (o: number) => v.getInt32(o, true);

  if (u32(H_MAGIC) !== MAGIC) fail(ErrorCode.BadMagic, { offset: H_MAGIC, value: u32(H_MAGIC) });
  if (u16(H_VERSION) !== FORMAT_VERSION) fail(ErrorCode.UnsupportedVersion, { offset: H_VERSION, value: u16(H_VERSION), limit: FORMAT_VERSION });
  if (u16(H_HEADER_BYTES) !== HEADER_BYTES) fail(ErrorCode.BadHeader, { offset: H_HEADER_BYTES, value: u16(H_HEADER_BYTES), what: 'header size' });
  const blobBytes = u32(H_BLOB_BYTES);
  if (blobBytes > len) fail(ErrorCode.Truncated, { offset: H_BLOB_BYTES, value: len, limit: blobBytes, what: 'bytes present vs bytes declared' });
  if (blobBytes < len) fail(ErrorCode.LengthMismatch, { offset: H_BLOB_BYTES, value: len, limit: blobBytes, what: 'bytes present vs bytes declared' });
  const crc = crc32(blob, H_CRC);
  if (crc !== u32(H_CRC)) fail(ErrorCode.BadChecksum, { offset: H_CRC, value: u32(H_CRC), limit: crc, what: 'stored vs computed CRC-32' });
  for (let i = H_RESERVED; i < HEADER_BYTES; i++) {
    if (u8(i) !== 0) fail(ErrorCode.BadHeader, { offset: i, value: u8(i), what: 'reserved byte' });
  }
  const kind = u8(H_KIND);
  if (kind === 0 || kind > KIND_LAST_RESERVED) fail(ErrorCode.BadKind, { offset: H_KIND, value: kind });
  if (kind > KIND_LAST_SUPPORTED) fail(ErrorCode.UnsupportedKind, { offset: H_KIND, value: kind, limit: KIND_LAST_SUPPORTED });
  const quantMode = u8(H_QUANT_MODE);
  const quantParam = i32(H_QUANT_PARAM);
  if (quantMode === QuantMode.FracBits) {
    if (quantParam < 0 || quantParam > MAX_FRAC_BITS) fail(ErrorCode.BadHeader, { offset: H_QUANT_PARAM, value: quantParam, limit: MAX_FRAC_BITS, what: 'fractional bits' });
  } else if (quantMode === QuantMode.Scale) {
    if (quantParam < 1) fail(ErrorCode.BadHeader, { offset: H_QUANT_PARAM, value: quantParam, what: 'scale' });
  } else fail(ErrorCode.BadHeader, { offset: H_QUANT_MODE, value: quantMode, what: 'quantization mode' });

  const d = u32(H_INPUT_DIM);
  const classes = u32(H_CLASS_COUNT);
  const sections = u16(H_SECTION_COUNT);
  const maxDepth = u32(H_MAX_DEPTH);
  if (d === 0 || d > MAX_INPUT_DIM) fail(ErrorCode.OverLimit, { offset: H_INPUT_DIM, value: d, limit: MAX_INPUT_DIM, what: 'input dimension' });
  if (classes === 0 || classes > MAX_CLASSES) fail(ErrorCode.OverLimit, { offset: H_CLASS_COUNT, value: classes, limit: MAX_CLASSES, what: 'class count' });
  if (sections > MAX_SECTIONS) fail(ErrorCode.OverLimit, { offset: H_SECTION_COUNT, value: sections, limit: MAX_SECTIONS, what: 'section count' });
  if (maxDepth > MAX_DEPTH) fail(ErrorCode.OverLimit, { offset: H_MAX_DEPTH, value: maxDepth, limit: MAX_DEPTH, what: 'depth' });
  const scratch = u32(H_SCRATCH_BYTES);
  if (scratch > MAX_SCRATCH_BYTES) fail(ErrorCode.OverLimit, { offset: H_SCRATCH_BYTES, value: scratch, limit: MAX_SCRATCH_BYTES, what: 'scratch bytes' });
  const facts = kindFacts(kind as NodeKind);
  const rootClass = u32(H_ROOT_CLASS);
  if (rootClass !== 0 && (rootClass >= classes || (facts.traits & KindTrait.Preorder) === 0)) {
    fail(ErrorCode.BadHeader, { offset: H_ROOT_CLASS, value: rootClass, limit: classes - 1, what: `root class (only a ${NodeKind[kind]} with preorder nodes has one)` });
  }
  const b = new BlobView(blob, d, classes, maxDepth, scratch, rootClass);
  const infos = readSectionTable(b, sections, len);

  const present = infos.reduce((m, s) => (s.id <= SECTION_LAST_STRUCTURAL ? m | (1 << s.id) : m), 0);
  const expected = facts.sections | (present & facts.paired ? facts.paired : 0);
  for (const info of infos) {
    if (info.id <= SECTION_LAST_STRUCTURAL && !(expected & (1 << info.id))) fail(ErrorCode.BadSection, { value: info.id, what: `section ${info.name} in a ${NodeKind[kind]} blob` });
  }
  for (let id = 1; id <= SECTION_LAST_SUPPORTED; id++) {
    if (expected & (1 << id) && !b.byId.has(id)) fail(ErrorCode.MissingSection, { value: id, what: `section ${SectionId[id]}` });
  }

  const common: Common = {
    dim: d,
    classes: readLabels(b),
    quant: { mode: quantMode, param: quantParam },
    domain: readDomain(b),
    maxDepth,
    pairs: u32(H_PAIRS),
  };
  // The domain is read before the labels, as the engine checks them; `common` lists them in
  // the network's own field order.
  const network = KINDS[networkKindOf(kind as NodeKind)!].read(b, common);
  return { network, sections: infos, bytes: len };
}

/** Framed entries in increasing, non-overlapping, aligned order; optional sections (ids past
 *  the structural ones) framed like the others, listed, and left to whoever knows them. */
function readSectionTable(b: BlobView, sections: number, len: number): SectionInfo[] {
  const tableEnd = HEADER_BYTES + sections * SECTION_ENTRY_BYTES;
  if (tableEnd > len) fail(ErrorCode.BadSection, { offset: H_SECTION_COUNT, value: tableEnd, limit: len, what: 'section table end' });
  const infos: SectionInfo[] = [];
  let prevEnd = tableEnd;
  for (let i = 0; i < sections; i++) {
    const e = HEADER_BYTES + i * SECTION_ENTRY_BYTES;
    const id = b.u16(e + S_ID);
    const offset = b.u32(e + S_OFFSET);
    const bytes = b.u32(e + S_BYTES);
    const what = `section entry ${i}`;
    if (id === 0 || id > SECTION_LAST_OPTIONAL) fail(ErrorCode.BadSection, { offset: e + S_ID, value: id, what });
    if (id > SECTION_LAST_SUPPORTED && id <= SECTION_LAST_STRUCTURAL) fail(ErrorCode.UnsupportedSection, { offset: e + S_ID, value: id, limit: SECTION_LAST_SUPPORTED, what });
    if (offset % SECTION_ALIGN !== 0 || offset < prevEnd) fail(ErrorCode.BadSection, { offset: e + S_OFFSET, value: offset, limit: prevEnd, what: `${what} offset (aligned, after the previous section)` });
    if (offset > len || bytes > len - offset) fail(ErrorCode.BadSection, { offset: e + S_BYTES, value: bytes, limit: Math.max(0, len - offset), what: `${what} length` });
    if (b.byId.has(id)) fail(ErrorCode.BadSection, { offset: e + S_ID, value: id, what: `${what}: duplicate id` });
    const name = id <= SECTION_LAST_SUPPORTED ? SectionId[id] : `optional ${id}`;
    const info: SectionInfo = { id, name, elemBytes: b.u16(e + S_ELEM_BYTES), offset, bytes, count: b.u32(e + S_COUNT) };
    b.byId.set(id, info);
    infos.push(info);
    prevEnd = offset + bytes;
  }
  return infos;
}

/** d pairs, or one pair shared by every coordinate; lo ≤ hi. */
function readDomain(b: BlobView): { lo: Int32Array; hi: Int32Array } {
  const d = b.d;
  const ds = b.sec(SectionId.Domain);
  if ((ds.count !== 1 && ds.count !== d) || !b.shaped(SectionId.Domain, 8, ds.count)) b.shapeError(SectionId.Domain);
  const lo = new Int32Array(d);
  const hi = new Int32Array(d);
  for (let j = 0; j < ds.count; j++) {
    lo[j] = b.i32(ds.offset + 8 * j);
    hi[j] = b.i32(ds.offset + 8 * j + 4);
    if (lo[j] > hi[j]) fail(ErrorCode.BadDomain, { offset: ds.offset + 8 * j, value: lo[j], limit: hi[j], what: `coordinate ${j}` });
  }
  if (ds.count === 1) {
    lo.fill(lo[0]);
    hi.fill(hi[0]);
  }
  return { lo, hi };
}

/** C end offsets, non-decreasing, the last one closing the text exactly; then the texts. */
function readLabels(b: BlobView): string[] {
  const classes = b.classes;
  const ls = b.sec(SectionId.Labels);
  if (ls.elemBytes !== 0 || ls.count !== classes || ls.bytes < 4 * classes) b.shapeError(SectionId.Labels);
  const ends = new Uint32Array(classes);
  let end = 0;
  for (let c = 0; c < classes; c++) {
    const next = b.u32(ls.offset + 4 * c);
    if (next < end) fail(ErrorCode.BadLabels, { offset: ls.offset + 4 * c, value: next, limit: end, what: `end of label ${c}` });
    end = ends[c] = next;
  }
  if (end !== ls.bytes - 4 * classes) fail(ErrorCode.BadLabels, { offset: ls.offset, value: end, limit: ls.bytes - 4 * classes, what: 'label text length' });
  const dec = new TextDecoder();
  const text = ls.offset + 4 * classes;
  const labels: string[] = [];
  for (let c = 0, start = 0; c < classes; start = ends[c], c++) {
    labels.push(dec.decode(b.blob.subarray(text + start, text + ends[c])));
  }
  return labels;
}
