// What the one reader (host/format/reader.ts) has learned of a blob when a kind's reader takes
// over: the header fields, the section table, and the checks every kind's reader shares — the
// same primitives assembly/validate.ts uses (shaped, the preorder walk, minimal limbs), so a
// kind's reader can follow its engine twin check for check.

import { ErrorCode, H_SCRATCH_BYTES, type SectionId } from '../../assembly/format.js';
import { BlobError, type BlobErrorDetail } from './errors.js';

export interface SectionInfo {
  id: SectionId;
  /** The SectionId name, or `optional <id>` for an optional section this version does not know. */
  name: string;
  elemBytes: number;
  offset: number;
  bytes: number;
  count: number;
}

/** Throw the BlobError every reader gives for this check. */
export function fail(code: ErrorCode, detail: BlobErrorDetail = {}): never {
  throw BlobError.of(code, detail);
}

export class BlobView {
  readonly v: DataView;
  /** Sections by id, as the table lists them (every section, optional ones included). */
  readonly byId = new Map<number, SectionInfo>();

  constructor(
    readonly blob: Uint8Array,
    /** Header fields, trusted once the header checks passed. */
    readonly d: number,
    readonly classes: number,
    readonly maxDepth: number,
    readonly scratchBytes: number,
    readonly rootClass: number,
  ) {
    this.v = new DataView(blob.buffer, blob.byteOffset, blob.length);
  }

  u8(o: number): number { return this.v.getUint8(o); }
  u16(o: number): number { return this.v.getUint16(o, true); }
  u32(o: number): number { return this.v.getUint32(o, true); }
  i16(o: number): number { return this.v.getInt16(o, true); }
  i32(o: number): number { return this.v.getInt32(o, true); }
  i64(o: number): bigint { return this.v.getBigInt64(o, true); }

  /** A section the kind holds (the common checks proved it present). */
  sec(id: SectionId): SectionInfo {
    return this.byId.get(id)!;
  }

  /** The engine's `shaped`: exactly `count` elements of `elem` bytes. */
  shaped(id: SectionId, elem: number, count: number): boolean {
    const s = this.sec(id);
    return s.elemBytes === elem && s.count === count && s.bytes === count * elem;
  }

  shapeError(id: SectionId): never {
    const s = this.sec(id);
    return fail(ErrorCode.BadSection, { offset: s.offset, value: s.bytes, what: `section ${s.name} (element bytes ${s.elemBytes}, count ${s.count})` });
  }

  /** A signed integer of `limbs` u32 limbs at `at`. */
  limbsAt(at: number, limbs: number): bigint {
    let x = 0n;
    for (let k = limbs - 1; k >= 0; k--) x = (x << 32n) | BigInt(this.u32(at + 4 * k));
    return BigInt.asIntN(32 * limbs, x);
  }

  /** The engine's `minimal`: non-zero, no redundant top limb. */
  minimal(at: number, limbs: number): boolean {
    const top = this.u32(at + 4 * (limbs - 1));
    if (limbs === 1) return top !== 0;
    const below = this.u32(at + 4 * (limbs - 2)) >>> 31;
    return !(top === 0 && below === 0) && !(top === 0xffffffff && below === 1);
  }

  /** The engine's walkPreorder, check for check: with nodes, a root class is refused (the
   *  root is node 0); node r must be the next popped; `visit` checks node r (its depth counts
   *  the branches above it and itself) and returns its children (ref, byte offset), "above"
   *  first, or nothing for a leaf; a ref ≥ m is a class, checked here, a ref < m is pushed. */
  walkPreorder(m: number, offset: number, elemBytes: number,
    visit: (r: number, depth: number, at: number) => [number, number][]): void {
    if (m > 0 && this.rootClass !== 0) fail(ErrorCode.BadNode, { value: this.rootClass, what: 'a root class in a blob with nodes (the root is node 0)' });
    const stack: Array<[number, number]> = m > 0 ? [[0, 1]] : [];
    let next = 0;
    while (stack.length > 0) {
      const [r, depth] = stack.pop()!;
      const at = offset + elemBytes * r;
      if (r !== next) fail(ErrorCode.BadNode, { offset: at, value: r, limit: next, what: 'node out of preorder (expected index as limit)' });
      next++;
      for (const [child, field] of visit(r, depth, at)) {
        if (child >= m) {
          if (child - m >= this.classes) fail(ErrorCode.BadLeaf, { offset: field, value: child - m, limit: this.classes - 1, what: `node ${r} leaf` });
        } else {
          stack.push([child, depth + 1]);
        }
      }
    }
    if (next !== m) fail(ErrorCode.BadNode, { offset, value: next, limit: m, what: 'nodes reached vs stored' });
  }

  /** The engine's checkScratch: the header declares at least what the kind's ScratchRule needs. */
  checkScratch(need: number, what: string): void {
    if (this.scratchBytes < need) fail(ErrorCode.BadScratch, { offset: H_SCRATCH_BYTES, value: this.scratchBytes, limit: need, what: `scratch bytes for ${what}` });
  }
}
