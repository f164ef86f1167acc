// Structure-aware mutation of .cnb blobs for fuzzing both readers. Each mutation knows the
// format (header fields, section entries, section payloads), and most re-fix the CRC and the
// declared length afterwards, so the deeper validation checks are reached, not just the CRC.

import {
  HEADER_BYTES, H_BLOB_BYTES, H_CRC, H_KIND, H_QUANT_MODE, H_SECTION_COUNT, H_INPUT_DIM,
  H_CLASS_COUNT, H_MAX_DEPTH, H_SCRATCH_BYTES, H_QUANT_PARAM, H_VERSION, H_HEADER_BYTES,
  SECTION_ENTRY_BYTES, S_ID, S_ELEM_BYTES, S_OFFSET, S_BYTES, S_COUNT,
} from '../../assembly/format.js';
import { crc32 } from '../../host/format/crc32.js';
import type { Prng } from '../../host/data/prng.js';

export const MUTATIONS = [
  'flip-bit', 'set-byte', 'truncate', 'extend', 'header-field', 'section-field', 'payload-word',
] as const;
export type Mutation = (typeof MUTATIONS)[number];

const HEADER_FIELDS: [number, 1 | 2 | 4][] = [
  [H_VERSION, 2], [H_HEADER_BYTES, 2], [H_KIND, 1], [H_QUANT_MODE, 1], [H_SECTION_COUNT, 2],
  [H_INPUT_DIM, 4], [H_CLASS_COUNT, 4], [H_MAX_DEPTH, 4], [H_SCRATCH_BYTES, 4], [H_QUANT_PARAM, 4],
];
const ENTRY_FIELDS: [number, 2 | 4][] = [[S_ID, 2], [S_ELEM_BYTES, 2], [S_OFFSET, 4], [S_BYTES, 4], [S_COUNT, 4]];

/** Values that sit on the edges validators get wrong. */
function interesting(rng: Prng, old: number, width: 1 | 2 | 4): number {
  const max = width === 4 ? 0xffffffff : width === 2 ? 0xffff : 0xff;
  const picks = [0, 1, 2, 3, 4, 7, 8, 9, 16, 63, 64, 65, max, max - 1, (max >>> 1) + 1, old + 1, old - 1, old + 8, old - 8, old * 2, rng.u32()];
  return picks[rng.below(picks.length)] & max;
}

function put(v: DataView, at: number, width: 1 | 2 | 4, value: number): void {
  if (at + width > v.byteLength) return;
  if (width === 1) v.setUint8(at, value);
  else if (width === 2) v.setUint16(at, value, true);
  else v.setUint32(at, value >>> 0, true);
}

function get(v: DataView, at: number, width: 1 | 2 | 4): number {
  if (at + width > v.byteLength) return 0;
  return width === 1 ? v.getUint8(at) : width === 2 ? v.getUint16(at, true) : v.getUint32(at, true);
}

/** Make length and CRC consistent again, so the checks after them run. */
export function refix(blob: Uint8Array): Uint8Array {
  if (blob.length < HEADER_BYTES) return blob;
  const v = new DataView(blob.buffer, blob.byteOffset, blob.length);
  v.setUint32(H_BLOB_BYTES, blob.length, true);
  v.setUint32(H_CRC, crc32(blob, H_CRC), true);
  return blob;
}

/** One mutated copy of `good`; `kind` says which mutation was applied. */
export function mutate(good: Uint8Array, rng: Prng): { blob: Uint8Array; kind: Mutation } {
  const kind = MUTATIONS[rng.below(MUTATIONS.length)];
  let b = good.slice();
  let v = new DataView(b.buffer);
  const sections = Math.min(v.getUint16(H_SECTION_COUNT, true), 16);
  switch (kind) {
    case 'flip-bit':
      b[rng.below(b.length)] ^= 1 << rng.below(8);
      break;
    case 'set-byte':
      b[rng.below(b.length)] = rng.below(256);
      break;
    case 'truncate':
      b = b.slice(0, rng.below(b.length));
      break;
    case 'extend': {
      const e = new Uint8Array(b.length + 1 + rng.below(64));
      e.set(b);
      for (let i = b.length; i < e.length; i++) e[i] = rng.below(4) === 0 ? rng.below(256) : 0;
      b = e;
      v = new DataView(b.buffer);
      break;
    }
    case 'header-field': {
      const [at, width] = HEADER_FIELDS[rng.below(HEADER_FIELDS.length)];
      put(v, at, width, interesting(rng, get(v, at, width), width));
      break;
    }
    case 'section-field': {
      const e = HEADER_BYTES + SECTION_ENTRY_BYTES * rng.below(Math.max(1, sections));
      const [at, width] = ENTRY_FIELDS[rng.below(ENTRY_FIELDS.length)];
      put(v, e + at, width, interesting(rng, get(v, e + at, width), width));
      break;
    }
    case 'payload-word': {
      // A word inside some section: a domain bound, a weight, a key, a leaf class, a label end.
      const e = HEADER_BYTES + SECTION_ENTRY_BYTES * rng.below(Math.max(1, sections));
      const off = get(v, e + S_OFFSET, 4);
      const len = get(v, e + S_BYTES, 4);
      if (len >= 4 && off + len <= b.length) {
        const at = off + (rng.below(len - 3) & ~3);
        put(v, at, 4, interesting(rng, get(v, at, 4), 4));
      }
      break;
    }
  }
  // Most mutations keep length and CRC consistent; some leave them for the early checks.
  return { blob: rng.below(5) === 0 ? b : refix(b), kind };
}
